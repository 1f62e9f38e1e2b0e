"""Reads the dashboards share (A6 每周晒 / 每月晒 / 每季晒, A7 三问).

Every dashboard selector takes a :class:`Scope` (what the user may see, and where he drilled
down to) and a period, runs a fixed number of grouped queries whatever the data size, and
returns plain dicts and lists (numbers, strings, ISO dates). The same dict feeds the
template, the tables, the charts, the CSV/XLSX exports and ``&format=json``: one source of
truth, so the JSON is exactly what the page shows.

Units: at county level a dashboard's rows are townships; drilled into a township, its
villages (plus 乡镇本级 for township-level tasks); drilled into a village, that village.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from django.db.models import (
    Count,
    F,
    Max,
    Q,
    Sum,
    Window,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils.translation import gettext as _

from accountability import periods
from accountability.dashboards import measures, summaries
from accountability.models import (
    AccountabilityAction,
    Contract,
    Evaluation,
    Exposure,
    Finding,
    Inspection,
    ProgressReport,
    Rank,
    Task,
)
from accountability.periods import Month, Quarter, Week, Year
from chishui.sql import plain_rows
from villages import headline
from villages.models import (
    CollectiveProject,
    Household,
    LivelihoodItem,
    PairingProject,
    SurveyAnswer,
    SurveyRound,
    TownshipStatistics,
    Village,
)
from villages.scope import Scope, scope_for  # noqa: F401

# Long lists (tasks not reported, overdue tasks) show at most this many rows on the page;
# the totals count them all, and the exports carry them all.
LIST_LIMIT = 100
# 电视问政: how many of the most delayed tasks the exposure list names.
EXPOSURE_LIMIT = 10
TREND_WEEKS = measures.TREND_WEEKS

# League table weights (README "Dashboards"): each component is 0–100.
LEAGUE_WEIGHTS = {"progress": 0.4, "exits": 0.3, "satisfaction": 0.3}
LEAGUE_ACTION_PENALTY = 2


def _ratio(row, total, count):
    """``row[total] / row[count]``, or None when the count is zero or missing."""
    return row[total] / row[count] if row.get(count) else None


def _num(value, digits=1):
    """A database number as a JSON-friendly float (None stays None)."""
    if value is None:
        return None
    return round(float(value), digits)


def _pct(part, whole):
    if not whole:
        return None
    return round(100.0 * float(part) / float(whole), 1)


# ---- scope ------------------------------------------------------------------------------


def _merge(units, rows, key, fields, extra_unit=None):
    """Attach grouped rows (dicts keyed by ``key``) to the unit dicts, zero-filling gaps."""
    by_id = {row[key]: row for row in rows}
    if extra_unit is not None and None in by_id:
        units.append(extra_unit)
    for unit in units:
        row = by_id.get(unit["id"], {})
        for name, default in fields.items():
            value = row.get(name)
            unit[name] = default if value is None else value
    return units


def _public_unit(unit):
    """A unit dict without database ids, as the JSON shows it."""
    return {k: v for k, v in unit.items() if k not in ("id", "poverty", "exited_on")}


# ---- default periods --------------------------------------------------------------------


def latest_week(scope):
    latest = ProgressReport.objects.filter(scope.q("task__township_id", "task__village_id")).aggregate(
        latest=Max("week")
    )["latest"]
    return Week.of(latest) if latest else None


def latest_month(scope):
    latest = Household.objects.filter(scope.q("village__township_id", "village_id")).aggregate(
        latest=Max("exited_on")
    )["latest"]
    return Month.of(latest) if latest else None


def latest_quarter(scope):
    """The latest quarter with an inspection or a quarterly evaluation (the quarter rated,
    not the day the rating was saved)."""
    held = Inspection.objects.filter(scope.q("township_id", "village_id")).aggregate(d=Max("held_on"))["d"]
    rated = (
        Evaluation.objects.filter(
            scope.q("village__township_id", "village_id"), cycle=Evaluation.Cycle.QUARTERLY
        )
        .order_by("-year", "-period")
        .values_list("year", "period")
        .first()
    )
    quarters = [Quarter.of(held)] if held else []
    if rated:
        quarters.append(Quarter(*rated))
    return max(quarters) if quarters else None


# ---- weekly: 每周晒任务进度 -----------------------------------------------------------------


def weekly_dashboard(scope, week, limit=LIST_LIMIT, use_summaries=True):
    """Week ``week`` for ``scope``. At county level the counts, units and trend come from the
    summary table when it is built for all 12 weeks (summaries.py); the lists are live."""
    tasks = Task.objects.filter(scope.q("township_id", "village_id")).order_by()
    active = tasks.filter(measures.active_q(week))
    unit_key = scope.unit_path("township_id", "village_id")
    weeks = [week.shift(i - TREND_WEEKS + 1) for i in range(TREND_WEEKS)]
    stored = summaries.weekly(weeks) if use_summaries and scope.level == "county" else None
    if stored is not None:
        by_week, rows = stored
        totals = by_week.get(week.start, {})
    else:
        aggregates = measures.week_aggregates(week)
        totals = active.aggregate(**aggregates)
        rows = active.values(unit_key).annotate(**aggregates).order_by(unit_key)
        by_week = weekly_trend(tasks, scope, weeks)

    def shape(row):
        active_count = row.get("active") or 0
        reported_count = row.get("reported") or 0
        return {
            "active": active_count,
            "due": row.get("due") or 0,
            "reported": reported_count,
            "not_reported": active_count - reported_count,
            "reported_share": _pct(reported_count, active_count),
            "average_percent": _num(row["percent_sum"] / active_count) if active_count else None,
            "overdue": row.get("overdue") or 0,
        }

    summary = shape(totals)
    rows = [{"id": row[unit_key], **shape(row)} for row in rows]
    empty = shape({})
    extra = None
    if scope.level == "township":
        extra = {"id": None, "code": "", "name": _("乡镇本级"), "poverty": False, "exited_on": None}
    units = _merge(scope.units(), rows, "id", empty, extra_unit=extra)

    task_fields = (
        "code",
        "title",
        "township__name",
        "village__name",
        "owner__name",
        "due_on",
        "latest_percent",
    )

    def task_row(row):
        return {
            "code": row["code"],
            "title": row["title"],
            "township": row["township__name"],
            "village": row["village__name"] or "",
            "owner": row["owner__name"],
            "due_on": row["due_on"].isoformat(),
            "latest_percent": _num(row["latest_percent"]),
            "days_overdue": max(0, (week.end - row["due_on"]).days),
        }

    listed = active.annotate(latest_percent=measures.latest_percent(week.start))
    not_reported = listed.filter(~measures.reported_in(week)).order_by("township__code", "due_on", "code")
    if limit is not None and scope.level == "county":
        # listed by township code: the first ``limit`` lie in the first townships whose
        # counts (the units' rows) reach it, so only their tasks are read, not the province's
        not_reported = not_reported.filter(
            township__code__lte=_last_code_needed(units, "not_reported", limit)
        )
    overdue = listed.filter(measures.overdue_q(week)).order_by("due_on", "latest_percent", "code")
    if limit is not None:
        not_reported, overdue = not_reported[:limit], overdue[:limit]
    not_reported = [task_row(r) for r in not_reported.values(*task_fields)]
    overdue = [task_row(r) for r in overdue.values(*task_fields)]

    aired = Exposure.objects.filter(
        scope.q("township_id", "task__village_id"), aired_on__gte=week.start, aired_on__lte=week.end
    ).order_by("aired_on", "pk")
    aired = [
        {
            "aired_on": r["aired_on"].isoformat(),
            "kind": str(Exposure.Kind(r["kind"]).label),
            "programme": r["programme"],
            "title": r["title"],
            "township": r["township__name"],
            "task": r["task__code"] or "",
        }
        for r in aired.values("aired_on", "kind", "programme", "title", "township__name", "task__code")
    ]

    return {
        "period": str(week),
        "label": str(week.label),
        "start": week.start.isoformat(),
        "end": week.end.isoformat(),
        "scope": scope.as_dict(),
        "summary": summary,
        "units": [_public_unit(u) for u in units],
        "not_reported": not_reported,
        "overdue": overdue,
        "exposure": {"most_delayed": overdue[:EXPOSURE_LIMIT], "aired": aired},
        "trend": [_trend_row(w, by_week.get(w.start, {})) for w in weeks],
    }


def _last_code_needed(units, count, limit):
    """The code of the last unit (in code order) needed for the first ``limit`` rows of a list
    ordered by unit code, from the units' ``count`` of rows; "" (no unit) when none has any."""
    last, total = "", 0
    for unit in units:
        if unit[count]:
            last, total = unit["code"], total + unit[count]
        if total >= limit:
            break
    return last


