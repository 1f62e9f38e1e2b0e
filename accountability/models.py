"""What was promised, done, checked and judged: mechanism A (干部定责), C2 and C4 of DOMAIN.md."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villages import roles
from villages.models import Cadre, Household, LivelihoodItem, SurveyRound, Township, Village

from .periods import week_start


class Factor(models.TextChoices):
    """六大脱贫要素 (A4)."""

    INDUSTRY = "industry", _("产业")
    PROJECT = "project", _("项目")
    INFORMATION = "information", _("信息")
    TECHNOLOGY = "technology", _("技术")
    POLICY = "policy", _("政策")
    TALENT = "talent", _("人才")


class Rank(models.TextChoices):
    """Rank class of a cadre held to account (A9 spot checks, A10)."""

    UNIT_HEAD = "unit_head", _("单位主要领导（一把手）")
    SECTION_LEVEL = "section_level", _("科级领导干部")
    ORDINARY = "ordinary", _("一般干部")


class Contract(models.Model):
    """军令状 / 责任书 (A2): signed separately by each township party committee, village
    party branch and resident work team, with targets."""

    class Party(models.TextChoices):
        TOWNSHIP_COMMITTEE = "township_committee", _("乡镇党委")
        VILLAGE_BRANCH = "village_branch", _("村党支部")
        WORK_TEAM = "work_team", _("驻村工作组")

    party = models.CharField(_("签订方"), max_length=32, choices=Party.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
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
    signed_on = models.DateField(_("签订日期"))
    target_households = models.PositiveIntegerField(_("目标脱贫户数"), default=0)
    target_people = models.PositiveIntegerField(_("目标脱贫人数"), default=0)
    target_villages = models.PositiveIntegerField(_("目标出列村数"), default=0)
    target_tasks = models.PositiveIntegerField(_("目标任务数"), default=0)
    target_funds = models.DecimalField(_("目标资金（元）"), max_digits=14, decimal_places=2, default=0)
    township_exit = models.BooleanField(_("承诺摘帽"), default=False)

    class Meta:
        verbose_name = _("责任书（军令状）")
        verbose_name_plural = _("责任书（军令状）")
        ordering = ["year", "township__code", "party"]
        constraints = [
            models.CheckConstraint(
                condition=Q(party="township_committee", village__isnull=True)
                | (~Q(party="township_committee") & Q(village__isnull=False)),
                name="contract_village_matches_party",
            ),
            # one contract per signing party per year
            models.UniqueConstraint(
                fields=["year", "township", "party"],
                condition=Q(village__isnull=True),
                name="contract_one_per_township_year",
            ),
            models.UniqueConstraint(
                fields=["year", "village", "party"],
                condition=Q(village__isnull=False),
                name="contract_one_per_village_party_year",
            ),
        ]

    def __str__(self):
        place = self.village or self.township
        return _("%(year)s年%(place)s%(party)s责任书") % {
            "year": self.year,
            "place": place,
            "party": self.get_party_display(),
        }


class ProblemQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for problems, the same rule as ``TaskQuerySet.for_user``:
        the county sees all, a township secretary his township, village cadres their village."""
        role = roles.role_of(user)
        if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        if role == roles.TOWNSHIP_SECRETARY and cadre.township_id:
            return self.filter(township_id=cadre.township_id)
        if role in (roles.VILLAGE_SECRETARY, roles.RESIDENT_CADRE) and cadre.village_id:
            return self.filter(village_id=cadre.village_id)
        return self.none()

    def editable_by(self, user):
        """Problems this user may close or turn into a task: his township's (A5)."""
        cadre = roles.cadre_of(user)
        if roles.role_of(user) == roles.TOWNSHIP_SECRETARY and cadre and cadre.township_id:
            return self.filter(township_id=cadre.township_id)
        return self.none()


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
    raised_on = models.DateField(_("提出日期"), default=dt.date.today)
    closed_on = models.DateField(_("解决日期"), null=True, blank=True)
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

    @property
    def is_open(self):
        return self.closed_on is None


class TaskQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method: every view gets its tasks through it."""
        role = roles.role_of(user)
        if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        if role == roles.TOWNSHIP_SECRETARY and cadre.township_id:
            return self.filter(township_id=cadre.township_id)
        if role in (roles.VILLAGE_SECRETARY, roles.RESIDENT_CADRE):
            scope = Q(owner=cadre)
            if cadre.village_id:
                scope |= Q(village_id=cadre.village_id)
            return self.filter(scope)
        return self.none()

    def editable_by(self, user):
        """Tasks whose weekly report this user may file or correct."""
        role = roles.role_of(user)
        if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
            return self.none()
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        if role == roles.TOWNSHIP_SECRETARY and cadre.township_id:
            return self.filter(township_id=cadre.township_id)
        if role in (roles.VILLAGE_SECRETARY, roles.RESIDENT_CADRE):
            return self.filter(owner=cadre)
        return self.none()

    def overdue(self, on):
        """Past the deadline and not complete (latest report below 100%)."""
        return self.with_latest_progress().filter(due_on__lt=on).exclude(latest_percent__gte=100)

    def with_latest_progress(self):
        latest = ProgressReport.objects.filter(task=OuterRef("pk")).order_by("-week")
        return self.annotate(
            latest_percent=Subquery(latest.values("percent")[:1]),
            latest_value=Subquery(latest.values("value")[:1]),
            latest_week=Subquery(latest.values("week")[:1]),
        )


class Task(models.Model):
    """责任清单 (A5): a task with an owner, a deadline and a target, for a township and
    optionally one village and household in it."""

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
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_on = models.DateField(_("完成时限"))
    target = models.DecimalField(
        _("目标值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    unit = models.CharField(_("计量单位"), max_length=16, blank=True, default="")

    history = HistoricalRecords()
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
        ]
        indexes = [
            # my tasks: a township's tasks by deadline
            models.Index(fields=["township", "due_on"], name="task_township_due_idx"),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        errors = {}
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = _("该村不属于任务所在乡镇。")
        if self.household_id and self.village_id and self.household.village_id != self.village_id:
            errors["household"] = _("该户不属于任务所在村。")
        if self.household_id and not self.village_id:
            errors["household"] = _("指定贫困户时必须指定村。")
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            errors["due_on"] = _("完成时限不能早于开始日期。")
        if errors:
            raise ValidationError(errors)

    def percent_for(self, value):
        """Percent of the target reached by ``value``, capped at 100."""
        if not self.target:
            return 0
        return min(100, round(value * 100 / self.target, 1))


class WeekLock(models.Model):
    """A published weekly bulletin (每周晒): once a week is locked, no report for it changes."""

    week = models.DateField(_("周（周一）"), unique=True)
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

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports", verbose_name=_("任务"))
    week = models.DateField(_("周（周一）"))
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
    MAX_BYTES = 5 * 1024 * 1024

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


class EvaluationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for ratings (A3): the county sees all, a township secretary
        the ratings of his township's villages and their cadres, a village secretary his
        village's, a resident cadre the ratings he received."""
        role = roles.role_of(user)
        if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
            return self
        cadre = roles.cadre_of(user)
        if cadre is None:
            return self.none()
        if role == roles.TOWNSHIP_SECRETARY and cadre.township_id:
            return self.filter(village__township_id=cadre.township_id)
        if role == roles.VILLAGE_SECRETARY and cadre.village_id:
            return self.filter(village_id=cadre.village_id)
        if role == roles.RESIDENT_CADRE:
            return self.filter(cadre=cadre)
        return self.none()


