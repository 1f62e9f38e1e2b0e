"""Dashboard figures are built from lists and tested as data (fig.to_dict())."""

from accountability.dashboards import charts


def test_weekly_trend_plots_reported_share_and_average_percent():
    trend = [
        {"week": "2016-W22", "reported_share": 50.0, "average_percent": 40.0},
        {"week": "2016-W23", "reported_share": 75.0, "average_percent": None},
    ]
    fig = charts.weekly_trend(trend).to_dict()
    bars, line = fig["data"]
    assert bars["type"] == "bar" and list(bars["x"]) == ["2016-W22", "2016-W23"]
    assert list(bars["y"]) == [50.0, 75.0]
    assert line["type"] == "scatter" and list(line["y"]) == [40.0, None]
    assert fig["layout"]["title"]["text"] == "近12周填报率与平均进度"
    assert fig["layout"]["xaxis"]["type"] == "category" and fig["layout"]["xaxis"]["tickangle"] == -45


def test_weekly_units_stacks_reported_and_not_reported():
    fig = charts.weekly_units([{"name": "甲镇", "reported": 3, "not_reported": 1}]).to_dict()
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
    fig = charts.monthly_exits(units).to_dict()
    assert [list(t["y"]) for t in fig["data"]] == [[2], [4]]
    funds = charts.monthly_funds(units).to_dict()
    assert [list(t["y"]) for t in funds["data"]] == [[1.0], [2.0]]


def test_monthly_curve_has_households_and_people_on_two_axes():
    fig = charts.monthly_curve([{"month": "2016-01", "households_exited": 3, "people_exited": 9}]).to_dict()
    assert fig["data"][1]["yaxis"] == "y2" and list(fig["data"][1]["y"]) == [9]
    assert fig["layout"]["xaxis"]["type"] == "category"  # labelled 2016-01, not as a date
    assert fig["layout"]["yaxis"]["rangemode"] == fig["layout"]["yaxis2"]["rangemode"] == "tozero"


def test_satisfaction_heatmap_is_units_by_items():
    satisfaction = {
        "items": [{"name": "住房"}, {"name": "饮水"}],
        "units": [{"name": "甲镇", "items": [100.0, 0.0]}, {"name": "乙乡", "items": [None, 50.0]}],
    }
    heat = charts.satisfaction_heatmap(satisfaction).to_dict()["data"][0]
    assert heat["type"] == "heatmap"
    assert list(heat["x"]) == ["住房", "饮水"] and list(heat["y"]) == ["甲镇", "乙乡"]
    assert [list(row) for row in heat["z"]] == [[100.0, 0.0], [None, 50.0]]


def test_findings_chart_has_one_trace_per_severity():
    findings = {
        "severities": [{"key": "ok", "label": "未发现问题"}, {"key": "serious", "label": "严重问题"}],
        "categories": [{"label": "资金使用情况", "ok": 1, "serious": 2}],
    }
    fig = charts.findings_by_category(findings).to_dict()
    assert [(t["name"], list(t["y"])) for t in fig["data"]] == [("未发现问题", [1]), ("严重问题", [2])]


def test_league_scores_put_the_best_on_top():
    fig = charts.league_scores([{"name": "甲镇", "score": 80.0}, {"name": "乙乡", "score": 20.0}]).to_dict()
    assert list(fig["data"][0]["y"]) == ["乙乡", "甲镇"]  # plotly draws the last category at the top


def test_figure_json_cannot_close_the_script_element():
    fig = charts.weekly_units([{"name": "</script><b>", "reported": 1, "not_reported": 0}])
    text = charts.figure_json(fig)
    assert "</script>" not in text and "<" not in text
    import json

    assert json.loads(text)["data"][0]["x"] == ["</script><b>"]
