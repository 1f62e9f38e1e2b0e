"""One palette for every chart and table: chishui/charts.py PALETTE and the CSS variables of
static/css/site.css hold the same colours, and the figures use them by meaning."""

import re
from pathlib import Path

from django.conf import settings

from accountability.dashboards import charts
from chishui.charts import COLORWAY, PALETTE, SEVERITY_COLORS
from villages.organization import charts as organization_charts
from villages.satisfaction import charts as satisfaction_charts

CSS_NAMES = {"good": "ok", "warn": "warn", "bad": "bad"}


def test_the_css_variables_are_the_palette():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    variables = dict(re.findall(r"--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6});", css))
    for name, colour in PALETTE.items():
        assert variables[CSS_NAMES.get(name, name)].lower() == colour.lower(), name


def test_every_charts_layout_cycles_through_the_palette():
    for module in (charts, organization_charts, satisfaction_charts):
        assert module.LAYOUT["colorway"] == COLORWAY


def test_reported_is_green_not_reported_red_and_findings_by_severity():
    units = [{"name": "甲镇", "reported": 3, "not_reported": 1}]
    reported, missing = charts.weekly_units(units)["data"]
    assert (reported["marker"]["color"], missing["marker"]["color"]) == (PALETTE["good"], PALETTE["bad"])
    findings = {
        "categories": [{"label": "任务推进", "ok": 2, "minor": 1, "serious": 1}],
        "severities": [{"key": k, "label": k} for k in ("ok", "minor", "serious")],
    }
    colours = [trace["marker"]["color"] for trace in charts.findings_by_category(findings)["data"]]
    assert colours == [SEVERITY_COLORS["ok"], SEVERITY_COLORS["minor"], SEVERITY_COLORS["serious"]]
    assert colours == [PALETTE["good"], PALETTE["warn"], PALETTE["bad"]]