class Evaluation(models.Model):
    """业绩下评 (A3) in the review cycle (A8): the township rates each village party
    organization; the village party organization rates each resident cadre."""

    class Level(models.TextChoices):
        TOWNSHIP_RATES_VILLAGE = "township_village", _("乡镇评定村级党组织")
        VILLAGE_RATES_CADRE = "village_cadre", _("村级党组织评定驻村干部")

    class Cycle(models.TextChoices):
        QUARTERLY = "quarterly", _("季度测评")
        HALF_YEAR = "half_year", _("半年研判")
        ANNUAL = "annual", _("全年述职")

    class Grade(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        GOOD = "good", _("良好")
        QUALIFIED = "qualified", _("合格")
        UNQUALIFIED = "unqualified", _("不合格")

    level = models.CharField(_("评定层级"), max_length=32, choices=Level.choices)
    cycle = models.CharField(_("测评类型"), max_length=16, choices=Cycle.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    period = models.PositiveSmallIntegerField(_("期次"), help_text=_("季度1–4，半年1–2，全年1"))
    evaluator = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="evaluations_given", verbose_name=_("评定人")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="evaluations", verbose_name=_("村")
    )
    cadre = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations_received",
        verbose_name=_("被评定干部"),
    )
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    grade = models.CharField(_("等次"), max_length=16, choices=Grade.choices)
    comment = models.TextField(_("评语"), blank=True, default="")
    evaluated_on = models.DateField(_("评定日期"))
    # optimistic locking: a second rating of the same subject and period updates the first
    # only if the rater saw its current version
    version = models.PositiveIntegerField(_("版本"), default=1)

    # who rated and who changed a rating, with the scores it had before
    history = HistoricalRecords()
    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("业绩评定")
        verbose_name_plural = _("业绩评定")
        ordering = ["-year", "cycle", "period"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=100), name="evaluation_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(level="township_village", cadre__isnull=True)
                | Q(level="village_cadre", cadre__isnull=False),
                name="evaluation_subject_matches_level",
            ),
            models.CheckConstraint(
                condition=Q(cycle="quarterly", period__gte=1, period__lte=4)
                | Q(cycle="half_year", period__gte=1, period__lte=2)
                | Q(cycle="annual", period=1),
                name="evaluation_period_matches_cycle",
            ),
            models.UniqueConstraint(
                fields=["level", "cycle", "year", "period", "village"],
                condition=Q(cadre__isnull=True),
                name="evaluation_one_per_village_period",
            ),
            models.UniqueConstraint(
                fields=["level", "cycle", "year", "period", "cadre"],
                condition=Q(cadre__isnull=False),
                name="evaluation_one_per_cadre_period",
            ),
        ]

    def __str__(self):
        subject = self.cadre or self.village
        return f"{self.year} {self.get_cycle_display()} {subject}: {self.score}"


class InspectionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for inspections: the county sees all, a township secretary
        the inspections held in his township (read-only); nobody else sees them."""
        role = roles.role_of(user)
        if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
            return self
        cadre = roles.cadre_of(user)
        if role == roles.TOWNSHIP_SECRETARY and cadre and cadre.township_id:
            return self.filter(Q(township_id=cadre.township_id) | Q(village__township_id=cadre.township_id))
        return self.none()


class Inspection(models.Model):
    """督查 (A7–A9): the five must-checks, the five spot-checks down the hierarchy, and
    unannounced inspections (暗查)."""

    class Kind(models.TextChoices):
        MUST_CHECK = "must_check", _("五必查")
        SPOT_CHECK = "spot_check", _("五抽查")
        UNANNOUNCED = "unannounced", _("不定期暗查")

    class SpotLevel(models.TextChoices):
        CITY_LEADERS = "city_leaders", _("市委领导抽查市督查组")
        SUPERVISION_BUREAU = "supervision_bureau", _("市督查局抽查单位主要领导")
        UNIT_HEADS = "unit_heads", _("单位主要领导抽查分管领导")
        DEPUTIES = "deputies", _("分管领导抽查股级干部")
        SECTION_CADRES = "section_cadres", _("股级干部抽查一般干部")

    kind = models.CharField(_("督查类型"), max_length=16, choices=Kind.choices)
    spot_level = models.CharField(
        _("抽查层级"), max_length=32, choices=SpotLevel.choices, blank=True, default=""
    )
    held_on = models.DateField(_("督查日期"))
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("乡镇"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
        verbose_name=_("村"),
    )
    inspector = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections_made",
        verbose_name=_("督查人"),
    )
    inspected_cadre = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections_received",
        verbose_name=_("被抽查干部"),
    )
    summary = models.TextField(_("督查情况"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inspections_recorded",
        verbose_name=_("录入人"),
    )

    history = HistoricalRecords()
    objects = InspectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("督查")
        verbose_name_plural = _("督查")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="spot_check", spot_level__gt="")
                | (~Q(kind="spot_check") & Q(spot_level="")),
                name="inspection_spot_level_iff_spot_check",
            ),
        ]
        indexes = [
            # quarterly dashboard: inspections held in a period
            models.Index(fields=["held_on"], name="inspection_held_on_idx"),
        ]

    def __str__(self):
        place = self.village or self.township or ""
        return f"{self.held_on} {self.get_kind_display()} {place}"


class Finding(models.Model):
    """A finding of an inspection, in one of the five must-check categories (五必查)."""

    class Category(models.TextChoices):
        IDENTIFICATION = "identification", _("精准识别情况")
        PROJECT_INTEGRATION = "project_integration", _("项目整合情况")
        TASK_PROGRESS = "task_progress", _("任务推进情况")
        CADRES_ON_POST = "cadres_on_post", _("干部到位情况")
        FUNDS_USE = "funds_use", _("资金使用情况")

    class Severity(models.TextChoices):
        OK = "ok", _("未发现问题")
        MINOR = "minor", _("一般问题")
        SERIOUS = "serious", _("严重问题")

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="findings", verbose_name=_("督查")
    )
    category = models.CharField(_("必查类别"), max_length=32, choices=Category.choices)
    severity = models.CharField(_("问题程度"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("发现情况"), blank=True, default="")
    rectify_by = models.DateField(_("整改时限"), null=True, blank=True)
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True)

    # who recorded the finding and who recorded its 整改完成
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("督查发现")
        verbose_name_plural = _("督查发现")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "category"], name="finding_one_per_category"),
        ]

    class Rectification(models.TextChoices):
        """整改 state of a finding with a problem (A9)."""

        OPEN = "open", _("未整改")
        OVERDUE = "overdue", _("逾期未整改")
        RECTIFIED = "rectified", _("已整改")

    def __str__(self):
        return f"{self.get_category_display()}: {self.get_severity_display()}"

    def clean(self):
        errors = {}
        if self.rectified_on and self.severity == self.Severity.OK:
            errors["rectified_on"] = _("该类别未发现问题，无需整改。")
        elif self.rectified_on and self.inspection_id and self.rectified_on < self.inspection.held_on:
            errors["rectified_on"] = _("整改完成日期不能早于督查日期（%(date)s）。") % {
                "date": self.inspection.held_on.isoformat()
            }
        if errors:
            raise ValidationError(errors)

    @property
    def has_problem(self):
        return self.severity in (self.Severity.MINOR, self.Severity.SERIOUS)

    def rectification_on(self, day):
        """The 整改 state on ``day``: rectified, overdue (deadline passed) or open; None for
        a category without a problem."""
        if not self.has_problem:
            return None
        if self.rectified_on:
            return self.Rectification.RECTIFIED
        if self.rectify_by and self.rectify_by < day:
            return self.Rectification.OVERDUE
        return self.Rectification.OPEN


class AccountabilityActionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for accountability actions: the county sees all, a township
        secretary the actions on his township's cadres (read-only); nobody else sees them."""
        role = roles.role_of(user)
        if role in (roles.ADMIN, roles.COUNTY_SUPERVISOR):
            return self
        cadre = roles.cadre_of(user)
        if role == roles.TOWNSHIP_SECRETARY and cadre and cadre.township_id:
            return self.filter(cadre__township_id=cadre.township_id)
        return self.none()


