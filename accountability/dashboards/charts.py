"""Plotly figures for the dashboards: pure functions from the lists the selectors return.

Each builder returns a plotly figure as a plain dict (chishui.charts.figure: no per-request
validation by plotly's graph objects, which cost more than the rest of a cold province
page's charts); views serialise it with :func:`figure_json` into a
``<script type="application/json" class="plotly-figure">`` element that static/js/charts.js
renders. tests/accountability/test_charts.py proves each is the figure
``plotly.graph_objects.Figure`` would make. Titles and labels go through gettext.
"""

from django.utils.translation import gettext as _

from chishui.charts import (
    COLORWAY,
    PALETTE,
    SEVERITY_COLORS,
    SHARE_SCALE,
    figure,
    figure_json,  # noqa: F401
)

LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 50, "b": 80},
    "legend": {"orientation": "h", "y": -0.2},
    "font": {"family": "system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif"},
    "colorway": COLORWAY,
}


def _figure(data, title, **layout):
    return figure(data, {**LAYOUT, "title": {"text": title}, **layout})


def _trace(kind, marker_color=None, **properties):
    """One trace as plotly.js reads it (``marker_color`` is ``marker.color``, as in plotly)."""
    if marker_color is not None:
        properties["marker"] = {"color": marker_color}
    return {"type": kind, **properties}


def _bar(**properties):
    return _trace("bar", **properties)


def _scatter(**properties):
    return _trace("scatter", **properties)


def weekly_trend(trend):
    """Reported share (bars) and average reported percent (line) over the last weeks."""
    weeks = [row["week"] for row in trend]
    return _figure(
        [
            _bar(x=weeks, y=[row["reported_share"] for row in trend], name=_("按时填报率（%）")),
            _scatter(
                x=weeks,
                y=[row["average_percent"] for row in trend],
                name=_("平均进度（%）"),
                mode="lines+markers",
            ),
        ],
        _("近12周填报率与平均进度"),
        # week labels slanted so twelve of them fit a phone; the legend below them
        xaxis={"type": "category", "tickangle": -45, "automargin": True},
        legend={**LAYOUT["legend"], "y": -0.35},
        yaxis={"title": {"text": "%"}, "range": [0, 100]},
    )


def weekly_units(units):
    """Reported and not reported tasks per township (or village)."""
    names = [row["name"] for row in units]
    return _figure(
        [
            _bar(
                x=names, y=[row["reported"] for row in units], name=_("已填报"), marker_color=PALETTE["good"]
            ),
            _bar(
                x=names,
                y=[row["not_reported"] for row in units],
                name=_("未填报"),
                marker_color=PALETTE["bad"],
            ),
        ],
        _("本周任务填报情况"),
        barmode="stack",
        yaxis={"title": {"text": _("任务数")}},
    )


def monthly_exits(units):
    """Households out of poverty this year against the contract target, per unit."""
    names = [row["name"] for row in units]
    return _figure(
        [
            _bar(
                x=names,
                y=[row["year_to_date"]["households_exited"] for row in units],
                name=_("年度累计脱贫户数"),
            ),
            _bar(
                x=names,
                y=[row["targets"]["target_households"] for row in units],
                name=_("目标脱贫户数"),
                marker_color=PALETTE["neutral"],
            ),
        ],
        _("脱贫户数与责任书目标"),
        barmode="group",
        yaxis={"title": {"text": _("户")}},
    )


def monthly_funds(units):
    """Funds used this year per unit: pairing projects and collective projects."""
    names = [row["name"] for row in units]
    return _figure(
        [
            _bar(x=names, y=[row["year_to_date"]["pairing_funds"] for row in units], name=_("结对帮扶资金")),
            _bar(
                x=names,
                y=[row["year_to_date"]["collective_funds"] for row in units],
                name=_("集体经济项目资金"),
            ),
        ],
        _("年度资金使用（元）"),
        barmode="stack",
        yaxis={"title": {"text": _("元")}},
    )