def _trend_row(week, row):
    active, reported = row.get("active") or 0, row.get("reported") or 0
    return {
        "week": str(week),
        "active": active,
        "reported": reported,
        "reported_share": _pct(reported, active),
        "average_percent": _num(_ratio(row, "report_percent_sum", "reports")),
    }


def weekly_trend(tasks, scope, weeks):
    """Per week (Monday date): tasks active and reported, and the reports filed that week with
    the sum of their percents — one conditional aggregate over tasks and one grouped query
    over reports."""
    counts = tasks.aggregate(
        **{f"active_{i}": Count("pk", filter=measures.active_q(w)) for i, w in enumerate(weeks)},
        **{
            f"reported_{i}": Count("pk", filter=measures.active_q(w) & measures.reported_in(w))
            for i, w in enumerate(weeks)
        },
    )
    reports = {
        r["week"]: r
        for r in ProgressReport.objects.filter(
            scope.q("task__township_id", "task__village_id"),
            week__gte=weeks[0].start,
            week__lte=weeks[-1].start,
        )
        .order_by()
        .values("week")
        .annotate(reports=Count("pk"), report_percent_sum=Sum("percent"))
    }
    return {
        w.start: {
            "active": counts[f"active_{i}"],
            "reported": counts[f"reported_{i}"],
            **reports.get(w.start, {}),
        }
        for i, w in enumerate(weeks)
    }


