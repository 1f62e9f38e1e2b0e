"""Summary tables for the county-level dashboards (README "Speed"), in the manner of DHIS2's
analytics tables: per period and township, the numbers the dashboards would otherwise
aggregate over every task, weekly report, household and survey answer of the county.

- ``WeeklySummary`` (week × township): tasks active, due, reported, overdue, the sum of
  their latest percents, and the reports filed that week (measures.py says how each counts);
- ``ExitSummary`` (month × township): households and people out of poverty;
- ``SurveySummary`` (round × township × livelihood item): answers, satisfied, sum of levels;
- ``ProgressSummary`` (quarter × township): the tasks started by the quarter's end and the
  sum of their latest percent then (the quarterly league's progress).

``SummaryPeriod`` marks the periods a table is built for; a built period without a row for a
township means zero. ``rebuild()`` (``manage.py rebuild_summaries``) builds everything; every
write that changes the numbers calls the one entry :func:`changed` with the rows it wrote
(the services, the admin's ``KeepsSummariesExact`` and the registry's ``on_write`` hook
alike), which refreshes what they touched (``refresh_*``) in the writer's transaction, so
the tables stay exact. The selectors read a table only when every period a
page needs is built, and otherwise run the live queries; tests compare both.
"""

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.db.models.functions import TruncMonth

from accountability.dashboards import cache, measures
from accountability.models import (
    ExitSummary,
    ProgressReport,
    ProgressSummary,
    SummaryPeriod,
    SurveySummary,
    Task,
    WeeklySummary,
)
from accountability.periods import Month, Quarter, Week, week_start
from chishui.sql import lock, plain_rows
from villages import headline
from villages.models import Household, SurveyAnswer, SurveyRound, Township
from villages.satisfaction import tallies

WEEK, MONTH, ROUND = SummaryPeriod.Kind.WEEK, SummaryPeriod.Kind.MONTH, SummaryPeriod.Kind.ROUND
QUARTER = SummaryPeriod.Kind.QUARTER
BATCH = 2000


def _built(kind, keys):
    keys = {str(k) for k in keys}
    return SummaryPeriod.objects.filter(kind=kind, key__in=keys).count() == len(keys)


def _mark(kind, keys):
    have = set(SummaryPeriod.objects.filter(kind=kind).values_list("key", flat=True))
    SummaryPeriod.objects.bulk_create(
        [SummaryPeriod(kind=kind, key=str(k)) for k in keys if str(k) not in have], batch_size=BATCH
    )


def _lock(township_ids=None):
    """Lock the township rows whose summary rows are about to be recomputed (every township
    when None), in one order so two writers cannot deadlock. Writers of one township then
    take turns: the second one recomputes after the first committed, and sees its rows
    (no duplicate row, no count lost). Held until the writer's transaction ends; nothing on
    SQLite, which runs one writer at a time anyway."""
    lock(Township, township_ids)


def _period_key(period):
    """A week's or a quarter's key in ``SummaryPeriod``: its first day."""
    return period.start.isoformat()


# ---- reading ------------------------------------------------------------------------------


def weekly(weeks):
    """``({monday: county totals}, [per-township rows of the last week])``, or None unless
    every week is built."""
    if not _built(WEEK, map(_period_key, weeks)):
        return None
    fields = ("active", "due", "reported", "overdue", "percent_sum", "reports", "report_percent_sum")
    rows = WeeklySummary.objects.filter(week__gte=weeks[0].start, week__lte=weeks[-1].start).order_by()
    by_week = {r["week"]: r for r in rows.values("week").annotate(**{f: Sum(f) for f in fields})}
    units = list(rows.filter(week=weeks[-1].start).values("township_id", *fields))
    return by_week, units


def _built_kinds(periods):
    """The kinds among ``periods`` ({kind: keys}) whose every period is built: one query."""
    wanted = {kind: {str(k) for k in keys} for kind, keys in periods.items()}
    q = Q()
    for kind, keys in wanted.items():
        q |= Q(kind=kind, key__in=keys)
    have = {}
    for kind, key in SummaryPeriod.objects.filter(q).values_list("kind", "key"):
        have.setdefault(kind, set()).add(key)
    return {kind for kind, keys in wanted.items() if keys <= have.get(kind, set())}