def monthly_curve(by_month):
    """Households and people out of poverty month by month this year."""
    months = [row["month"] for row in by_month]
    return _figure(
        [
            _bar(x=months, y=[row["households_exited"] for row in by_month], name=_("脱贫户数")),
            _scatter(
                x=months,
                y=[row["people_exited"] for row in by_month],
                name=_("脱贫人数"),
                mode="lines+markers",
                yaxis="y2",
            ),
        ],
        _("本年度逐月脱贫情况"),
        # "2016-03" as a category, not a date plotly would label "三 2016"
        xaxis={"type": "category"},
        # both axes start at zero (plotly would otherwise let the people axis dip below it)
        yaxis={"title": {"text": _("户")}, "rangemode": "tozero"},
        yaxis2={"title": {"text": _("人")}, "overlaying": "y", "side": "right", "rangemode": "tozero"},
    )


def satisfaction_heatmap(satisfaction):
    """Township (or village) × livelihood item: share of answers satisfied or fair."""
    items = [item["name"] for item in satisfaction["items"]]
    units = [row["name"] for row in satisfaction["units"]]
    return _figure(
        [
            _trace(
                "heatmap",
                x=items,
                y=units,
                z=[row["items"] for row in satisfaction["units"]],
                zmin=0,
                zmax=100,
                colorscale=SHARE_SCALE,
                colorbar={"title": {"text": "%"}},
                hovertemplate="%{y} · %{x}: %{z}%<extra></extra>",
            )
        ],
        _("民生项目满意度（满意及基本满意占比）"),
        height=max(320, 28 * len(units) + 160),
        margin={**LAYOUT["margin"], "l": 90, "b": 140},
    )


def findings_by_category(findings):
    """Inspection findings by must-check category, stacked by severity."""
    labels = [row["label"] for row in findings["categories"]]
    return _figure(
        [
            _bar(
                x=labels,
                y=[row[sev["key"]] for row in findings["categories"]],
                name=sev["label"],
                marker_color=SEVERITY_COLORS[sev["key"]],
            )
            for sev in findings["severities"]
        ],
        _("五必查发现问题"),
        barmode="stack",
        yaxis={"title": {"text": _("项")}},
    )


def league_scores(league):
    """League table scores, best at the top."""
    rows = list(reversed(league))
    return _figure(
        [
            _bar(
                x=[row["score"] for row in rows],
                y=[row["name"] for row in rows],
                orientation="h",
                name=_("综合得分"),
            )
        ],
        _("乡镇综合排名"),
        height=max(320, 26 * len(rows) + 120),
        margin={**LAYOUT["margin"], "l": 90},
        xaxis={"range": [0, 100]},
    )


def incidence_by_year(by_year):
    """Poverty incidence on 31 December per year: one line per township, the whole scope bold."""
    years = [str(row["year"]) for row in by_year]
    lines = {}
    for row in by_year:
        for township in row["townships"]:
            lines.setdefault(township["name"], []).append(township["percent"])
    data = [_scatter(x=years, y=values, name=name, mode="lines+markers") for name, values in lines.items()]
    if len(lines) > 1:
        data.append(
            _scatter(
                x=years,
                y=[row["total"] for row in by_year],
                name=_("合计"),
                mode="lines+markers",
                line={"width": 4, "color": PALETTE["bad"]},
            )
        )
    return _figure(
        data,
        _("贫困发生率（各年末）"),
        xaxis={"type": "category"},
        yaxis={"title": {"text": "%"}, "rangemode": "tozero"},
    )


def yearly_income(units, line):
    """Rural disposable income per head per township against the 10,000-yuan line."""
    names = [row["name"] for row in units]
    return _figure(
        [
            _bar(
                x=names,
                y=[row["rural_income_per_head_yuan"] for row in units],
                name=_("农村居民人均可支配收入（元）"),
            )
        ],
        _("农村居民人均可支配收入"),
        shapes=[
            {
                "type": "line",
                "xref": "paper",
                "x0": 0,
                "x1": 1,
                "y0": line,
                "y1": line,
                "line": {"dash": "dash", "color": PALETTE["bad"]},
            }
        ],
        yaxis={"title": {"text": _("元")}, "rangemode": "tozero"},
    )