# ---- monthly: 每月晒目标成效 ----------------------------------------------------------------

EXIT_KEYS = ("townships_exited", "villages_exited", "households_exited", "people_exited")


def monthly_dashboard(scope, month, use_summaries=True):
    ytd = (dt.date(month.year, 1, 1), month.end)
    mon = (month.start, month.end)
    level = scope.level
    in_month = {"exited_on__gte": mon[0], "exited_on__lte": mon[1]}
    in_ytd = {"exited_on__gte": ytd[0], "exited_on__lte": ytd[1]}

    households = Household.objects.filter(scope.q("village__township_id", "village_id"), **in_ytd).order_by()
    hh_key = scope.unit_path("village__township_id", "village_id")
    year_months = [Month(month.year, n) for n in range(1, month.number + 1)]
    stored = summaries.exits(year_months) if use_summaries and level == "county" else None
    if stored is not None:
        exit_units, exit_months = stored
        hh_rows = [{**r, hh_key: r["township_id"]} for r in exit_units]
        by_month = [
            {"m": r["month"], "households": r["households"], "people": r["people"]} for r in exit_months
        ]
    else:
        hh_rows = households.values(hh_key).annotate(
            m_households=Count("pk", filter=Q(**in_month)),
            m_people=Sum("size", filter=Q(**in_month)),
            y_households=Count("pk"),
            y_people=Sum("size"),
        )
        by_month = (
            households.annotate(m=TruncMonth("exited_on"))
            .values("m")
            .annotate(households=Count("pk"), people=Sum("size"))
            .order_by("m")
        )
    villages = Village.objects.filter(scope.q("township_id", "id"), **in_ytd).order_by()
    v_key = scope.unit_path("township_id", "id")
    v_rows = villages.values(v_key).annotate(
        m_villages=Count("pk", filter=Q(**in_month)), y_villages=Count("pk")
    )

    units = scope.units()
    # townships out of poverty (摘帽): the county's are its units, a township's its own
    exited_days = [u["exited_on"] for u in units] if level == "county" else [scope.township.exited_on]
    t_counts = {
        "m": sum(1 for day in exited_days if day is not None and mon[0] <= day <= mon[1]),
        "y": sum(1 for day in exited_days if day is not None and ytd[0] <= day <= ytd[1]),
    }

    # Targets: township committees' contracts at county level, village branches' below.
    unit_party = Contract.Party.TOWNSHIP_COMMITTEE if level == "county" else Contract.Party.VILLAGE_BRANCH
    summary_party = Contract.Party.VILLAGE_BRANCH if level == "village" else Contract.Party.TOWNSHIP_COMMITTEE
    target_aggs = {
        "target_households": Sum("target_households"),
        "target_people": Sum("target_people"),
        "target_villages": Sum("target_villages"),
        "target_townships": Count("pk", filter=Q(township_exit=True)),
    }
    # one grouped query for both: the totals are the sums of the summary party's groups
    contracts = Contract.objects.filter(
        scope.q("township_id", "village_id"), year=month.year, party__in={unit_party, summary_party}
    ).order_by()
    c_key = scope.unit_path("township_id", "village_id")
    c_groups = list(contracts.values(c_key, "party").annotate(**target_aggs))
    targets = {k: sum(r[k] or 0 for r in c_groups if r["party"] == summary_party) for k in target_aggs}
    c_rows = [r for r in c_groups if r["party"] == unit_party]

    pairing = PairingProject.objects.filter(
        scope.q("village__township_id", "village_id"), started_on__gte=ytd[0], started_on__lte=ytd[1]
    ).order_by()
    p_rows = pairing.values(hh_key).annotate(
        m_pairing=Sum("funds", filter=Q(started_on__gte=mon[0])), y_pairing=Sum("funds")
    )
    collective = CollectiveProject.objects.filter(
        scope.q("village__township_id", "village_id"), year=month.year
    ).order_by()
    col_rows = collective.values(hh_key).annotate(y_collective=Sum(F("fiscal_funds") + F("loan_subsidy")))

    _merge(units, hh_rows, hh_key, {"m_households": 0, "m_people": 0, "y_households": 0, "y_people": 0})
    _merge(units, v_rows, v_key, {"m_villages": 0, "y_villages": 0})
    _merge(units, c_rows, c_key, dict.fromkeys(target_aggs, 0))
    _merge(units, p_rows, hh_key, {"m_pairing": 0, "y_pairing": 0})
    _merge(units, col_rows, hh_key, {"y_collective": 0})

    def unit_out(u):
        if level == "county":
            t_m = int(u["exited_on"] is not None and mon[0] <= u["exited_on"] <= mon[1])
            t_y = int(u["exited_on"] is not None and ytd[0] <= u["exited_on"] <= ytd[1])
        else:
            t_m = t_y = 0
        return {
            "code": u["code"],
            "name": u["name"],
            "month": {
                "townships_exited": t_m,
                "villages_exited": u["m_villages"],
                "households_exited": u["m_households"],
                "people_exited": u["m_people"],
                "pairing_funds": _num(u["m_pairing"], 2),
            },
            "year_to_date": {
                "townships_exited": t_y,
                "villages_exited": u["y_villages"],
                "households_exited": u["y_households"],
                "people_exited": u["y_people"],
                "pairing_funds": _num(u["y_pairing"], 2),
                "collective_funds": _num(u["y_collective"], 2),
            },
            "targets": {k: u[k] for k in target_aggs},
            "households_pct": _pct(u["y_households"], u["target_households"]),
            "people_pct": _pct(u["y_people"], u["target_people"]),
            "villages_pct": _pct(u["y_villages"], u["target_villages"]),
        }

    out_units = [unit_out(u) for u in units]

    def total(section, key):
        return sum(u[section][key] or 0 for u in out_units)

    def money(section, key):
        return round(float(total(section, key)), 2)

    month_total = {
        "townships_exited": t_counts["m"],
        "villages_exited": total("month", "villages_exited"),
        "households_exited": total("month", "households_exited"),
        "people_exited": total("month", "people_exited"),
        "pairing_funds": money("month", "pairing_funds"),
    }
    ytd_total = {
        "townships_exited": t_counts["y"],
        "villages_exited": total("year_to_date", "villages_exited"),
        "households_exited": total("year_to_date", "households_exited"),
        "people_exited": total("year_to_date", "people_exited"),
        "pairing_funds": money("year_to_date", "pairing_funds"),
        "collective_funds": money("year_to_date", "collective_funds"),
    }
    rates = headline_for(scope, month.end, units)
    if rates is not None:
        for u, out in zip(units, out_units, strict=True):
            out["headline"] = rates["townships"].get(u["id"]) if level == "county" else None
    return {
        **HEADLINE_KEYS_NONE,
        **_headline_keys(rates),
        "headline": rates["total"] if rates else None,
        "period": str(month),
        "label": str(month.label),
        "start": month.start.isoformat(),
        "end": month.end.isoformat(),
        "scope": scope.as_dict(),
        "month": month_total,
        "year_to_date": ytd_total,
        "targets": targets,
        "progress": {
            "households_pct": _pct(ytd_total["households_exited"], targets["target_households"]),
            "people_pct": _pct(ytd_total["people_exited"], targets["target_people"]),
            "villages_pct": _pct(ytd_total["villages_exited"], targets["target_villages"]),
            "townships_pct": _pct(ytd_total["townships_exited"], targets["target_townships"]),
        },
        "units": out_units,
        "by_month": [
            {
                "month": str(Month.of(r["m"])),
                "households_exited": r["households"],
                "people_exited": r["people"],
            }
            for r in by_month
        ],
    }


