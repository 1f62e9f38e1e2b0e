"""Reads shared by the task, report and problem pages. Every queryset starts from the one
scoping method (``for_user``) and already carries what its page shows (``select_related``,
``annotate``, ``prefetch_related``), so a page's query count does not grow with the data."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Value,
    When,
)
from django.utils.translation import gettext_lazy as _

from accountability import periods
from accountability.models import Evidence, Problem, ProgressReport, Task, WeekLock
from accountability.models.tasks import open_on_q, overdue_q, reported_in_q
from chishui.sql import plain_rows, quote
from villages.scope import UserScope


class Status(models.TextChoices):
    """A task's state, derived from its latest report (the ``status`` annotation of
    ``tasks_for_list``)."""

    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("进行中")
    DONE = "done", _("已完成")


class Urgency(models.IntegerChoices):
    """Where a task stands in this week's work (the ``urgency`` annotation of
    ``tasks_for_list``): the order of 我的任务."""

    TO_REPORT = 0, _("本周待填报")  # started, unfinished, not overdue, not reported this week
    OVERDUE = 1, _("已逾期")
    OTHER = 2, _("其他")  # reported this week already, or not started yet
    DONE = 3, _("已完成")
    CLOSED = 4, _("已结项")  # closed out unfinished at a year's end (Task.closure): nothing to report


def reported_in(week):
    """``reported_in_q(week)`` (models/tasks.py) answered from the copy of the task's latest
    report where it can: no report if its latest is earlier (or it has none), one if its
    latest is of ``week``; only a task reported beyond ``week`` (a later week's data) reads
    its reports."""
    return Case(
        When(Q(progress_week__isnull=True) | Q(progress_week__lt=week), then=Value(False)),
        When(progress_week=week, then=Value(True)),
        default=reported_in_q(week),
        output_field=BooleanField(),
    )


def tasks_for_list(user, today=None):
    """The user's tasks with latest progress (the copy kept on each task: no report is
    read), this week's report status, status, the overdue
    flag and the urgency, computed in the database, in the order of this week's work: to
    report this week first, then overdue, then the rest, finished and then closed-out tasks
    last (each by deadline)."""
    today = today or periods.today()
    this_week = periods.week_start(today)
    week_end = this_week + dt.timedelta(days=6)
    return (
        Task.objects.for_user(user)
        .with_stored_progress()
        .annotate(
            reported_this_week=reported_in(this_week),
            status=Case(
                When(
                    Q(latest_percent__isnull=True) | Q(latest_percent__lte=0), then=Value(Status.NOT_STARTED)
                ),
                When(latest_percent__gte=100, then=Value(Status.DONE)),
                default=Value(Status.IN_PROGRESS),
                output_field=CharField(),
            ),
            is_overdue=Case(
                When(overdue_q(today, F("latest_percent")), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
        .annotate(
            urgency=Case(
                When(latest_percent__gte=100, then=Value(Urgency.DONE)),
                When(~open_on_q(today), then=Value(Urgency.CLOSED)),
                When(is_overdue=True, then=Value(Urgency.OVERDUE)),
                When(
                    Q(reported_this_week=False) & (Q(starts_on__isnull=True) | Q(starts_on__lte=week_end)),
                    then=Value(Urgency.TO_REPORT),
                ),
                default=Value(Urgency.OTHER),
                output_field=IntegerField(),
            )
        )
        .select_related("township", "village", "owner")
        .order_by("urgency", "due_on", "code")
    )


def page_of(rows, page):
    """The tasks of ``page`` (a slice of ``rows``, ``tasks_for_list`` in the list's order) with
    everything the list shows, still in one query: the slice is taken over the tasks alone
    (their order needs each task's urgency, not its township, village or owner), and only the
    page's rows are then joined and annotated (docs/performance.md)."""
    return rows.filter(pk__in=page.values("pk"))


def urgency_counts(rows):
    """How many of ``rows`` (``tasks_for_list``) there are of each urgency, ``{urgency: n}``,
    in one query. Grouped over a subquery of the rows' urgencies: PostgreSQL cannot tell how
    few values the urgency's ``CASE`` takes (it guesses one a task), and grouping by it
    directly sorted every task, on disk for a province's 76,500 (81 ms); over the
    subquery's column it hashes them (21 ms)."""
    urgencies = rows.order_by().values("urgency")
    query = (
        f"SELECT {quote('urgency')}, COUNT(*) FROM ({{query}}) {quote('tasks')} GROUP BY {quote('urgency')}"
    )
    return dict(plain_rows(urgencies, query))


def week_counts(by_urgency):
    """The counts at the top of 我的任务: how many tasks are to report this week and how many
    are overdue, of ``urgency_counts``."""
    return {"to_report": by_urgency.get(Urgency.TO_REPORT, 0), "overdue": by_urgency.get(Urgency.OVERDUE, 0)}


# How many tasks a page read in deadline order may pass over (about 20 ms at most on a
# province): a page further into its urgency sorts every task's urgency instead
DEADLINE_ORDER_READ = 5000


def page_in_deadline_order(rows, by_urgency, low, high):
    """The tasks ``low`` to ``high`` of ``rows`` (``tasks_for_list``, in its own order, and
    ``by_urgency``: its ``urgency_counts``), read in the order of the deadline index: when
    they are all of one urgency, that urgency's tasks by deadline from the page's place
    among them, the first rows of an index scan instead of every task's urgency worked out
    and sorted. None (sort them all) when the page straddles two urgencies, or lies so deep
    into its urgency that the scan would pass over more than ``DEADLINE_ORDER_READ`` tasks."""
    total = sum(by_urgency.values())
    before = 0
    for urgency in sorted(by_urgency):
        n = by_urgency[urgency]
        if low < before + n:
            if high > before + n or (high - before) * total > DEADLINE_ORDER_READ * n:
                return None
            return rows.filter(urgency=urgency).order_by("due_on", "code")[low - before : high - before]
        before += n
    return None


def scope_key(user):
    """What of ``user`` decides which tasks ``tasks_for_list`` gives him (``for_user``: the
    county, or his township, village and own tasks), and so the task list he sees: viewers
    with the same key see the same list and may share its cached copy."""
    scope = UserScope.of(user)
    if scope.sees_county:
        return ("county",)
    return (scope.township_id, scope.village_id, scope.own_cadre_id)


def task_for_page(user, pk):
    """One task the user may see (``Task.DoesNotExist`` otherwise), with what its page shows."""
    return tasks_for_list(user).select_related("household", "problem", "contract").get(pk=pk)


def reports_for_task(task):
    """The task's weekly reports, newest week first, with reporter, lock state and evidence."""
    return (
        task.reports.select_related("reporter")
        .annotate(locked=Exists(WeekLock.objects.filter(week=OuterRef("week"))))
        .prefetch_related(
            Prefetch(
                "evidence", queryset=Evidence.objects.select_related("uploaded_by").order_by("uploaded_at")
            )
        )
        .order_by("-week")
    )


HISTORY_FIELDS = ("value", "percent", "note")


@dataclass
class HistoryEntry:
    record: object
    week: periods.Week
    action: str
    changes: list = field(default_factory=list)  # (field label, old, new)


def report_history(task):
    """Every saved state of every report of ``task`` (audit history), newest first, with who,
    when and which of value, percent and note changed (django-simple-history's
    ``diff_against`` on the report's previous state). One query."""
    records = list(
        ProgressReport.history.filter(task_id=task.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    labels = {name: ProgressReport._meta.get_field(name).verbose_name for name in HISTORY_FIELDS}
    previous = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        changes = []
        if record.history_type == "+":
            action = _("新填报")
            changes = [(name, None, getattr(record, name)) for name in HISTORY_FIELDS]
        elif record.history_type == "-":
            action = _("删除")
        elif before is None:  # a change whose earlier state was never recorded
            action = _("修改")
            changes = [(name, None, getattr(record, name)) for name in HISTORY_FIELDS]
            changes = [change for change in changes if change[2] is not None]
        else:
            action = _("修改")
            delta = record.diff_against(before, included_fields=HISTORY_FIELDS)
            changes = [(change.field, change.old, change.new) for change in delta.changes]
        changes.sort(key=lambda change: HISTORY_FIELDS.index(change[0]))  # value, percent, note
        labelled = [(labels[name], old, new) for name, old, new in changes]
        entries.append(HistoryEntry(record, periods.Week.of(record.week), action, labelled))
        previous[record.id] = record
    entries.reverse()
    return entries


# 0 for an open problem, 1 for a closed one: sorts open problems first on every database
OPEN_FIRST = Case(When(closed_on__isnull=True, then=Value(0)), default=Value(1))
NEWEST_PROBLEMS = ("-raised_on", "-id")


def problems_for_list(user):
    """The user's problem list with place, who raised it and how many tasks it became: open
    problems first, newest first in each group."""
    return (
        Problem.objects.for_user(user)
        .select_related("township", "village", "raised_by")
        .annotate(task_count=Count("tasks"))
        .order_by(OPEN_FIRST, *NEWEST_PROBLEMS)
    )


def problem_for_page(user, pk):
    return (
        Problem.objects.for_user(user)
        .select_related("township", "village", "household", "raised_by")
        .get(pk=pk)
    )
