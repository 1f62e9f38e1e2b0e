"""Plotly figures of the satisfaction page, pure functions of the selector's lists (the
template passes them with json_script; static/js/charts.js renders them). A figure is only
built when there is something to draw: the page says 无测评 instead of an empty chart."""

from django.utils.translation import gettext as _

from chishui.charts import COLORWAY, PALETTE, figure

LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 50, "b": 80},
    "legend": {"orientation": "h", "y": -0.2},
    "font": {"family": "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
    "colorway": COLORWAY,
}


def _figure(data, title, **layout):
    return figure(data, {**LAYOUT, "title": {"text": title}, **layout})


def round_trend(rounds):
    """Share satisfied and basically satisfied, round by round (stacked bars)."""
    names = [_("第%(number)s轮") % {"number": r["number"]} for r in rounds]
    return _figure(
        [
            {
                "type": "bar",
                "name": _("满意"),
                "x": names,
                "y": [r["satisfied_share"] for r in rounds],
                "marker": {"color": PALETTE["good"]},
            },
            {
                "type": "bar",
                "name": _("基本满意"),
                "x": names,
                "y": [r["fair_share"] for r in rounds],
                "marker": {"color": PALETTE["warn"]},
            },
        ],
        _("各轮满意度（%）"),
        barmode="stack",
        yaxis={"range": [0, 100], "title": {"text": "%"}},
    )


def item_shares(items):
    """Satisfied + basically satisfied per livelihood item, lowest first (which items lag)."""
    answered = sorted((i for i in items if i["content_share"] is not None), key=lambda i: i["content_share"])
    return _figure(
        [
            {
                "type": "bar",
                "x": [i["content_share"] for i in answered],
                "y": [i["name"] for i in answered],
                "orientation": "h",
                "name": _("满意及基本满意"),
            }
        ],
        _("各民生项目满意率（%）"),
        xaxis={"range": [0, 100]},
        height=max(400, 22 * len(answered) + 120),
        margin={**LAYOUT["margin"], "l": 140},
    )


def township_shares(townships, round_numbers):
    """Township × round: share satisfied or basically satisfied, one line per round."""
    surveyed = [t for t in townships if t["content_share"] is not None]
    return _figure(
        [
            {
                "type": "bar",
                "name": _("第%(number)s轮") % {"number": number},
                "x": [t["name"] for t in surveyed],
                "y": [t["rounds"][index] for t in surveyed],
            }
            for index, number in enumerate(round_numbers)
        ],
        _("各乡镇满意率（%）"),
        barmode="group",
        yaxis={"range": [0, 100]},
    )