# ---- headline: poverty incidence and income (villages/headline.py) ---------------------

HEADLINE_KEYS_NONE = {
    "poverty_incidence_percent": None,
    "poverty_incidence_change_points": None,
    "rural_income_per_head_yuan": None,
}


@dataclass(frozen=True)
class _Place:
    pk: int
    code: str


def headline_for(scope, day, units=None, history_years=()):
    """The headline rates on ``day`` for the scope: per township and in total at county
    level, the township's own at township level (with ``history_years``, also their
    incidence in those years: ``headline.headline``, through its cache). Statistics are kept
    per township, so a village has none (``None``). Two queries (the county's townships come
    from ``units``), none when the headline's inputs did not change since it was cached."""
    if scope.level == "village":
        return None
    if scope.level == "county":
        places = [_Place(u["id"], u["code"]) for u in (units if units is not None else scope.units())]
    else:
        places = [_Place(scope.township.pk, scope.township.code)]
    return headline.cached(day, places, history_years)


def _headline_keys(rates):
    return {key: rates["total"][key] for key in HEADLINE_KEYS_NONE} if rates else {}


def latest_year(scope):
    """The latest year with statistics for the scope's townships."""
    township = scope.township
    rows = TownshipStatistics.objects.all() if township is None else township.statistics.all()
    latest = rows.aggregate(latest=Max("year"))["latest"]
    return Year(latest) if latest else None


# The yearly view's chart covers this many years up to the year shown.
YEARLY_HISTORY = 10


