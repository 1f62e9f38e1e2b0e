"""Plotly figures of the organization overview: pure functions of the lists
``selectors.overview`` returns. Views serialise them with chishui.charts.figure_json for
static/js/charts.js; titles and labels go through gettext."""

from django.utils.translation import gettext as _

from chishui.charts import COLORWAY, PALETTE, figure

LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 50, "b": 80},
    "legend": {"orientation": "h", "y": -0.25},
    "font": {"family": "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
    "colorway": COLORWAY,
}


def _figure(data, title, **layout):
    return figure(data, {**LAYOUT, "title": {"text": title}, **layout})


def coverage_by_kind(economic):
    """Economic organizations of each kind, stacked by how party work covers them (B1)."""
    kinds = economic["kinds"]
    labels = [row["label"] for row in kinds]
    modes = [
        ("single", _("单独建立")),
        ("joint", _("联合建立")),
        ("instructor", _("党建指导员")),
        ("none", _("未覆盖")),
    ]
    return _figure(
        [{"type": "bar", "x": labels, "y": [row[key] for row in kinds], "name": name} for key, name in modes],
        _("经济组织党建覆盖情况"),
        barmode="stack",
        xaxis={"type": "category", "automargin": True},
        yaxis={"title": {"text": _("个")}, "rangemode": "tozero"},
    )


def funds_by_unit(units):
    """1+X pairing funds and collective-economy funds per township (or village)."""
    names = [row["name"] for row in units]
    return _figure(
        [
            {
                "type": "bar",
                "x": names,
                "y": [row["pairing_funds"] for row in units],
                "name": _("结对帮扶资金"),
            },
            {
                "type": "bar",
                "x": names,
                "y": [row["collective_funds"] for row in units],
                "name": _("集体经济项目资金"),
            },
        ],
        _("结对帮扶与集体经济资金（元）"),
        barmode="group",
        xaxis={"type": "category", "tickangle": -45, "automargin": True},
        yaxis={"title": {"text": _("元")}, "rangemode": "tozero"},
    )


def work_teams(units):
    """Work teams per unit: meeting the 2111 rule or not (B3)."""
    names = [row["name"] for row in units]
    return _figure(
        [
            {
                "type": "bar",
                "x": names,
                "y": [row["work_teams_compliant"] for row in units],
                "name": _("符合2111要求"),
                "marker": {"color": PALETTE["good"]},
            },
            {
                "type": "bar",
                "x": names,
                "y": [row["work_teams"] - row["work_teams_compliant"] for row in units],
                "name": _("未达要求"),
                "marker": {"color": PALETTE["bad"]},
            },
        ],
        _("驻村工作组“2111”配置"),
        barmode="stack",
        xaxis={"type": "category", "tickangle": -45, "automargin": True},
        yaxis={"title": {"text": _("个")}, "rangemode": "tozero"},
    )


def finance_by_year(finance):
    """Village guarantee year on year (B4): average cadre pay and office funds per village."""
    years = [str(row["year"]) for row in finance]
    return _figure(
        [
            {
                "type": "bar",
                "x": years,
                "y": [row["office_funds"] for row in finance],
                "name": _("村均办公经费（元/年）"),
            },
            {
                "type": "scatter",
                "x": years,
                "y": [row["cadre_pay_monthly"] for row in finance],
                "name": _("村干部月均报酬（元）"),
                "mode": "lines+markers",
                "yaxis": "y2",
            },
        ],
        _("村级保障逐年变化"),
        xaxis={"type": "category"},
        yaxis={"title": {"text": _("元/年")}, "rangemode": "tozero"},
        yaxis2={"title": {"text": _("元/月")}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
    )