def exits(months, by_month=True):
    """For ``months`` (consecutive, the last one the month asked for): per-township rows
    ``{township_id, m_households, m_people, y_households, y_people}`` (m: the last month,
    y: all of them) and per-month rows ``{month, households, people}``; or None unless every
    month is built."""
    if not _built(MONTH, months):
        return None
    return _exit_rows(months, by_month)


def _exit_rows(months, by_month):
    rows = ExitSummary.objects.filter(month__gte=months[0].start, month__lte=months[-1].start).order_by()
    last = Q(month=months[-1].start)
    units = list(
        rows.values("township_id").annotate(
            m_households=Sum("households", filter=last),
            m_people=Sum("people", filter=last),
            y_households=Sum("households"),
            y_people=Sum("people"),
        )
    )
    if not by_month:
        return units, None
    months_rows = rows.values("month").annotate(households=Sum("households"), people=Sum("people"))
    return units, list(months_rows.order_by("month"))


def _round_key(year, number):
    return f"{year}-{number}"


def survey(rounds):
    """Summed over ``rounds`` (dicts with id, year, number): the (township, item) cells of
    ``_survey_rows``; or None unless every round is built."""
    if not rounds or not _built(ROUND, [_round_key(r["year"], r["number"]) for r in rounds]):
        return None
    return _survey_rows(rounds)


def for_quarter(rounds, months, quarter):
    """What the quarterly page reads: ``(survey(rounds), exits(months, by_month=False),
    progress)``, each None unless built, with one query for which periods are built;
    ``progress``: the quarter's per-township rows ``{township_id, tasks, percent_sum}``."""
    built = _built_kinds(
        {
            ROUND: [_round_key(r["year"], r["number"]) for r in rounds],
            MONTH: months,
            QUARTER: [_period_key(quarter)],
        }
    )
    survey_rows = _survey_rows(rounds) if rounds and ROUND in built else None
    exit_rows = _exit_rows(months, by_month=False) if MONTH in built else None
    progress_rows = (
        list(
            ProgressSummary.objects.filter(quarter=quarter.start).values(
                "township_id", "tasks", "percent_sum"
            )
        )
        if QUARTER in built
        else None
    )
    return survey_rows, exit_rows, progress_rows


def _survey_rows(rounds):
    """The survey's cells over ``rounds``: tuples ``(township_id, item_id, answers, content,
    level_sum)``, one per (township, item) — a round's rows as they are stored, several
    rounds' summed. A province has some 20,000: read as the database gives them (integers),
    without Django's conversion of every aggregated value (``chishui.sql.plain_rows``)."""
    rows = SurveySummary.objects.filter(round_id__in=[r["id"] for r in rounds]).order_by()
    fields = ("answers", "content", "level_sum")
    if len(rounds) > 1:
        rows = rows.values("township_id", "item_id").annotate(**{f: Sum(f) for f in fields})
    return plain_rows(rows.values_list("township_id", "item_id", *fields))


# ---- building -----------------------------------------------------------------------------


def _weekly_rows(week, township_ids=None):
    tasks = Task.objects.order_by()
    reports = ProgressReport.objects.filter(week=week.start).order_by()
    if township_ids is not None:
        tasks = tasks.filter(township_id__in=township_ids)
        reports = reports.filter(task__township_id__in=township_ids)
    rows = {
        r["township_id"]: r
        for r in tasks.filter(measures.active_q(week))
        .values("township_id")
        .annotate(**measures.week_aggregates(week))
    }
    for r in reports.values("task__township_id").annotate(
        reports=Count("pk"), report_percent_sum=Sum("percent")
    ):
        rows.setdefault(r["task__township_id"], {"township_id": r["task__township_id"]}).update(r)
    empty = {
        "active": 0,
        "due": 0,
        "reported": 0,
        "overdue": 0,
        "percent_sum": 0,
        "reports": 0,
        "report_percent_sum": 0,
    }
    return [
        WeeklySummary(
            week=week.start,
            **{**empty, **{k: v for k, v in row.items() if k in empty and v is not None}},
            township_id=township_id,
        )
        for township_id, row in rows.items()
    ]