def yearly_dashboard(scope, year):
    """年度: poverty incidence on 31 December, its change over the year and income per head,
    per township (county level) or for the township, with the incidence of earlier years."""
    units = scope.units() if scope.level == "county" else []
    years = list(range(year.year - YEARLY_HISTORY + 1, year.year + 1))
    # the year's headline and the incidence of the years before: one pass over the households
    rates = headline_for(scope, year.end, units if scope.level == "county" else None, history_years=years)
    if scope.level == "county":
        places = [_Place(u["id"], u["code"]) for u in units]
        rows = [{"code": u["code"], "name": u["name"], **rates["townships"][u["id"]]} for u in units]
    elif rates is not None:
        places = [_Place(scope.township.pk, scope.township.code)]
        rows = [{"code": None, "name": scope.township.name, **rates["total"]}]
    else:
        places, rows = [], []
    history = rates["history"] if places else []
    names = {p.pk: row["name"] for p, row in zip(places, rows, strict=True)}
    by_year = [
        {
            "year": h["year"],
            "total": h["total"],
            "townships": [
                {"code": p.code, "name": names[p.pk], "percent": h["townships"][p.pk]} for p in places
            ],
        }
        for h in history
        if h["total"] is not None or any(v is not None for v in h["townships"].values())
    ]
    return {
        **HEADLINE_KEYS_NONE,
        **_headline_keys(rates),
        "period": str(year),
        "label": str(year.label),
        "start": year.start.isoformat(),
        "end": year.end.isoformat(),
        "scope": scope.as_dict(),
        "headline": rates["total"] if rates else None,
        "income_line_yuan": headline.INCOME_LINE_YUAN,
        "units": rows,
        "by_year": by_year,
    }


# ---- quarterly: 每季晒工作成果 --------------------------------------------------------------


def _choices(choices):
    return [{"key": value, "label": str(label)} for value, label in choices]


def survey_rounds_for(quarter):
    """Rounds held in the quarter, or else the latest round held before its end."""
    rounds = list(
        SurveyRound.objects.filter(held_on__lte=quarter.end)
        .order_by("-held_on")
        .values("id", "year", "number", "held_on")[:4]
    )
    inside = [r for r in rounds if r["held_on"] >= quarter.start]
    return inside or rounds[:1]


def _sum_groups(rows, key, fields):
    """Rows of a finer grouped query summed per ``key``: ``[{key, *fields}]`` (None counts as
    0), in the order the keys first appear."""
    sums = {}
    for row in rows:
        total = sums.setdefault(row[key], {key: row[key], **dict.fromkeys(fields, 0)})
        for name in fields:
            total[name] += row[name] or 0
    return list(sums.values())


def _getter(names):
    """``row -> (row[name] for name in names)`` as a tuple, in C (``operator.itemgetter``)."""
    if len(names) == 1:
        return lambda row: (row[names[0]],)
    return itemgetter(*names)


def _share(content, answers):
    """``_pct(content, answers)`` of two non-negative integers, ``answers`` > 0, in integer
    arithmetic (a province's quarterly page has 20,000 of them: ``round(x, 1)`` of a float
    is the slow part). ``_pct`` rounds the float ``q = 100.0 * content / answers`` to one
    decimal; the quotient in tenths, ``1000 * content / answers = k + r / answers``, rounds
    to ``k`` or ``k + 1`` on the side of ``r / answers`` against one half, and the float's
    error (below 1e-14) cannot cross that half, which is at least ``1 / (20 * answers)``
    away, unless it is exactly a half: then ``_pct`` itself decides. ``m / 10`` is the
    float nearest to m tenths, as ``round`` gives it. Tested against ``_pct``."""
    tenths, rest = divmod(1000 * content, answers)
    rest += rest
    if rest == answers:
        return _pct(content, answers)
    return (tenths + (rest > answers)) / 10


def _survey_sums(cells, item_ids):
    """From the survey's (unit, item) cells — tuples ``(unit, item, answers, content,
    level_sum)``, a province's some 20,000 — in one pass: each unit's satisfied shares per
    item (``{unit: [share of each of item_ids]}``, ``_pct``'s rounding, None without answers)
    and the items' and the units' sums (``{id: {answers, content, mean}}``, the mean level
    ``level_sum / answers``). Plain additions on plain tuples: this is most of a province's
    quarterly page."""
    position = {item: n for n, item in enumerate(item_ids)}
    width = len(item_ids)
    items, units = {}, {}
    for unit, item, answers, content, level_sum in cells:
        # counts and sums of non-null integers: never None (a grouped row has answers)
        total = units.get(unit)
        if total is None:
            total = units[unit] = [0, 0, 0, [None] * width]
        total[0] += answers
        total[1] += content
        total[2] += level_sum
        column = position.get(item)  # None: an item deleted since the cells were read
        if answers and column is not None:
            total[3][column] = _share(content, answers)
        total = items.get(item)
        if total is None:
            items[item] = [answers, content, level_sum]
        else:
            total[0] += answers
            total[1] += content
            total[2] += level_sum

    def with_mean(sums):
        return {
            key: {"answers": a, "content": c, "mean": level / a if a else None}
            for key, (a, c, level, *_shares) in sums.items()
        }

    shares = {unit: total[3] for unit, total in units.items()}
    return shares, with_mean(items), with_mean(units)


