"""Contracts, problems, tasks and weekly progress (A2, A4, A5, A6)."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DecimalField, Exists, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThan
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accountability.periods import week_start
from villages.dates import validate_year
from villages.models import Cadre, Household, Township, Village, check_places, place_errors
from villages.scope import UserScope


class Factor(models.TextChoices):
    """六大脱贫要素 (A4)."""

    INDUSTRY = "industry", _("产业")
    PROJECT = "project", _("项目")
    INFORMATION = "information", _("信息")
    TECHNOLOGY = "technology", _("技术")
    POLICY = "policy", _("政策")
    TALENT = "talent", _("人才")


class ContractQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for contracts (villages/scope.py): the county sees all, a
        township secretary his township's contracts, a village secretary or resident cadre
        the contracts he signed himself; nobody else sees any (read-only below the county)."""
        return UserScope.of(user).filter(self, township=["township_id"], own=["signed_by_id"])


class Contract(models.Model):
    """军令状 / 责任书 (A2): signed separately by each township party committee, village
    party branch and resident work team, with targets. Their targets drive the monthly
    dashboard's percentages, so every change is kept (history) and edits are versioned."""

    class Party(models.TextChoices):
        TOWNSHIP_COMMITTEE = "township_committee", _("乡镇党委")
        VILLAGE_BRANCH = "village_branch", _("村党支部")
        WORK_TEAM = "work_team", _("驻村工作组")

    party = models.CharField(_("签订方"), max_length=32, choices=Party.choices)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
        verbose_name=_("村"),
    )
    signed_by = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("签订人")
    )
    signed_on = models.DateField(_("签订日期"), validators=[validate_year])
    target_households = models.PositiveIntegerField(_("目标脱贫户数"), default=0)
    target_people = models.PositiveIntegerField(_("目标脱贫人数"), default=0)
    target_villages = models.PositiveIntegerField(_("目标出列村数"), default=0)
    target_tasks = models.PositiveIntegerField(_("目标任务数"), default=0)
    target_funds = models.DecimalField(_("目标资金（元）"), max_digits=14, decimal_places=2, default=0)
    township_exit = models.BooleanField(_("承诺摘帽"), default=False)
    # optimistic locking: an edit saves only if the editor saw the current version
    version = models.PositiveIntegerField(_("版本"), default=1)

    # who changed which target when (the contract page shows it)
    history = HistoricalRecords()
    objects = ContractQuerySet.as_manager()

    class Meta:
        verbose_name = _("责任书（军令状）")
        verbose_name_plural = _("责任书（军令状）")
        # page actions, granted to the county supervisors' group (villages/migrations/0003)
        permissions = [("record_contract", _("可以在责任书页面录入和修改责任书"))]
        ordering = ["year", "township__code", "party"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party="township_committee", village__isnull=True)
                | (~Q(party="township_committee") & Q(village__isnull=False)),
                name="contract_village_matches_party",
                violation_error_message=_("乡镇党委的责任书不选村；村党支部和驻村工作组的责任书必须选村。"),
            ),
            # one contract per signing party per year
            models.UniqueConstraint(
                fields=["year", "township", "party"],
                condition=Q(village__isnull=True),
                name="contract_one_per_township_year",
                violation_error_message=_("该乡镇本年度已有乡镇党委责任书。"),
            ),
            models.UniqueConstraint(
                fields=["year", "village", "party"],
                condition=Q(village__isnull=False),
                name="contract_one_per_village_party_year",
                violation_error_message=_("该村本年度已有该签订方的责任书。"),
            ),
        ]

    def __str__(self):
        place = self.village or self.township
        return _("%(year)s年%(place)s%(party)s责任书") % {
            "year": self.year,
            "place": place,
            "party": self.get_party_display(),
        }

    def clean(self):
        """The village lies in the township; the signer belongs to the signing party: a
        township committee's contract is signed in its township, a village's in its village."""
        check_places(self)
        if self.signed_by_id and self.township_id:
            signer = self.signed_by
            if self.village_id and signer.village_id != self.village_id:
                raise ValidationError({"signed_by": _("签订人不属于该村。")})
            if not self.village_id and signer.township_id != self.township_id:
                raise ValidationError({"signed_by": _("签订人不属于该乡镇。")})


class ProblemQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for problems (villages/scope.py): the county sees all, a
        township secretary his township, village cadres their village."""
        return UserScope.of(user).filter(self, township=["township_id"], village=["village_id"])

    def editable_by(self, user):
        """Problems this user may close or turn into a task: his township's (A5)."""
        return UserScope.of(user).filter(self, township=["township_id"], county=False)


class Problem(models.Model):
    """问题清单 (A5): a problem found per township, village, household or person."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="problems", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("村"),
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("贫困户"),
    )
    factor = models.CharField(_("脱贫要素"), max_length=16, choices=Factor.choices)
    description = models.TextField(_("问题描述"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems_raised",
        verbose_name=_("提出人"),
    )
    raised_on = models.DateField(_("提出日期"), default=dt.date.today, validators=[validate_year])
    closed_on = models.DateField(_("解决日期"), null=True, blank=True, validators=[validate_year])
    resolution = models.TextField(_("解决情况"), blank=True, default="")

    history = HistoricalRecords()
    objects = ProblemQuerySet.as_manager()

    class Meta:
        verbose_name = _("问题")
        verbose_name_plural = _("问题清单")
        ordering = ["-raised_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("raised_on")),
                name="problem_closed_not_before_raised",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=True) | Q(village__isnull=False),
                name="problem_household_needs_village",
            ),
        ]

    def __str__(self):
        return self.description[:40]

    def clean(self):
        check_places(self)

    @property
    def is_open(self):
        return self.closed_on is None


def open_on_q(day):
    """The task is not closed out by ``day`` (never closed, or closed after it)."""
    return Q(closed_on__isnull=True) | Q(closed_on__gt=day)


def overdue_q(on, latest_percent):
    """The one definition of an overdue task (A6): its deadline is before ``on``, its latest
    percent (an expression; None when it was never reported) is below 100, and it was not
    closed out (``Task.closure``) by ``on``. The task list asks it of today and every report;
    the weekly dashboard and its summary table of a week's end and the reports up to the
    week (accountability/dashboards/measures.py)."""
    zero = Value(0, output_field=DecimalField(max_digits=5, decimal_places=1))
    return Q(due_on__lt=on) & LessThan(Coalesce(latest_percent, zero), 100) & open_on_q(on)


def reported_in_q(week):
    """The one definition of a task *reported* in the week starting ``week`` (A6): it has a
    report for that week. The weekly dashboard and its summary table ask it of every week
    (dashboards/measures.py); the task list reads it from the task's copy of its latest
    report where that decides it (tasks/selectors.py ``reported_in``)."""
    return Exists(ProgressReport.objects.filter(task=OuterRef("pk"), week=week))


# The copy of a task's latest report kept on the task (``TaskQuerySet.refresh_progress``).
PROGRESS_FIELDS = ["progress_week", "progress_percent", "progress_value"]


class TaskQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method (villages/scope.py): every view gets its tasks through it.
        Village cadres see their village's tasks and the tasks they own."""
        return UserScope.of(user).filter(
            self, township=["township_id"], village=["village_id"], own=["owner_id"]
        )

    def editable_by(self, user):
        """Tasks whose weekly report this user may file or correct: a township secretary his
        township's, a village cadre the tasks he owns; the county reads only."""
        return UserScope.of(user).filter(self, township=["township_id"], own=["owner_id"], county=False)

    def overdue(self, on):
        """Past the deadline and not complete (latest report below 100%)."""
        return self.with_latest_progress().filter(overdue_q(on, F("latest_percent")))

    def with_latest_progress(self):
        """Each task's latest report (its percent, value and week; None when it has none),
        read from the reports: three correlated subqueries a task."""
        latest = latest_report()
        return self.annotate(
            latest_percent=Subquery(latest.values("percent")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_week=Subquery(latest.values("week")[:1]),
        )

    def with_stored_progress(self):
        """The same annotations as ``with_latest_progress``, read from the copy kept on the
        task (``Task.progress_*``): no report is read. Exact because every write of a
        report refreshes it (``refresh_progress``)."""
        return self.annotate(
            latest_percent=F("progress_percent"),
            latest_value=F("progress_value"),
            latest_week=F("progress_week"),
        )

    def refresh_progress(self):
        """Copy each task's latest report onto it (``Task.progress_*``), in one UPDATE of
        these tasks. Every write of reports calls it for their tasks: through
        ``accountability.dashboards.summaries.changed`` (the report service, the admin,
        registry loads), ``rebuild_summaries`` for every task (after data was loaded behind
        the app's back: SQL, ``loaddata``) and the demo and benchmark builders. Returns the
        number of tasks updated."""
        latest = latest_report()
        return self.update(
            progress_percent=Subquery(latest.values("percent")[:1]),
            progress_value=Subquery(latest.values("value")[:1]),
            progress_week=Subquery(latest.values("week")[:1]),
        )


def latest_report():
    """The latest report of the outer task (the one with the latest week): the one
    definition of a task's latest progress, read live (``with_latest_progress``) or copied
    onto the task (``refresh_progress``)."""
    return ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-week")


class Task(models.Model):
    """责任清单 (A5): a task with an owner, a deadline and a target, for a township and
    optionally one village and household in it. A task finishes when a report reaches 100%;
    one that will not (the year is over) is closed out (``closure``, ``closed_on``): carried
    over into next year's list or closed unfinished. From then on it is neither active nor
    overdue; the weeks before keep counting it as they did."""

    class Closure(models.TextChoices):
        CARRIED_OVER = "carried_over", _("结转下年度")
        UNFINISHED = "unfinished", _("未完成结项")

    code = models.CharField(_("任务编号"), max_length=32, unique=True)
    title = models.CharField(_("任务名称"), max_length=200)
    factor = models.CharField(_("脱贫要素"), max_length=16, choices=Factor.choices)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("村")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("贫困户"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("责任书"),
    )
    problem = models.ForeignKey(
        Problem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("来源问题"),
    )
    owner = models.ForeignKey(Cadre, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("责任人"))
    starts_on = models.DateField(_("开始日期"), null=True, blank=True, validators=[validate_year])
    due_on = models.DateField(_("完成时限"), validators=[validate_year])
    target = models.DecimalField(
        _("目标值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    unit = models.CharField(_("计量单位"), max_length=16, blank=True, default="")
    closure = models.CharField(_("结项方式"), max_length=16, choices=Closure.choices, blank=True, default="")
    closed_on = models.DateField(_("结项日期"), null=True, blank=True, validators=[validate_year])
    # A copy of the task's latest report (None without one), so that 我的任务's order, its
    # counts and its rows read no report (docs/performance.md): written only by
    # ``TaskQuerySet.refresh_progress``, never by a form; not in the task's history.
    progress_week = models.DateField(_("最新填报周"), null=True, editable=False)
    progress_percent = models.DecimalField(
        _("最新完成百分比"), max_digits=5, decimal_places=1, null=True, editable=False
    )
    progress_value = models.DecimalField(
        _("最新累计完成值"), max_digits=14, decimal_places=2, null=True, editable=False
    )

    history = HistoricalRecords(excluded_fields=PROGRESS_FIELDS)
    objects = TaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ["due_on", "code"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="task_target_positive"),
            models.CheckConstraint(
                condition=Q(household__isnull=True) | Q(village__isnull=False),
                name="task_household_needs_village",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(due_on__gte=F("starts_on")),
                name="task_due_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(closure="", closed_on__isnull=True)
                | (~Q(closure="") & Q(closed_on__isnull=False)),
                name="task_closure_has_date",
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True)
                | Q(starts_on__isnull=True)
                | Q(closed_on__gte=F("starts_on")),
                name="task_closed_not_before_start",
            ),
        ]
        indexes = [
            # my tasks: a township's tasks by deadline
            models.Index(fields=["township", "due_on"], name="task_township_due_idx"),
            # the weekly dashboard's 逾期 list, earliest deadline first: read in this order,
            # its first rows are found without sorting every overdue task of a province
            models.Index(fields=["due_on"], name="task_due_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        errors = place_errors(self)
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            errors["due_on"] = _("完成时限不能早于开始日期。")
        if self.closure and self.closed_on is None:
            errors["closed_on"] = _("结项的任务须填写结项日期。")
        elif self.closed_on and not self.closure:
            errors["closure"] = _("填写了结项日期，请选择结项方式。")
        elif self.closed_on and self.starts_on and self.closed_on < self.starts_on:
            errors["closed_on"] = _("结项日期不能早于开始日期。")
        if errors:
            raise ValidationError(errors)

    def percent_for(self, value):
        """Percent of the target reached by ``value``, capped at 100."""
        if not self.target:
            return 0
        return min(100, round(value * 100 / self.target, 1))


class WeekLock(models.Model):
    """A published weekly bulletin (每周晒): once a week is locked, no report for it changes."""

    week = models.DateField(_("周（周一）"), unique=True, validators=[validate_year])
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="week_locks",
        verbose_name=_("锁定人"),
    )
    locked_at = models.DateTimeField(_("锁定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("周锁定")
        verbose_name_plural = _("周锁定")
        # page actions, granted to the county supervisors' group (villages/migrations/0003)
        permissions = [("lock_week", _("可以锁定周报"))]
        ordering = ["-week"]

    def __str__(self):
        iso = self.week.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"

    def clean(self):
        if self.week and self.week != week_start(self.week):
            raise ValidationError({"week": _("周必须以周一的日期表示。")})


class ProgressReport(models.Model):
    """每周晒任务进度 (A6): one report per task per ISO week. Every change is kept (audit
    history); ``version`` guards against lost updates (optimistic locking)."""

    # PROTECT: a task reported on is part of the record (a task no longer worked on is closed
    # out at the year's end, Task.closure); deleting it would delete its reports silently
    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports", verbose_name=_("任务"))
    week = models.DateField(_("周（周一）"), validators=[validate_year])
    value = models.DecimalField(
        _("累计完成值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    percent = models.DecimalField(
        _("完成百分比"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    note = models.TextField(_("进展与困难"), blank=True, default="")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="progress_reports",
        verbose_name=_("填报人"),
    )
    created_at = models.DateTimeField(_("填报时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("周进度")
        verbose_name_plural = _("周进度")
        ordering = ["-week"]
        constraints = [
            models.UniqueConstraint(fields=["task", "week"], name="progress_one_per_task_week"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="progress_percent_0_100"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="progress_value_not_negative"),
            models.CheckConstraint(condition=Q(version__gte=1), name="progress_version_positive"),
        ]
        indexes = [
            # weekly dashboard: all reports of one week
            models.Index(fields=["week"], name="progress_week_idx"),
            # "complete by a week" (a report reached 100%: dashboards/measures.complete_by):
            # the few complete reports, not every report of the year
            models.Index(
                fields=["task", "week"], condition=Q(percent__gte=100), name="progress_complete_idx"
            ),
        ]

    def __str__(self):
        iso = self.week.isocalendar()
        return f"{self.task.code} {iso.year}-W{iso.week:02d}: {self.percent}%"

    def clean(self):
        if self.week and self.week != week_start(self.week):
            raise ValidationError({"week": _("周必须以周一的日期表示。")})


def evidence_path(instance, filename):
    return f"evidence/{instance.report.task_id}/{instance.report.week:%Y%m%d}/{filename}"


class Evidence(models.Model):
    """A photo or PDF attached to a weekly report."""

    ALLOWED_EXTENSIONS = ["jpg", "jpeg", "png", "pdf"]
    IMAGE_EXTENSIONS = ["jpg", "jpeg", "png"]
    # a stored file (a PDF as uploaded, a photo after downscaling: tasks/photos.py)
    MAX_BYTES = 5 * 1024 * 1024
    # an uploaded photo: larger ones than MAX_BYTES are downscaled, not refused
    MAX_IMAGE_BYTES = 20 * 1024 * 1024

    report = models.ForeignKey(
        ProgressReport, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("周进度")
    )
    file = models.FileField(
        _("文件"), upload_to=evidence_path, validators=[FileExtensionValidator(ALLOWED_EXTENSIONS)]
    )
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence_uploaded",
        verbose_name=_("上传人"),
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at"]

    def __str__(self):
        return self.name