def _build_weeks(weeks, township_ids=None):
    for week in weeks:
        existing = WeeklySummary.objects.filter(week=week.start)
        if township_ids is not None:
            existing = existing.filter(township_id__in=township_ids)
        existing.delete()
        WeeklySummary.objects.bulk_create(_weekly_rows(week, township_ids), batch_size=BATCH)
    _mark(WEEK, map(_period_key, weeks))


def _period_range(first, last):
    """The periods (weeks or quarters) from ``first`` to ``last``, both included."""
    periods, period = [], first
    while period <= last:
        periods.append(period)
        period = period.shift(1)
    return periods


def _built_periods(kind, period_class):
    """The built periods of ``kind`` (``WEEK`` of ``Week``, ``QUARTER`` of ``Quarter``), in order."""
    keys = SummaryPeriod.objects.filter(kind=kind).values_list("key", flat=True)
    return sorted(period_class.of(dt.date.fromisoformat(k)) for k in keys)


def refresh_weekly(township_ids, from_day=None):
    """After a write to tasks or weekly reports of ``township_ids`` that changes the weeks
    from ``from_day`` on (all built weeks when None): recompute those townships' rows of the
    built weeks from then on. A report for a week after the last built one extends the
    table to that week and the trend weeks before it, for every township (a long gap stays
    unbuilt: live). Nothing is done while no week is built."""
    _refresh_periods(WEEK, Week, _build_weeks, township_ids, from_day, back=measures.TREND_WEEKS - 1)


def _refresh_periods(kind, period_class, build, township_ids, from_day, back=None):
    """The refresh of a summary table built per period (``kind``: its SummaryPeriod kind;
    ``build(periods, township_ids=None)``): those townships' rows of the built periods from
    ``from_day``'s on; a period after the last built one extends the table to it for every
    township — from ``back`` periods before it (the gap before them stays unbuilt), or from
    the last built one when ``back`` is None."""
    built = _built_periods(kind, period_class)
    if not built:
        return
    new = period_class.of(from_day) if from_day is not None else None
    _lock(None if new is not None and new > built[-1] else township_ids)
    built = _built_periods(kind, period_class)  # as the writer before us left it
    if new is not None and new > built[-1]:
        first = built[-1].shift(1) if back is None else max(built[-1].shift(1), new.shift(-back))
        build(_period_range(first, new))
        built = _built_periods(kind, period_class)
    start = new if new is not None else built[0]
    build([p for p in built if p >= start], township_ids=list(township_ids))


def rebuild_weekly():
    """Every week from the first task start or report to the last report, and the weeks
    before the first that the first weeks' trends show (zero, but built)."""
    _lock()
    WeeklySummary.objects.all().delete()
    SummaryPeriod.objects.filter(kind=WEEK).delete()
    span = ProgressReport.objects.aggregate(first=Min("week"), last=Max("week"))
    if span["last"] is None:
        return 0
    first_start = Task.objects.aggregate(first=Min("starts_on"))["first"] or span["first"]
    first = Week.of(min(first_start, span["first"])).shift(1 - measures.TREND_WEEKS)
    weeks = _period_range(first, Week.of(span["last"]))
    live = _live_spans()
    _build_weeks([w for w in weeks if any(a <= w.start <= b for a, b in live)])
    _mark(WEEK, map(_period_key, weeks))  # the idle weeks are built too: no row means zero
    return len(weeks)


def _live_spans():
    """Merged spans (first Monday, last Monday) outside which no task can be active and no
    report was filed, so the weeks outside them are all zero (a county's years between
    closed-out tasks). Each task is taken from its start to the later of its deadline and
    its first 100% report, or on while it never reached 100%, and at most to its closing
    (``measures.active_q``); a span too long only costs time, never a wrong count."""
    far = dt.date.max - dt.timedelta(days=7)
    spans = [(w, w) for w in ProgressReport.objects.order_by().values_list("week", flat=True).distinct()]
    done = Min("reports__week", filter=Q(reports__percent__gte=100))
    for start, due, closed, complete in (
        Task.objects.order_by().annotate(done=done).values_list("starts_on", "due_on", "closed_on", "done")
    ):
        last = max(due, complete) if complete else far
        if closed is not None:
            last = min(last, closed)
        spans.append((week_start(start) if start else dt.date.min, week_start(last)))
    merged = []
    for a, b in sorted(spans):
        if merged and a <= merged[-1][1] + dt.timedelta(days=7):
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _build_quarters(quarters, township_ids=None):
    for quarter in quarters:
        existing = ProgressSummary.objects.filter(quarter=quarter.start)
        tasks = Task.objects.filter(measures.started_by(quarter.end)).order_by()
        if township_ids is not None:
            existing = existing.filter(township_id__in=township_ids)
            tasks = tasks.filter(township_id__in=township_ids)
        existing.delete()
        rows = tasks.values("township_id").annotate(**measures.progress_aggregates(quarter.end))
        ProgressSummary.objects.bulk_create(
            [
                ProgressSummary(
                    quarter=quarter.start,
                    township_id=row["township_id"],
                    tasks=row["tasks"],
                    percent_sum=row["percent_sum"] or 0,
                )
                for row in rows
            ],
            batch_size=BATCH,
        )
    _mark(QUARTER, map(_period_key, quarters))