# The findings' counts of the inspections' groups: per category and severity.
FINDING_CELLS = [(c, sev) for c in Finding.Category.values for sev in Finding.Severity.values]


# The quarterly page's grouped queries, grouped per unit (the ``key``: townships or villages)
# and made once per process, then filtered per request: resolving their aggregates (the
# filtered counts above all) is most of what making them costs (4–5 ms of CPU a request),
# and a filter clones the queryset, never changes it.


@cache
def _evaluation_groups(key):
    """Evaluations per (unit, level): how many, their scores' sum, how many of each grade."""
    grades = {g: Count("pk", filter=Q(grade=g)) for g in Evaluation.Grade.values}
    return (
        Evaluation.objects.order_by()
        .values(key, "level")
        .annotate(n=Count("pk"), score_sum=Sum("score"), **grades)
    )


@cache
def _inspection_groups(key):
    """Inspections per (unit, kind) as tuples: the unit, the kind, how many, and how many
    findings of each of ``FINDING_CELLS``."""
    counts = {
        f"f_{n}": Count("findings", filter=Q(findings__category=c, findings__severity=sev))
        for n, (c, sev) in enumerate(FINDING_CELLS)
    }
    return (
        Inspection.objects.order_by()
        .values(key, "kind")
        .annotate(inspections=Count("pk", distinct=True), **counts)
        .values_list(key, "kind", "inspections", *counts)
    )


@cache
def _action_groups(key):
    """Accountability actions per (unit, kind, rank class): how many, and how many cadres;
    a cadre's township (``township_ref``) is his own or his village's."""
    return (
        AccountabilityAction.objects.annotate(
            township_ref=Coalesce("cadre__township_id", "cadre__village__township_id")
        )
        .order_by()
        .values(key, "kind", "rank")
        .annotate(n=Count("pk"), cadres=Count("cadre", distinct=True))
    )


