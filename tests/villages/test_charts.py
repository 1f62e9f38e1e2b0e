"""The organization and satisfaction charts are plain dicts (chishui.charts.figure), like the
dashboards': plotly's graph objects accept each of them and make the very same JSON, template
included, so plotly.js draws them as it drew the graph objects."""

import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest

from chishui.charts import figure_json
from villages.organization import charts as organization
from villages.satisfaction import charts as satisfaction

ROUNDS = [
    {"number": 1, "satisfied_share": 60.0, "fair_share": 30.5},
    {"number": 2, "satisfied_share": None, "fair_share": None},
]
ITEMS = [
    {"name": "住房", "content_share": 92.5},
    {"name": "饮水", "content_share": None},
    {"name": "</script>", "content_share": 40.0},
]
TOWNSHIPS = [
    {"name": "甲镇", "content_share": 80.0, "rounds": [75.0, 85.0]},
    {"name": "乙乡", "content_share": None, "rounds": [None, None]},
]
UNITS = [
    {
        "name": "甲镇",
        "pairing_funds": Decimal("12000.50"),
        "collective_funds": 0,
        "work_teams": 3,
        "work_teams_compliant": 2,
    },
    {
        "name": "乙乡",
        "pairing_funds": 0,
        "collective_funds": None,
        "work_teams": 0,
        "work_teams_compliant": 0,
    },
]
ECONOMIC = {
    "kinds": [
        {"label": "合作社", "single": 2, "joint": 1, "instructor": 0, "none": 3},
        {"label": "企业", "single": 0, "joint": 0, "instructor": 1, "none": 0},
    ]
}
FINANCE = [
    {"year": 2015, "office_funds": Decimal("20000"), "cadre_pay_monthly": 1500},
    {"year": 2016, "office_funds": Decimal("30000.00"), "cadre_pay_monthly": None},
]


def _figures():
    return [
        satisfaction.round_trend(ROUNDS),
        satisfaction.item_shares(ITEMS),
        satisfaction.township_shares(TOWNSHIPS, [1, 2]),
        organization.coverage_by_kind(ECONOMIC),
        organization.funds_by_unit(UNITS),
        organization.work_teams(UNITS),
        organization.finance_by_year(FINANCE),
    ]


@pytest.mark.parametrize("index", range(7))
def test_the_embedded_json_is_the_figure_plotly_makes(index):
    embedded = json.loads(figure_json(_figures()[index]))
    assert embedded == json.loads(go.Figure(embedded).to_json())
    assert embedded["layout"]["template"] == json.loads(go.Figure().to_json())["layout"]["template"]


def test_a_misspelt_property_is_refused():
    fig = satisfaction.round_trend(ROUNDS)
    fig["data"][0]["colour"] = "red"
    with pytest.raises(ValueError):
        go.Figure(json.loads(figure_json(fig)))


def test_the_json_cannot_close_the_script_element():
    text = figure_json(satisfaction.item_shares(ITEMS))
    assert "</script>" not in text and "<" not in text
    assert "</script>" in json.loads(text)["data"][0]["y"]
