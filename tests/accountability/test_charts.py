"""Dashboard figures are built from lists as plain dicts and tested as data; plotly's graph
objects check, in the tests only, that each is a figure plotly.js draws as before."""

import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from accountability.dashboards import charts


def test_weekly_trend_plots_reported_share_and_average_percent():
    trend = [
        {"week": "2016-W22", "reported_share": 50.0, "average_percent": 40.0},
        {"week": "2016-W23", "reported_share": 75.0, "average_percent": None},
    ]
    fig = charts.weekly_trend(trend)
    bars, line = fig["data"]
    assert bars["type"] == "bar" and list(bars["x"]) == ["2016-W22", "2016-W23"]
    assert list(bars["y"]) == [50.0, 75.0]
    assert line["type"] == "scatter" and list(line["y"]) == [40.0, None]
    assert fig["layout"]["title"]["text"] == "近12周填报率与平均进度"
    assert fig["layout"]["xaxis"]["type"] == "category" and fig["layout"]["xaxis"]["tickangle"] == -45


def test_weekly_units_stacks_reported_and_not_reported():
    fig = charts.weekly_units([{"name": "甲镇", "reported": 3, "not_reported": 1}])
    assert [t["name"] for t in fig["data"]] == ["已填报", "未填报"]
    assert fig["layout"]["barmode"] == "stack"


def test_monthly_exits_compares_year_to_date_with_target():
    units = [
        {
            "name": "甲镇",
            "year_to_date": {"households_exited": 2, "pairing_funds": 1.0, "collective_funds": 2.0},
            "targets": {"target_households": 4},
        }
    ]
    fig = charts.monthly_exits(units)
    assert [list(t["y"]) for t in fig["data"]] == [[2], [4]]
    funds = charts.monthly_funds(units)
    assert [list(t["y"]) for t in funds["data"]] == [[1.0], [2.0]]


def test_monthly_curve_has_households_and_people_on_two_axes():
    fig = charts.monthly_curve([{"month": "2016-01", "households_exited": 3, "people_exited": 9}])
    assert fig["data"][1]["yaxis"] == "y2" and list(fig["data"][1]["y"]) == [9]
    assert fig["layout"]["xaxis"]["type"] == "category"  # labelled 2016-01, not as a date
    assert fig["layout"]["yaxis"]["rangemode"] == fig["layout"]["yaxis2"]["rangemode"] == "tozero"


def test_satisfaction_heatmap_is_units_by_items():
    satisfaction = {
        "items": [{"name": "住房"}, {"name": "饮水"}],
        "units": [{"name": "甲镇", "items": [100.0, 0.0]}, {"name": "乙乡", "items": [None, 50.0]}],
    }
    heat = charts.satisfaction_heatmap(satisfaction)["data"][0]
    assert heat["type"] == "heatmap"
    assert list(heat["x"]) == ["住房", "饮水"] and list(heat["y"]) == ["甲镇", "乙乡"]
    assert [list(row) for row in heat["z"]] == [[100.0, 0.0], [None, 50.0]]


def test_findings_chart_has_one_trace_per_severity():
    findings = {
        "severities": [{"key": "ok", "label": "未发现问题"}, {"key": "serious", "label": "严重问题"}],
        "categories": [{"label": "资金使用情况", "ok": 1, "serious": 2}],
    }
    fig = charts.findings_by_category(findings)
    assert [(t["name"], list(t["y"])) for t in fig["data"]] == [("未发现问题", [1]), ("严重问题", [2])]


def test_league_scores_put_the_best_on_top():
    fig = charts.league_scores([{"name": "甲镇", "score": 80.0}, {"name": "乙乡", "score": 20.0}])
    assert list(fig["data"][0]["y"]) == ["乙乡", "甲镇"]  # plotly draws the last category at the top


def test_figure_json_cannot_close_the_script_element():
    fig = charts.weekly_units([{"name": "</script><b>", "reported": 1, "not_reported": 0}])
    text = charts.figure_json(fig)
    assert "</script>" not in text and "<" not in text

    assert json.loads(text)["data"][0]["x"] == ["</script><b>"]


def _figures():
    """One figure of every builder, over rows like the selectors' (numbers, None, Decimals)."""
    units = [
        {
            "name": "甲镇",
            "reported": 3,
            "not_reported": 1,
            "year_to_date": {"households_exited": 2, "pairing_funds": 1.5, "collective_funds": None},
            "targets": {"target_households": 4},
            "rural_income_per_head_yuan": Decimal("10250.50"),
        },
        {
            "name": "乙乡",
            "reported": 0,
            "not_reported": 2,
            "year_to_date": {"households_exited": 0, "pairing_funds": 0.0, "collective_funds": 2.0},
            "targets": {"target_households": 0},
            "rural_income_per_head_yuan": None,
        },
    ]
    return [
        charts.weekly_trend([{"week": "2016-W22", "reported_share": 50.0, "average_percent": None}]),
        charts.weekly_units(units),
        charts.monthly_exits(units),
        charts.monthly_funds(units),
        charts.monthly_curve([{"month": "2016-01", "households_exited": 3, "people_exited": 9}]),
        charts.satisfaction_heatmap(
            {
                "items": [{"name": "住房"}],
                "units": [{"name": "甲镇", "items": [None]}, {"name": "乙乡", "items": [50.0]}],
            }
        ),
        charts.findings_by_category(
            {
                "severities": [
                    {"key": "ok", "label": "未发现问题"},
                    {"key": "not_checked", "label": "未检查"},
                ],
                "categories": [{"label": "资金使用情况", "ok": 1, "not_checked": 0}],
            }
        ),
        charts.league_scores([{"name": "甲镇", "score": 80.0}]),
        charts.incidence_by_year(
            [
                {
                    "year": 2015,
                    "total": 5.2,
                    "townships": [{"name": "甲镇", "percent": 4.0}, {"name": "乙乡", "percent": None}],
                },
                {
                    "year": 2016,
                    "total": 2.1,
                    "townships": [{"name": "甲镇", "percent": 1.0}, {"name": "乙乡", "percent": 3.3}],
                },
            ]
        ),
        charts.yearly_income(units, 10000),
    ]


@pytest.mark.parametrize("index", range(10))
def test_the_embedded_json_is_the_figure_plotly_makes(index):
    """The builders skip plotly's validation; plotly's graph objects accept what they build
    (an unknown or misspelt property raises) and make the very same JSON of it, template
    included, so plotly.js draws the chart as before."""
    fig = _figures()[index]
    embedded = json.loads(charts.figure_json(fig))
    validated = go.Figure(embedded)
    assert embedded == json.loads(validated.to_json())
    assert embedded["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]


def test_plotly_rejects_a_figure_it_cannot_draw():
    """The check above can fail: a misspelt property is refused."""
    fig = charts.weekly_units([{"name": "甲镇", "reported": 1, "not_reported": 0}])
    fig["data"][0]["colour"] = "red"
    with pytest.raises(ValueError):
        go.Figure(json.loads(charts.figure_json(fig)))