class AccountabilityAction(models.Model):
    """作风问责 (A7, A10, C4): a warning talk, criticism, organizational handling or a
    one-vote veto on a cadre, with his rank class."""

    class Kind(models.TextChoices):
        WARNING_TALK = "warning_talk", _("警示约谈")
        CRITICISM = "criticism", _("通报批评")
        ORG_HANDLING = "org_handling", _("组织处理")
        ONE_VOTE_VETO = "one_vote_veto", _("一票否决")

    kind = models.CharField(_("问责方式"), max_length=16, choices=Kind.choices)
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="accountability_actions", verbose_name=_("被问责干部")
    )
    rank = models.CharField(_("职级类别"), max_length=16, choices=Rank.choices)
    decided_on = models.DateField(_("决定日期"))
    reason = models.TextField(_("事由"))
    inspection = models.ForeignKey(
        Inspection,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("来源督查"),
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
        verbose_name=_("相关任务"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_recorded",
        verbose_name=_("录入人"),
    )

    history = HistoricalRecords()
    objects = AccountabilityActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("问责")
        verbose_name_plural = _("问责")
        ordering = ["-decided_on", "-id"]
        indexes = [
            # quarterly dashboard and A10 totals: actions decided in a period
            models.Index(fields=["decided_on", "kind"], name="action_decided_kind_idx"),
        ]

    def __str__(self):
        return f"{self.decided_on} {self.get_kind_display()} {self.cadre.name}"


class Commendation(models.Model):
    """C4: strong performers are commended and promoted first (B3: 16 promoted)."""

    class Kind(models.TextChoices):
        COMMENDED = "commended", _("表彰")
        PROMOTED = "promoted", _("提拔")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="commendations", verbose_name=_("干部")
    )
    decided_on = models.DateField(_("日期"))
    title = models.CharField(_("荣誉或职务"), max_length=128)

    class Meta:
        verbose_name = _("表彰提拔")
        verbose_name_plural = _("表彰提拔")
        ordering = ["-decided_on"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cadre.name}"


class YearEndScore(models.Model):
    """年终考评 (C2, C4): a township's or a cadre's year-end score. Satisfaction weighs
    12%; a one-vote veto makes the rating "unqualified" whatever the score."""

    SATISFACTION_WEIGHT = 12  # percent of the total (C2)

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职（合格）")
        BASIC = "basic", _("基本称职")
        UNQUALIFIED = "unqualified", _("不称职（不合格）")

    year = models.PositiveSmallIntegerField(_("年度"))
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="year_end_scores",
        verbose_name=_("乡镇"),
    )
    cadre = models.ForeignKey(
        Cadre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="year_end_scores",
        verbose_name=_("干部"),
    )
    work_score = models.DecimalField(
        _("工作实绩得分"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    satisfaction_score = models.DecimalField(
        _("群众满意度得分"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    rating = models.CharField(_("评定等次"), max_length=16, choices=Rating.choices)

    class Meta:
        verbose_name = _("年终考评")
        verbose_name_plural = _("年终考评")
        ordering = ["-year", "-total"]
        constraints = [
            models.CheckConstraint(
                condition=Q(township__isnull=False, cadre__isnull=True)
                | Q(township__isnull=True, cadre__isnull=False),
                name="yearend_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(
                    work_score__gte=0,
                    work_score__lte=100,
                    satisfaction_score__gte=0,
                    satisfaction_score__lte=100,
                ),
                name="yearend_scores_0_100",
            ),
            models.CheckConstraint(
                condition=Q(vetoed=False) | Q(rating="unqualified"), name="yearend_veto_means_unqualified"
            ),
            models.UniqueConstraint(
                fields=["year", "township"],
                condition=Q(township__isnull=False),
                name="yearend_one_per_township_year",
            ),
            models.UniqueConstraint(
                fields=["year", "cadre"], condition=Q(cadre__isnull=False), name="yearend_one_per_cadre_year"
            ),
        ]

    def __str__(self):
        return f"{self.year} {self.township or self.cadre}: {self.total}"

    @classmethod
    def combine(cls, work_score, satisfaction_score):
        """Total with satisfaction weighted 12% (C2)."""
        w = cls.SATISFACTION_WEIGHT
        return round((work_score * (100 - w) + satisfaction_score * w) / 100, 1)


class Exposure(models.Model):
    """电视问政 (A7): delayed projects and lagging work exposed on television, and good
    practice reported."""

    class Kind(models.TextChoices):
        EXPOSED = "exposed", _("曝光滞后")
        PRAISED = "praised", _("报道经验")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    aired_on = models.DateField(_("播出日期"))
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="exposures", verbose_name=_("乡镇")
    )
    task = models.ForeignKey(
        Task,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exposures",
        verbose_name=_("任务"),
    )
    title = models.CharField(_("标题"), max_length=200)

    class Meta:
        verbose_name = _("电视问政")
        verbose_name_plural = _("电视问政")
        ordering = ["-aired_on"]

    def __str__(self):
        return self.title


# ---- Summary tables ----------------------------------------------------------------------
# Analytics tables in the manner of DHIS2's: per period and township, what the county-level
# dashboards would otherwise aggregate over every task, report, household and survey answer.
# accountability/summaries.py builds them (``manage.py rebuild_summaries``) and keeps them
# exact on every write that changes them; the selectors read them only for periods marked
# as built (SummaryPeriod), and fall back to the live queries otherwise.


class SummaryPeriod(models.Model):
    """A period for which a summary table is built (rows may be absent: absent means zero)."""

    class Kind(models.TextChoices):
        WEEK = "week", _("周")
        MONTH = "month", _("月")
        ROUND = "round", _("测评轮次")

    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("期间"), max_length=16)

    class Meta:
        verbose_name = _("汇总期间")
        verbose_name_plural = _("汇总期间")
        ordering = ["kind", "key"]
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="summaryperiod_unique")]

    def __str__(self):
        return f"{self.kind} {self.key}"


