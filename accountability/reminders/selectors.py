"""Who owes what in a week (催报): the reads behind ``send_reminders``, the 提醒 panel of each
user's start page and the reminders' record page. Each uses the product's one definition:

- not reported: active in the week and without a report for it (dashboards/measures.py,
  the weekly dashboard's 本周未填报 list);
- overdue: the weekly dashboard's 逾期任务 (measures.overdue_q, by the week's end);
- past the rectification deadline: ``Finding.objects.overdue_on`` (``rectification_overdue_q``) on the
  reference day (today, or the week's end for a past week);
- households left in an open survey round: villages/satisfaction/selectors.py (pending_q).

Every function runs a fixed number of queries whatever the data size.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q

from accountability import periods
from accountability.dashboards import measures
from accountability.models import Finding, Reminder, Task
from villages import roles
from villages.models import Cadre, Township
from villages.satisfaction import selectors as satisfaction
from villages.scope import UserScope

# The panel names at most this many tasks per list; its counts count them all.
PANEL_LIMIT = 10

TASK_FIELDS = (
    "pk",
    "code",
    "title",
    "due_on",
    "township_id",
    "township__name",
    "village__name",
    "owner__name",
    "owner__user_id",
    "owner__user__email",
    "owner__user__is_active",
)
FINDING_FIELDS = (
    "pk",
    "category",
    "rectify_by",
    "inspection_id",
    "inspection__held_on",
    "inspection__township_id",
)


def reference_day(week):
    """The day a week's reminders look from: today, or the week's last day for a past week."""
    return min(periods.today(), week.end)


def unreported_tasks(week, tasks=None):
    tasks = Task.objects.all() if tasks is None else tasks
    return tasks.filter(measures.active_q(week)).filter(~measures.reported_in(week))


def overdue_tasks(week, tasks=None):
    tasks = Task.objects.all() if tasks is None else tasks
    return tasks.filter(measures.active_q(week)).filter(measures.overdue_q(week))


def overdue_findings(day):
    """Findings past their rectification deadline on ``day`` in an inspection held in a
    township (a spot check of a person names no township: nobody to remind)."""
    return Finding.objects.overdue_on(day).filter(inspection__township__isnull=False)


@dataclass
class TownshipDues:
    """Everything one township owes in a week: its weekly digest for the work group."""

    id: int
    name: str
    unreported: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    findings: list = field(default_factory=list)
    surveys: list = field(default_factory=list)  # (worker's name, [(round, left)])
    secretaries: list = field(default_factory=list)  # email addresses

    @property
    def owes(self):
        return bool(self.unreported or self.overdue or self.findings or self.surveys)


@dataclass
class UserDues:
    """What one login owes in a week: his tasks, or a survey worker's households left."""

    id: int
    name: str
    email: str
    township_id: int | None
    unreported: list = field(default_factory=list)
    overdue: list = field(default_factory=list)
    surveys: list = field(default_factory=list)  # [(round, left)]


@dataclass
class WeeklyDues:
    week: periods.Week
    day: object
    townships: dict  # id -> TownshipDues, in code order
    users: dict  # id -> UserDues


