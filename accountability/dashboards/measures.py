"""How the weekly dashboard counts (A6 每周晒任务进度): the task-level conditions and
aggregates shared by the live queries (selectors.py) and the summary tables (summaries.py),
so that both count the same way.

A task is *active* in a week when it started by the week's end (or has no start date) and
is either not yet due at the week's start or not complete (no report up to that week
reached 100%), and was not closed out (``Task.closure``) before the week. *Due*: the
deadline falls in the week. *Reported*: it has a report for that week. *Overdue*: deadline
before the week's end, latest percent below 100 and not closed out by then.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from accountability.models import ProgressReport
from accountability.models.tasks import open_on_q, reported_in_q
from accountability.models.tasks import overdue_q as task_overdue_q

# The weekly dashboard's trend covers this many weeks up to the week shown.
TREND_WEEKS = 12

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=14, decimal_places=2))


def complete_by(week):
    """A task is complete by a week once a report up to that week reached 100%."""
    return Exists(ProgressReport.objects.filter(task=OuterRef("pk"), week__lte=week.start, percent__gte=100))


def active_q(week):
    return (
        (Q(starts_on__isnull=True) | Q(starts_on__lte=week.end))
        & (Q(due_on__gte=week.start) | ~complete_by(week))
        & open_on_q(week.start - dt.timedelta(days=1))
    )


def reported_in(week):
    return reported_in_q(week.start)


def latest_percent(day):
    """The percent of a task's latest report up to ``day`` (0 when never reported)."""
    latest = ProgressReport.objects.filter(task=OuterRef("pk"), week__lte=day).order_by("-week")
    return Coalesce(Subquery(latest.values("percent")[:1]), ZERO)


def started_by(day):
    """Tasks started by ``day`` (or without a start date): the quarterly league's progress."""
    return Q(starts_on__isnull=True) | Q(starts_on__lte=day)


def progress_aggregates(day):
    """The quarterly league's progress of a group of tasks started by ``day``: their number
    and the sum of their latest percent up to ``day``; the progress is the one over the other
    (``progress``)."""
    return {"tasks": Count("pk"), "percent_sum": Sum(latest_percent(day))}


def progress(row):
    """The average latest percent of a row of ``progress_aggregates`` (None without tasks)."""
    return row["percent_sum"] / row["tasks"] if row["tasks"] else None


def overdue_q(week):
    """Overdue by the week's end, as the reports up to the week show (models.tasks.overdue_q)."""
    return task_overdue_q(week.end, latest_percent(week.start))


def week_aggregates(week):
    """Aggregates over the tasks active in ``week``. The conditions are expressions, not
    annotations: aggregating over annotations makes Django wrap the query in a subquery
    that loses them."""
    return {
        "active": Count("pk"),
        "due": Count("pk", filter=Q(due_on__gte=week.start, due_on__lte=week.end)),
        "reported": Count("pk", filter=reported_in(week)),
        "overdue": Count("pk", filter=overdue_q(week)),
        "percent_sum": Sum(latest_percent(week.start)),
    }
