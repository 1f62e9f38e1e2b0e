"""The three publication dashboards (A6 晒, A7 三问): weekly task progress, monthly target
results, quarterly work outcomes.

One request flow for all three: scope (selectors.scope_for) → period (query string or the
latest period with data) → the selector's dict, served as HTML, as ``&format=json``, as a
table export (``&export=csv|xlsx&table=NAME``) or as one table in full, page by page
(``&table=NAME``). Bad input is a 400 page, an unknown or forbidden place a 404, no role a
403.

The page shows the first ``TOP_ROWS`` rows of each table with a link to the whole table;
the JSON and the exports carry every row. The latest period, the page's figures and its
rendered tables and charts (the page's piece), and the selector's dict of the JSON are cached
per period, scope and language (cache.py) until a write changes a figure; only the page
around them is rendered per request.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accountability.dashboards import cache, charts, selectors
from accountability.dashboards import tables as t
from accountability.exports import export_response
from accountability.pagination import paginate
from accountability.periods import Month, PeriodError, Quarter, Week, Year
from accountability.reminders import tables as reminder_tables
from accountability.tasks.tables import task_url
from chishui import errors
from chishui.pagination import PAGE_ROWS, TOP_ROWS, requested_output
from villages.scope import UserScope


@dataclass(frozen=True)
class TableSpec:
    table: type
    rows: Any  # data dict -> list of rows
    title: Promise
    drill: bool = False
    total: Any = None  # data dict -> rows of the whole table, when the list in it is cut short
    task_key: str | None = None  # the row key holding a task code, linked to the task page


@dataclass(frozen=True)
class Dashboard:
    name: str
    param: str
    period: type
    title: Promise
    latest: Any
    build: Any
    template: str
    tables: dict = field(default_factory=dict)
    charts: Any = None  # data dict -> [(element id, figure)]
    # data dict -> what the page's template reads of it beyond every page's HEAD (its stats)
    head: Any = None


WEEKLY = Dashboard(
    name="weekly",
    param="week",
    period=Week,
    title=gettext_lazy("每周晒任务进度"),
    latest=selectors.latest_week,
    build=lambda scope, period, full=False: selectors.weekly_dashboard(
        scope, period, limit=None if full else selectors.LIST_LIMIT
    ),
    template="accountability/dashboard_weekly.html",
    tables={
        "units": TableSpec(
            t.WeeklyTownshipTable, lambda d: d["units"], gettext_lazy("各单位填报情况"), drill=True
        ),
        "not_reported": TableSpec(
            t.NotReportedTable,
            lambda d: d["not_reported"],
            gettext_lazy("本周未填报任务"),
            total=lambda d: d["summary"]["not_reported"],
            task_key="code",
        ),
        "overdue": TableSpec(
            t.OverdueTable,
            lambda d: d["overdue"],
            gettext_lazy("逾期任务"),
            total=lambda d: d["summary"]["overdue"],
            task_key="code",
        ),
        "exposure": TableSpec(
            t.OverdueTable,
            lambda d: d["exposure"]["most_delayed"],
            gettext_lazy("电视问政：滞后最严重的任务"),
            task_key="code",
        ),
        "aired": TableSpec(
            t.AiredTable, lambda d: d["exposure"]["aired"], gettext_lazy("本周电视问政播出"), task_key="task"
        ),
        "trend": TableSpec(t.TrendTable, lambda d: d["trend"], gettext_lazy("近12周趋势")),
    },
    charts=lambda d: [
        ("chart-weekly-trend", charts.weekly_trend(d["trend"])),
        ("chart-weekly-units", charts.weekly_units(d["units"])),
    ],
    head=lambda d: {"summary": d["summary"]},
)

MONTHLY = Dashboard(
    name="monthly",
    param="month",
    period=Month,
    title=gettext_lazy("每月晒目标成效"),
    latest=selectors.latest_month,
    build=lambda scope, period, full=False: selectors.monthly_dashboard(scope, period),
    template="accountability/dashboard_monthly.html",
    tables={
        "units": TableSpec(
            t.MonthlyUnitTable, lambda d: d["units"], gettext_lazy("各单位目标成效"), drill=True
        ),
        "by_month": TableSpec(t.ByMonthTable, lambda d: d["by_month"], gettext_lazy("本年度逐月脱贫")),
    },
    charts=lambda d: [
        ("chart-monthly-exits", charts.monthly_exits(d["units"])),
        ("chart-monthly-curve", charts.monthly_curve(d["by_month"])),
        ("chart-monthly-funds", charts.monthly_funds(d["units"])),
    ],
    head=lambda d: {key: d[key] for key in ("month", "year_to_date", "targets", "progress")},
)

QUARTERLY = Dashboard(
    name="quarterly",
    param="quarter",
    period=Quarter,
    title=gettext_lazy("每季晒工作成果"),
    latest=selectors.latest_quarter,
    build=lambda scope, period, full=False: selectors.quarterly_dashboard(
        scope, period, overdue_limit=None if full else selectors.LIST_LIMIT
    ),
    template="accountability/dashboard_quarterly.html",
    tables={
        "league": TableSpec(t.LeagueTable, lambda d: d["league"], gettext_lazy("综合排名"), drill=True),
        "evaluations": TableSpec(
            t.EvaluationTable, lambda d: d["evaluations"]["units"], gettext_lazy("业绩评定结果"), drill=True
        ),
        "inspections": TableSpec(
            t.InspectionTable, lambda d: d["inspections"]["units"], gettext_lazy("督查情况"), drill=True
        ),
        "findings": TableSpec(
            t.FindingTable, lambda d: d["findings"]["categories"], gettext_lazy("五必查发现问题")
        ),
        "actions": TableSpec(t.ActionTable, lambda d: d["actions"]["kinds"], gettext_lazy("作风问责")),
        "action_cadres": TableSpec(
            t.ActionTable,
            lambda d: [
                {
                    "kind": kind["kind"],
                    "label": kind["label"],
                    **d["actions"]["distinct_cadres"][kind["kind"]],
                }
                for kind in d["actions"]["kinds"]
            ],
            gettext_lazy("作风问责人数（同一干部只计一次）"),
        ),
        "overdue_rectifications": TableSpec(
            t.OverdueRectificationTable,
            lambda d: d["overdue_rectifications"]["findings"],
            gettext_lazy("逾期未整改问题"),
        ),
        "satisfaction": TableSpec(
            t.SatisfactionUnitTable,
            lambda d: d["satisfaction"]["units"],
            gettext_lazy("各单位群众满意度"),
            drill=True,
        ),
        "satisfaction_items": TableSpec(
            t.SatisfactionItemTable, lambda d: d["satisfaction"]["items"], gettext_lazy("民生项目满意度")
        ),
    },
    charts=lambda d: [
        ("chart-quarterly-league", charts.league_scores(d["league"])),
        # no round by the quarter's end: the page says so (无测评) instead of an empty heat map
        *(
            [("chart-quarterly-satisfaction", charts.satisfaction_heatmap(d["satisfaction"]))]
            if d["satisfaction"]["rounds"]
            else []
        ),
        ("chart-quarterly-findings", charts.findings_by_category(d["findings"])),
    ],
    head=lambda d: {
        "summary": d["summary"],
        "overdue_rectifications": {key: d["overdue_rectifications"][key] for key in ("as_of", "total")},
        "satisfaction": {"rounds": d["satisfaction"]["rounds"]},
    },
)

YEARLY = Dashboard(
    name="yearly",
    param="year",
    period=Year,
    title=gettext_lazy("年度贫困发生率与收入"),
    latest=selectors.latest_year,
    build=lambda scope, period, full=False: selectors.yearly_dashboard(scope, period),
    template="accountability/dashboard_yearly.html",
    tables={
        "units": TableSpec(
            t.YearlyUnitTable, lambda d: d["units"], gettext_lazy("各乡镇贫困发生率与收入"), drill=True
        ),
        "by_year": TableSpec(t.ByYearTable, lambda d: d["by_year"], gettext_lazy("历年年末贫困发生率")),
    },
    charts=lambda d: (
        [
            ("chart-yearly-incidence", charts.incidence_by_year(d["by_year"])),
            ("chart-yearly-income", charts.yearly_income(d["units"], d["income_line_yuan"])),
        ]
        if d["units"]
        else []
    ),
    head=lambda d: {key: d[key] for key in ("headline", "income_line_yuan", *selectors.HEADLINE_KEYS_NONE)},
)

DASHBOARDS = (WEEKLY, MONTHLY, QUARTERLY, YEARLY)


def bad_request(request, message):
    return errors.bad_request(request, message, _("返回最新一期"))


def _query(**params):
    params = {k: v for k, v in params.items() if v}
    return f"?{urlencode(params)}" if params else ""


def _url(request, spec, period, township=None, village=None, **extra):
    return request.path + _query(
        **{spec.param: str(period), "township": township, "village": village, **extra}
    )


def _drill(request, spec, period, scope):
    """``code -> the URL of this page drilled into that township (county level) or village
    (township level)``: ``_url`` with the place added, the part before it made once (a
    province's page has a few hundred rows to link)."""
    if scope.level == "county":
        here, name = _url(request, spec, period), "township"
    elif scope.level == "township":
        here, name = _url(request, spec, period, township=scope.township.code), "village"
    else:
        return None
    return lambda code: f"{here}&{urlencode({name: code})}" if code else here


def _make_table(request, spec, name, data, scope, period, task_urls=None, page=False):
    table_spec = spec.tables[name]
    drill = _drill(request, spec, period, scope) if table_spec.drill else None
    return table_spec.table(table_spec.rows(data), drill_url=drill, task_urls=task_urls, page=page)


def _task_urls(request, spec, data, shown=None):
    """{code: task page URL} for the task codes the page's tables list (their first ``shown``
    rows, when the page shows only those), only for the tasks this user may open there (the
    task page's own scope): one query for a page with task tables, none for the others."""
    if not any(table_spec.task_key for table_spec in spec.tables.values()):
        return {}
    codes = {
        row[table_spec.task_key]
        for table_spec in spec.tables.values()
        if table_spec.task_key
        for row in table_spec.rows(data)[:shown]
        if row[table_spec.task_key]
    }
    return {code: task_url(pk) for code, pk in selectors.openable_tasks(request.user, codes).items()}


def _breadcrumbs(request, spec, period, scope):
    """County → township → village; links only where the user may go."""
    reach = UserScope.of(request.user)
    crumbs = []
    if reach.sees_county:
        crumbs.append({"label": _("全市"), "url": _url(request, spec, period)})
    if scope.township is not None:
        may_open = reach.reaches_township(scope.township.pk)
        crumbs.append(
            {
                "label": scope.township.name,
                "url": _url(request, spec, period, township=scope.township.code) if may_open else None,
            }
        )
    if scope.village is not None:
        crumbs.append({"label": scope.village.name, "url": None})
    if crumbs:
        crumbs[-1]["url"] = None  # where we are
    return crumbs


def _latest(spec, scope, pieces):
    """The latest period with data (cached: a query over every report of a province)."""
    latest = pieces.get("latest", None, lambda: str(spec.latest(scope) or ""))
    return spec.period.parse(latest) if latest else spec.period.of(timezone.localdate())


def _here(scope):
    return {
        "township": scope.township.code if scope.township else None,
        "village": scope.village.code if scope.village else None,
    }


def _table_entry(request, spec, name, table, period, here):
    return {
        "title": spec.tables[name].title,
        "table": table,
        "csv": _url(request, spec, period, **here, export="csv", table=name),
        "xlsx": _url(request, spec, period, **here, export="xlsx", table=name),
    }


def _body(request, spec, data, scope, period):
    """The charts and the first rows of each table: the costly part of the page, the same for
    everyone who sees this period and place with the same rights (cached, ``_viewer``); its
    task codes link to the task pages the viewer may open."""
    here = _here(scope)
    tables = {}
    task_urls = _task_urls(request, spec, data, shown=TOP_ROWS)
    for name, table_spec in spec.tables.items():
        rows = table_spec.rows(data)
        total = table_spec.total(data) if table_spec.total else len(rows)
        drill = _drill(request, spec, period, scope) if table_spec.drill else None
        table = table_spec.table(rows[:TOP_ROWS], drill_url=drill, task_urls=task_urls, page=True)
        table.remind_deferred = True  # the viewer's CSRF token goes in when served (fill_slots)
        entry = _table_entry(request, spec, name, table, period, here)
        entry["html"] = table.html(request)
        if total > TOP_ROWS:
            entry["total"] = total
            entry["full_url"] = _url(request, spec, period, **here, table=name)
        tables[name] = entry
    context = {
        "tables": tables,
        "charts": [
            {"id": element, "json": mark_safe(charts.figure_json(fig))} for element, fig in spec.charts(data)
        ],
    }
    return render_to_string("accountability/dashboard_body.html", context, request=request)


# What every dashboard page's template reads of the figures (dashboard_base.html).
HEAD = ("period", "label", "start", "end", "scope")


def _head(spec, data):
    """What the page's template reads of the figures around its body: the period, the place
    and the dashboard's own figures (``spec.head``) — a few hundred bytes, where the whole
    dict of a province (every unit's rows, the survey's township × item cells) is hundreds
    of kB to pickle and compress into the cache."""
    return {**{key: data[key] for key in HEAD}, **(spec.head(data) if spec.head else {})}


def _page(request, spec, scope, period):
    """The page's cached piece: its head (:func:`_head`) and its body (:func:`_body`), both
    from the selector's dict, which is not kept (the JSON, an export or a table in full
    build theirs)."""
    data = spec.build(scope, period)
    return _head(spec, data), _body(request, spec, data, scope, period)


def _page_context(request, spec, scope, period, data):
    here = _here(scope)
    return {
        "spec": spec,
        "data": data,
        "period": period,
        "scope": scope,
        "previous_url": _url(request, spec, period.shift(-1), **here),
        "next_url": _url(request, spec, period.shift(1), **here),
        "json_url": _url(request, spec, period, **here, format="json"),
        "breadcrumbs": _breadcrumbs(request, spec, period, scope),
        "tabs": [
            {
                "spec": d,
                "active": d is spec,
                "url": reverse(f"accountability:dashboard_{d.name}") + _query(**here),
            }
            for d in DASHBOARDS
        ],
        "generated_at": timezone.localtime(),
    }


def _full_table(request, spec, name, scope, period):
    """One table of the dashboard with every row, PAGE_ROWS a page."""
    data = spec.build(scope, period, full=True)
    task_urls = _task_urls(request, spec, data)
    table = _make_table(request, spec, name, data, scope, period, task_urls=task_urls, page=True)
    table.prefix = f"{name}-"
    paginate(request, table, PAGE_ROWS)
    context = _page_context(request, spec, scope, period, data)
    context["entry"] = _table_entry(request, spec, name, table, period, _here(scope))
    context["name"] = name
    context["back_url"] = _url(request, spec, period, **_here(scope))
    return render(request, "accountability/dashboard_full_table.html", context)


def _viewer(user):
    """The part of a cached dashboard's key that depends on the user beyond the place: the
    催报 buttons (whether he may send reminders) and the task links (the tasks he may open:
    every task for the county roles, else his own reach, so his pieces are his own)."""
    reach = "county" if UserScope.of(user).sees_county else f"user-{user.pk}"
    return ("remind" if reminder_tables.may_remind(user) else "read", reach)


def serve(request, spec):
    scope = selectors.scope_for(
        request.user, request.GET.get("township") or None, request.GET.get("village") or None
    )
    pieces = cache.Pieces(spec.name, scope, viewer=_viewer(request.user))
    raw = request.GET.get(spec.param, "").strip()
    if raw:
        try:
            period = spec.period.parse(raw)
        except PeriodError as exc:
            return bad_request(request, str(exc.args[0]))
    else:
        period = _latest(spec, scope, pieces)

    try:  # a dashboard's table in full is asked for by ``&table=`` only
        fmt, export, name = requested_output(
            request, spec.tables, lambda request, tables: request.GET.get("table")
        )
    except ValueError as exc:
        return bad_request(request, str(exc))
    if export is not None:
        data = spec.build(scope, period, full=True)
        table = _make_table(request, spec, name, data, scope, period)
        return export_response(table, export, f"{spec.name}-{period}-{name}")
    if name is not None and fmt == "html":
        return _full_table(request, spec, name, scope, period)

    if fmt == "json":
        data = pieces.get("data", period, lambda: spec.build(scope, period))
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    head, body = pieces.get("page", period, lambda: _page(request, spec, scope, period))
    context = _page_context(request, spec, scope, period, head)
    context["body"] = mark_safe(reminder_tables.fill_slots(body, request))
    return render(request, spec.template, context)


@login_required
@require_GET
def weekly(request):
    return serve(request, WEEKLY)


@login_required
@require_GET
def monthly(request):
    return serve(request, MONTHLY)


@login_required
@require_GET
def quarterly(request):
    return serve(request, QUARTERLY)


@login_required
@require_GET
def yearly(request):
    return serve(request, YEARLY)