class WeeklySummary(models.Model):
    """Weekly dashboard (A6) per township and ISO week: tasks active, due, reported and
    overdue, the sum of active tasks' latest percent, and the reports filed that week."""

    week = models.DateField(_("周（周一）"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    active = models.PositiveIntegerField(_("在办任务"))
    due = models.PositiveIntegerField(_("本周到期"))
    reported = models.PositiveIntegerField(_("已填报"))
    overdue = models.PositiveIntegerField(_("逾期任务"))
    percent_sum = models.DecimalField(_("最新进度合计"), max_digits=14, decimal_places=2)
    reports = models.PositiveIntegerField(_("本周填报数"))
    report_percent_sum = models.DecimalField(_("本周填报进度合计"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("周汇总")
        verbose_name_plural = _("周汇总")
        constraints = [
            models.UniqueConstraint(fields=["week", "township"], name="weeklysummary_unique"),
            models.CheckConstraint(
                condition=Q(reported__lte=F("active"))
                & Q(due__lte=F("active"))
                & Q(overdue__lte=F("active")),
                name="weeklysummary_counts_within_active",
            ),
        ]

    def __str__(self):
        return f"{self.week} {self.township_id}"


class ExitSummary(models.Model):
    """Monthly dashboard (A6, C1) per township and month: households and people out of poverty."""

    month = models.DateField(_("月（1日）"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    households = models.PositiveIntegerField(_("脱贫户数"))
    people = models.PositiveIntegerField(_("脱贫人数"))

    class Meta:
        verbose_name = _("脱贫汇总")
        verbose_name_plural = _("脱贫汇总")
        constraints = [
            models.UniqueConstraint(fields=["month", "township"], name="exitsummary_unique"),
            models.CheckConstraint(
                condition=Q(people__gte=F("households")), name="exitsummary_people_ge_households"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.township_id}"


class SurveySummary(models.Model):
    """Quarterly dashboard (C2) per survey round, township and livelihood item: answers, the
    answers 满意 or 基本满意, and the sum of levels."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+", verbose_name=_("轮次"))
    township = models.ForeignKey(Township, on_delete=models.CASCADE, related_name="+", verbose_name=_("乡镇"))
    item = models.ForeignKey(
        LivelihoodItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("民生项目")
    )
    answers = models.PositiveIntegerField(_("答卷数"))
    content = models.PositiveIntegerField(_("满意及基本满意"))
    level_sum = models.PositiveIntegerField(_("满意度合计"))

    class Meta:
        verbose_name = _("满意度汇总")
        verbose_name_plural = _("满意度汇总")
        constraints = [
            models.UniqueConstraint(fields=["round", "township", "item"], name="surveysummary_unique"),
            models.CheckConstraint(
                condition=Q(content__lte=F("answers")), name="surveysummary_content_le_answers"
            ),
        ]

    def __str__(self):
        return f"{self.round_id} {self.township_id} {self.item_id}"