def refresh_progress_summary(township_ids, from_day=None):
    """After a write to tasks or weekly reports of ``township_ids`` that changes the quarters
    ending on or after ``from_day`` (all built quarters when None): recompute those
    townships' rows of those built quarters. A report in a quarter after the last built one
    extends the table to that quarter, for every township. Nothing is done while no quarter
    is built."""
    _refresh_periods(QUARTER, Quarter, _build_quarters, township_ids, from_day)


def rebuild_progress():
    """Every quarter from the first task start or report to the last report."""
    _lock()
    ProgressSummary.objects.all().delete()
    SummaryPeriod.objects.filter(kind=QUARTER).delete()
    span = ProgressReport.objects.aggregate(first=Min("week"), last=Max("week"))
    if span["last"] is None:
        return 0
    first_start = Task.objects.aggregate(first=Min("starts_on"))["first"] or span["first"]
    quarters = _period_range(Quarter.of(min(first_start, span["first"])), Quarter.of(span["last"]))
    _build_quarters(quarters)
    return len(quarters)


def rebuild_exits():
    """Households and people out of poverty per month and township, for every month from the
    first exit to the last: one grouped query."""
    _lock()
    ExitSummary.objects.all().delete()
    SummaryPeriod.objects.filter(kind=MONTH).delete()
    exited = Household.objects.filter(exited_on__isnull=False).order_by()
    span = exited.aggregate(first=Min("exited_on"), last=Max("exited_on"))
    if span["first"] is None:
        return 0
    rows = (
        exited.annotate(month=TruncMonth("exited_on"))
        .values("month", "village__township_id")
        .annotate(households=Count("pk"), people=Sum("size"))
    )
    ExitSummary.objects.bulk_create(
        [
            ExitSummary(
                month=Month.of(r["month"]).start,
                township_id=r["village__township_id"],
                households=r["households"],
                people=r["people"],
            )
            for r in rows
        ],
        batch_size=BATCH,
    )
    months, month = [], Month.of(span["first"])
    while month <= Month.of(span["last"]):
        months.append(month)
        month = month.shift(1)
    _mark(MONTH, months)
    return len(months)


def refresh_exits():
    """After households were written: the exit table is rebuilt whole (one grouped query),
    unless it was never built."""
    if SummaryPeriod.objects.filter(kind=MONTH).exists():
        rebuild_exits()


def _build_rounds(round_ids):
    round_ids = list(round_ids)
    _lock()
    SurveySummary.objects.filter(round_id__in=round_ids).delete()
    rows = (
        SurveyAnswer.objects.filter(round_id__in=round_ids)
        .order_by()
        .values("round_id", "household__village__township_id", "item_id")
        .annotate(answers=Count("pk"), content=Count("pk", filter=Q(level__gte=2)), level_sum=Sum("level"))
    )
    SurveySummary.objects.bulk_create(
        [
            SurveySummary(
                round_id=r["round_id"],
                township_id=r["household__village__township_id"],
                item_id=r["item_id"],
                answers=r["answers"],
                content=r["content"],
                level_sum=r["level_sum"],
            )
            for r in rows
        ],
        batch_size=BATCH,
    )
    keys = SurveyRound.objects.filter(pk__in=round_ids).values_list("year", "number")
    _mark(ROUND, [_round_key(year, number) for year, number in keys])