def quarterly_dashboard(scope, quarter, use_summaries=True, overdue_limit=LIST_LIMIT):
    span = {"gte": quarter.start, "lte": quarter.end}
    level = scope.level

    # evaluations (A3, A8): the quarterly assessment of this quarter
    e_key = scope.unit_path("village__township_id", "village_id")
    grades = Evaluation.Grade.values
    # one grouped query per (unit, level); the units' and the levels' rows are its sums
    e_groups = list(
        _evaluation_groups(e_key).filter(
            scope.q("village__township_id", "village_id"),
            cycle=Evaluation.Cycle.QUARTERLY,
            year=quarter.year,
            period=quarter.number,
        )
    )
    e_rows = _sum_groups(e_groups, e_key, ("n", "score_sum", *grades))
    e_levels = {r["level"]: r for r in _sum_groups(e_groups, "level", ("n", "score_sum", *grades))}
    for row in (*e_rows, *e_levels.values()):
        row["evaluations"] = row["n"]
        row["average_score"] = row["score_sum"] / row["n"] if row["n"] else None

    # inspections and findings (A7–A9)
    i_key = scope.unit_path("township_id", "village_id")
    # one grouped query per (unit, kind) over the inspections and their findings: the
    # inspections, and the findings per category and severity (an inspection has one unit
    # and one kind, so the groups' sums count each once); each group as one tuple (unit,
    # kind, inspections, *the findings' counts), as the driver gives them: a province has a
    # thousand groups of 23 counts, which Django would convert one by one (counts are
    # integers as they come)
    cells = FINDING_CELLS
    i_groups = plain_rows(
        _inspection_groups(i_key).filter(
            scope.q("township_id", "village_id"), held_on__gte=span["gte"], held_on__lte=span["lte"]
        )
    )
    serious = _getter([3 + n for n, (_c, sev) in enumerate(cells) if sev == Finding.Severity.SERIOUS])
    i_units, i_kinds = {}, {}
    for row in i_groups:
        unit = i_units.setdefault(row[0], {i_key: row[0], "inspections": 0, "serious_findings": 0})
        unit["inspections"] += row[2]
        unit["serious_findings"] += sum(serious(row))
        i_kinds[row[1]] = i_kinds.get(row[1], 0) + row[2]
    i_rows = i_units.values()
    f_cells = dict(
        zip(
            cells,
            [sum(column) for column in zip(*(row[3:] for row in i_groups), strict=True)]
            if i_groups
            else [0] * len(cells),
            strict=True,
        )
    )

    # accountability actions (A10, C4); a cadre's township is his own or his village's
    a_key = scope.unit_path("township_ref", "cadre__village_id")
    # per unit, kind and rank class: the records, and the distinct cadres (a cadre talked to
    # twice in the quarter counts once in ``distinct_cadres``; a cadre has one unit, so the
    # units' sums count him once)
    a_groups = list(
        _action_groups(a_key).filter(
            scope.q("township_ref", "cadre__village_id"),
            decided_on__gte=span["gte"],
            decided_on__lte=span["lte"],
        )
    )
    a_rows = [{a_key: r[a_key], "actions": r["n"]} for r in _sum_groups(a_groups, a_key, ("n",))]
    a_cells, a_cadres = {}, {}
    for r in a_groups:
        cell = (r["kind"], r["rank"])
        a_cells[cell] = a_cells.get(cell, 0) + r["n"]
        a_cadres[cell] = a_cadres.get(cell, 0) + r["cadres"]

    # 逾期未整改 (A9): problems found by any inspection in scope whose deadline passed before
    # the quarter's end (or today, in the current quarter) and that were not rectified by then
    as_of = min(quarter.end, periods.today())
    overdue = Finding.objects.filter(scope.q("inspection__township_id", "inspection__village_id")).overdue_on(
        as_of
    )
    # the rows shown and how many there are, in one query (the count is a window over all)
    overdue_rows = (
        overdue.select_related("inspection__township", "inspection__village")
        .annotate(total=Window(Count("pk")))
        .order_by("rectify_by", "inspection__held_on", "pk")
    )
    if overdue_limit is not None:
        overdue_rows = overdue_rows[:overdue_limit]
    overdue_rows = list(overdue_rows)
    overdue_total = overdue_rows[0].total if overdue_rows else 0

    # satisfaction (C2): township × item
    rounds = survey_rounds_for(quarter)
    answers = SurveyAnswer.objects.filter(
        scope.q("household__village__township_id", "household__village_id"),
        round_id__in=[r["id"] for r in rounds],
    ).order_by()
    s_key = scope.unit_path("household__village__township_id", "household__village_id")
    county = use_summaries and level == "county"
    year_months = [Month(quarter.year, n) for n in range(1, 3 * quarter.number + 1)]
    stored, stored_exits, stored_progress = (
        summaries.for_quarter(rounds, year_months, quarter) if county else (None, None, None)
    )
    if stored is None:
        # one grouped query per (unit, item); the items' and the units' rows are its sums
        stored = answers.values_list(s_key, "item_id").annotate(
            answers=Count("pk"), content=Count("pk", filter=Q(level__gte=2)), level_sum=Sum("level")
        )
    items = list(LivelihoodItem.objects.order_by("order").values("id", "code", "name"))
    item_ids = [i["id"] for i in items]
    s_shares, s_items, s_units = _survey_sums(stored, item_ids)

    # league inputs: progress at the quarter's end, exits of the year to the quarter's end, targets
    t_key = scope.unit_path("township_id", "village_id")
    if stored_progress is not None:
        progress_groups = [{**r, t_key: r["township_id"]} for r in stored_progress]
    else:
        progress_groups = (
            Task.objects.filter(scope.q("township_id", "village_id"))
            .filter(measures.started_by(quarter.end))
            .order_by()
            .values(t_key)
            .annotate(**measures.progress_aggregates(quarter.end))
        )
    progress_rows = [{t_key: r[t_key], "progress": measures.progress(r)} for r in progress_groups]
    h_key = scope.unit_path("village__township_id", "village_id")
    if stored_exits is not None:
        exit_rows = [
            {h_key: r["township_id"], "households_exited": r["y_households"]} for r in stored_exits[0]
        ]
    else:
        exit_rows = (
            Household.objects.filter(
                scope.q("village__township_id", "village_id"),
                exited_on__gte=dt.date(quarter.year, 1, 1),
                exited_on__lte=quarter.end,
            )
            .order_by()
            .values(h_key)
            .annotate(households_exited=Count("pk"))
        )
    party = Contract.Party.TOWNSHIP_COMMITTEE if level == "county" else Contract.Party.VILLAGE_BRANCH
    target_rows = (
        Contract.objects.filter(scope.q("township_id", "village_id"), year=quarter.year, party=party)
        .order_by()
        .values(t_key)
        .annotate(target_households=Sum("target_households"))
    )

    units = scope.units()
    _merge(units, e_rows, e_key, {"evaluations": 0, "average_score": None, **dict.fromkeys(grades, 0)})
    _merge(units, i_rows, i_key, {"inspections": 0, "serious_findings": 0})
    _merge(units, a_rows, a_key, {"actions": 0})
    for u in units:
        u.update(s_units.get(u["id"]) or {"answers": 0, "content": 0, "mean": None})
    _merge(units, progress_rows, t_key, {"progress": None})
    _merge(units, exit_rows, h_key, {"households_exited": 0})
    _merge(units, target_rows, t_key, {"target_households": 0})

    def satisfaction(cell):
        return {
            "answers": cell["answers"],
            "satisfied_share": _pct(cell["content"], cell["answers"]),
            "mean_level": _num(cell["mean"], 2),
        }

    league = []
    for u in units:
        progress = _num(u["progress"]) or 0.0
        exit_rate = min(100.0, _pct(u["households_exited"], u["target_households"]) or 0.0)
        # no survey answers (a quarter without a round): satisfaction is no data, not 0;
        # the other components are renormalised to 100
        sat = _pct(u["content"], u["answers"])
        weighted = LEAGUE_WEIGHTS["progress"] * progress + LEAGUE_WEIGHTS["exits"] * exit_rate
        if sat is None:
            weighted /= LEAGUE_WEIGHTS["progress"] + LEAGUE_WEIGHTS["exits"]
        else:
            weighted += LEAGUE_WEIGHTS["satisfaction"] * sat
        score = weighted - LEAGUE_ACTION_PENALTY * u["actions"]
        league.append(
            {
                "code": u["code"],
                "name": u["name"],
                "progress": progress,
                "exit_rate": round(exit_rate, 1),
                "satisfaction": sat,
                "actions": u["actions"],
                "score": round(max(0.0, score), 1),
            }
        )
    league.sort(key=lambda r: (-r["score"], r["code"]))
    for rank, row in enumerate(league, start=1):
        row["rank"] = rank

    def evaluation_out(row):
        return {
            "evaluations": row.get("evaluations", row.get("n", 0)),
            "average_score": _num(row.get("average_score")),
            "grades": {g: row.get(g, 0) for g in grades},
        }

    return {
        "period": str(quarter),
        "label": str(quarter.label),
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
        "scope": scope.as_dict(),
        "summary": {
            "evaluations": sum(r["n"] for r in e_levels.values()),
            "inspections": sum(i_kinds.values()),
            "findings": sum(f_cells.values()),
            "serious_findings": sum(n for (_c, s), n in f_cells.items() if s == Finding.Severity.SERIOUS),
            "actions": sum(a_cells.values()),
            "survey_answers": sum(r["answers"] for r in s_items.values()),
        },
        "grades": _choices(Evaluation.Grade.choices),
        "evaluations": {
            "by_level": [
                {"level": str(label), "key": value, **evaluation_out(e_levels.get(value, {}))}
                for value, label in Evaluation.Level.choices
            ],
            "units": [{"code": u["code"], "name": u["name"], **evaluation_out(u)} for u in units],
        },
        "inspections": {
            "by_kind": [
                {"kind": value, "label": str(label), "inspections": i_kinds.get(value, 0)}
                for value, label in Inspection.Kind.choices
            ],
            "units": [
                {
                    "code": u["code"],
                    "name": u["name"],
                    "inspections": u["inspections"],
                    "serious_findings": u["serious_findings"],
                }
                for u in units
            ],
        },
        "findings": {
            "severities": _choices(Finding.Severity.choices),
            "categories": [
                {
                    "category": value,
                    "label": str(label),
                    **{s: f_cells.get((value, s), 0) for s in Finding.Severity.values},
                }
                for value, label in Finding.Category.choices
            ],
        },
        "actions": {
            "ranks": _choices(Rank.choices),
            # records (actions) by kind and rank class
            "kinds": [
                {"kind": value, "label": str(label), **{r: a_cells.get((value, r), 0) for r in Rank.values}}
                for value, label in AccountabilityAction.Kind.choices
            ],
            # distinct cadres by kind and rank class
            "distinct_cadres": {
                value: {r: a_cadres.get((value, r), 0) for r in Rank.values}
                for value in AccountabilityAction.Kind.values
            },
        },
        "overdue_rectifications": {
            "as_of": as_of.isoformat(),
            "total": overdue_total,
            "findings": [
                {
                    "inspection": f.inspection_id,
                    "held_on": f.inspection.held_on.isoformat(),
                    "kind": f.inspection.kind,
                    "township": f.inspection.township.name if f.inspection.township_id else None,
                    "village": f.inspection.village.name if f.inspection.village_id else None,
                    "category": f.category,
                    "label": f.get_category_display(),
                    "severity": f.severity,
                    "rectify_by": f.rectify_by.isoformat(),
                    "days_overdue": (as_of - f.rectify_by).days,
                }
                for f in overdue_rows
            ],
        },
        "satisfaction": {
            "rounds": [
                {"year": r["year"], "number": r["number"], "held_on": r["held_on"].isoformat()}
                for r in rounds
            ],
            "items": [
                {
                    "code": i["code"],
                    "name": i["name"],
                    **satisfaction(s_items.get(i["id"], {"answers": 0, "content": 0, "mean": None})),
                }
                for i in items
            ],
            "units": [
                {
                    "code": u["code"],
                    "name": u["name"],
                    **satisfaction(u),
                    "items": s_shares.get(u["id"]) or [None] * len(item_ids),
                }
                for u in units
            ],
        },
        "league": league,
    }


# ---- links to the work ---------------------------------------------------------------------


def openable_tasks(user, codes):
    """{code: id} of the tasks among ``codes`` whose page ``user`` may open: the task page's
    own scope (``Task.objects.for_user``), in one query, also when ``codes`` is empty (no
    code is ""), so that a page's query count does not depend on what it lists."""
    wanted = sorted(codes) or [""]
    return dict(Task.objects.for_user(user).filter(code__in=wanted).values_list("code", "pk"))