def weekly_dues(week):
    """Who owes what in ``week``, county-wide (eight queries)."""
    day = reference_day(week)
    townships = {
        t["pk"]: TownshipDues(t["pk"], t["name"])
        for t in Township.objects.order_by("code").values("pk", "name")
    }
    users = {}

    def user_dues(user_id, name, email, township_id):
        if user_id not in users:
            users[user_id] = UserDues(user_id, name, email or "", township_id)
        return users[user_id]

    order = ("township__code", "due_on", "code")
    unreported = unreported_tasks(week).order_by(*order).values(*TASK_FIELDS)
    overdue = (
        overdue_tasks(week)
        .annotate(latest_percent=measures.latest_percent(week.start))
        .order_by(*order)
        .values(*TASK_FIELDS, "latest_percent")
    )
    for kind, rows in (("unreported", unreported), ("overdue", overdue)):
        for row in rows:
            getattr(townships[row["township_id"]], kind).append(row)
            if row["owner__user_id"] and row["owner__user__is_active"]:
                dues = user_dues(
                    row["owner__user_id"], row["owner__name"], row["owner__user__email"], row["township_id"]
                )
                getattr(dues, kind).append(row)

    findings = (
        overdue_findings(day).order_by("rectify_by", "inspection_id", "category").values(*FINDING_FIELDS)
    )
    for row in findings:
        townships[row["inspection__township_id"]].findings.append(row)

    secretaries = Cadre.objects.filter(
        role=Cadre.Role.TOWNSHIP_SECRETARY, township__isnull=False, user__is_active=True
    ).exclude(user__email="")
    for row in secretaries.order_by("code").values("township_id", "user__email"):
        townships[row["township_id"]].secretaries.append(row["user__email"])

    rounds = [r for r in satisfaction.open_rounds() if r.held_on <= week.end]
    by_village = satisfaction.pending_by_village(rounds)
    workers = Cadre.objects.filter(user__groups__name=roles.SURVEY_WORKER, user__is_active=True).values(
        "user_id", "user__email", "name", "township_id", "village_id"
    )
    for worker in workers.order_by("code"):
        if worker["village_id"]:
            villages = [by_village.get(worker["village_id"], {})]
        else:
            villages = [v for v in by_village.values() if v["township_id"] == worker["township_id"]]
        left = [(r, sum(v.get(r.pk, 0) for v in villages)) for r in rounds]
        left = [(r, n) for r, n in left if n]
        if not left:
            continue
        dues = user_dues(worker["user_id"], worker["name"], worker["user__email"], worker["township_id"])
        dues.surveys = left
        if worker["township_id"] in townships:
            townships[worker["township_id"]].surveys.append((worker["name"], left))
    return WeeklyDues(week, day, townships, users)


# ---- the 提醒 panel of a user's start page -----------------------------------------------


def panel(user, list_tasks=True):
    """What ``user`` owes this week, for the 提醒 panel of his start page: his unreported and
    overdue tasks (as their owner), the overdue rectifications he answers for (a township
    secretary his township's; a county supervisor, who records 整改完成, the county's), and a
    link to the reminders' record for those who read it. At most three queries; two without
    ``list_tasks`` (the compact panel of the task list counts his tasks but names none)."""
    week = periods.Week.of(periods.today())
    scope = UserScope.of(user)
    data = {"week": week, "tasks": None, "findings": None, "findings_url_query": ""}
    cadre = scope.cadre
    if cadre is not None:
        mine = Task.objects.filter(owner=cadre)
        counts = mine.filter(measures.active_q(week)).aggregate(
            unreported=Count("pk", filter=~measures.reported_in(week)),
            overdue=Count("pk", filter=measures.overdue_q(week)),
        )
        listed = []
        if list_tasks:
            listed = (
                mine.filter(measures.active_q(week))
                .filter(~measures.reported_in(week) | measures.overdue_q(week))
                .annotate(reported=measures.reported_in(week), is_overdue=Q(measures.overdue_q(week)))
                .order_by("due_on", "code")
                .values("pk", "code", "title", "due_on", "reported", "is_overdue")[:PANEL_LIMIT]
            )
        data["tasks"] = {**counts, "listed": list(listed)}
    day = periods.today()
    if scope.role == roles.TOWNSHIP_SECRETARY and scope.township_id:
        data["findings"] = overdue_findings(day).filter(inspection__township_id=scope.township_id).count()
        data["findings_url_query"] = f"rectification=overdue&township={scope.township_id}"
    elif scope.role == roles.COUNTY_SUPERVISOR:
        data["findings"] = overdue_findings(day).count()
        data["findings_url_query"] = "rectification=overdue"
    data["reads_log"] = scope.role in (roles.ADMIN, roles.COUNTY_SUPERVISOR)
    data["empty"] = not (
        (data["tasks"] and (data["tasks"]["unreported"] or data["tasks"]["overdue"])) or data["findings"]
    )
    return data


# ---- the record page ------------------------------------------------------------------


def reminder_rows():
    """The reminders' record with everything its table shows joined (one query a page)."""
    return Reminder.objects.select_related("user", "township", "task", "requested_by")