def rebuild_survey():
    SurveySummary.objects.all().delete()
    SummaryPeriod.objects.filter(kind=ROUND).delete()
    round_ids = list(SurveyRound.objects.values_list("pk", flat=True))
    if round_ids:
        _build_rounds(round_ids)
    return len(round_ids)


def refresh_survey(round_ids):
    """After answers of ``round_ids`` were written: rebuild those rounds."""
    if round_ids:
        _build_rounds(list(round_ids))


def answers_written(round_ids):
    """Survey answers written by villages' pages and sheets (which cannot import this app,
    hence not through :func:`changed`): the survey summary and the cached dashboards — not
    the cached headline, whose inputs (households, returns, statistics, places) answers are
    not."""
    cache.invalidate(households=False)
    refresh_survey(round_ids)


# ---- the one refresh path ------------------------------------------------------------------


def _tasks_changed(tasks):
    """Tasks touch the weekly table of their townships, from the earliest start (a task is
    not active before it starts; all built weeks when one has no start)."""
    starts = [task.starts_on for task in tasks]
    townships, since = {task.township_id for task in tasks}, min(starts) if all(starts) else None
    refresh_weekly(townships, since)
    refresh_progress_summary(townships, since)


def _reports_changed(reports):
    """Weekly reports touch their tasks' townships from the earliest report's week."""
    townships = {r.task.township_id for r in reports if ProgressReport.task.is_cached(r)}
    uncached = {r.task_id for r in reports if not ProgressReport.task.is_cached(r)}
    if uncached:
        townships |= set(Task.objects.filter(pk__in=uncached).values_list("township_id", flat=True))
    refresh_weekly(townships, min(r.week for r in reports))
    refresh_progress_summary(townships, min(r.week for r in reports))


def _households_changed(households):
    refresh_exits()


def _answers_changed(answers):
    refresh_survey({answer.round_id for answer in answers})


# The models whose rows the dashboards count, and what a change to them refreshes. A model
# added here is refreshed on every write path at once; tests/accountability/test_summaries.py
# checks that each path (services, admin, registry) goes through ``changed``.
SOURCES = {
    Task: _tasks_changed,
    ProgressReport: _reports_changed,
    Household: _households_changed,
    SurveyAnswer: _answers_changed,
}


def changed(objects, before=()):
    """The one entry for every write that can change a dashboard figure: ``objects`` are the
    rows written (as they are now, or as they were when deleted), ``before`` the same rows
    as they were before an edit (their old township or week counts too). Rows of models the
    summary tables do not count (an inspection, an action, a rating) refresh no table. Runs
    in the caller's transaction; the cached dashboards (cache.py) are invalidated in any
    case, at once and on commit — and the cached headline (the households version) too
    unless every row is one of this app's: villages' tables, the headline's only inputs,
    never refer to them, so neither writing nor deleting them can change it."""
    cache.invalidate(households=not _only_accountability([*before, *objects]))
    groups = defaultdict(list)
    for row in [*before, *objects]:
        for model in SOURCES:
            if isinstance(row, model):
                groups[model].append(row)
    refresh_progress(
        {task.pk for task in groups[Task]} | {report.task_id for report in groups[ProgressReport]}
    )
    for model, rows in groups.items():
        if rows:
            SOURCES[model](rows)


def _only_accountability(rows):
    return all(row._meta.app_label == "accountability" for row in rows)


def refresh_progress(task_ids):
    """Each of these tasks' copy of its latest report (``Task.progress_*``), after its
    reports were written, or the task itself (a full save writes the copy it was read with):
    one UPDATE per ``BATCH`` tasks."""
    task_ids = sorted(task_ids)
    for start in range(0, len(task_ids), BATCH):
        Task.objects.filter(pk__in=task_ids[start : start + BATCH]).refresh_progress()


@transaction.atomic
def rebuild():
    """Every summary table from scratch; returns the periods built per table."""
    cache.invalidate()
    Task.objects.refresh_progress()  # not a table, but a copy kept exact on the same writes
    tallies.rebuild()  # villages' counts of the survey answers (the satisfaction results)
    headline.refresh_ledger()  # villages' ledger of the households for the headline
    return {
        "weeks": rebuild_weekly(),
        "months": rebuild_exits(),
        "rounds": rebuild_survey(),
        "quarters": rebuild_progress(),
    }
