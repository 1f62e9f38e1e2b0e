"""Evaluation, inspection and accountability (A3, A7–A10), commendations and year-end scores (C4)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accountability import periods
from accountability.models.tasks import Task
from villages.dates import validate_year
from villages.models import Cadre, Township, Village, place_errors
from villages.scope import UserScope


def future_date_errors(field, day):
    """Inspections and accountability decisions are recorded after the fact: ``{field:
    message}`` when ``day`` is after today."""
    if day and day > periods.today():
        return {field: _("日期不能晚于今天。")}
    return {}


class Rank(models.TextChoices):
    """Rank class of a cadre held to account (A9 spot checks, A10)."""

    UNIT_HEAD = "unit_head", _("单位主要领导（一把手）")
    SECTION_LEVEL = "section_level", _("科级领导干部")
    ORDINARY = "ordinary", _("一般干部")


class EvaluationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for ratings (A3, villages/scope.py): the county sees all, a
        township secretary the ratings of his township's villages and their cadres, a
        village secretary his village's, a resident cadre the ratings he received."""
        scope = UserScope.of(user)
        if scope.is_resident:
            return scope.filter(self, own=["cadre_id"])
        return scope.filter(self, township=["village__township_id"], village=["village_id"])


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
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
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
    evaluated_on = models.DateField(_("评定日期"), validators=[validate_year])
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

    def clean(self):
        if self.cadre_id and self.village_id and self.cadre.village_id != self.village_id:
            raise ValidationError({"cadre": _("被评定干部不属于所选村。")})


class InspectionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for inspections (villages/scope.py): the county sees all, a
        township secretary the inspections held in his township (read-only); nobody else
        sees them."""
        return UserScope.of(user).filter(self, township=["township_id", "village__township_id"])


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
    held_on = models.DateField(_("督查日期"), validators=[validate_year])
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
        # page actions, granted to the county supervisors' group (villages/migrations/0003)
        permissions = [("record_inspection", _("可以在督查页面录入督查和整改完成"))]
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

    def clean(self):
        """The inspection rules, for the inspection page and the admin alike: a spot check
        names its level and only a spot check does; the village lies in the township (the
        township follows from the village when left empty); a must-check names a place; not
        in the future."""
        errors = future_date_errors("held_on", self.held_on)
        if self.kind == self.Kind.SPOT_CHECK and not self.spot_level:
            errors["spot_level"] = _("五抽查必须选择抽查层级。")
        elif self.kind and self.kind != self.Kind.SPOT_CHECK and self.spot_level:
            errors["spot_level"] = _("只有五抽查才填写抽查层级。")
        if self.village_id and not self.township_id:
            self.township = self.village.township
        errors.update(place_errors(self))
        if self.kind == self.Kind.MUST_CHECK and not (self.township_id or self.village_id):
            errors["township"] = _("五必查必须选择被检查的乡镇或村。")
        if errors:
            raise ValidationError(errors)


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
    rectify_by = models.DateField(_("整改时限"), null=True, blank=True, validators=[validate_year])
    rectified_on = models.DateField(_("整改完成日期"), null=True, blank=True, validators=[validate_year])

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
        """The finding rules, for the inspection page and the admin alike. The inspection
        may be unsaved (checked before anything is written)."""
        errors = {}
        if self.severity == self.Severity.OK:
            if self.rectify_by:
                errors["rectify_by"] = _("未发现问题时不设整改时限。")
            if self.rectified_on:
                errors["rectified_on"] = _("该类别未发现问题，无需整改。")
        elif self.severity:
            if not self.description:
                errors["description"] = _("发现问题时必须写明具体情况。")
            if not self.rectify_by:
                errors["rectify_by"] = _("发现问题时必须规定整改时限。")
        held_on = self._inspection_held_on()
        if held_on and self.rectify_by and self.rectify_by < held_on and "rectify_by" not in errors:
            errors["rectify_by"] = _("“%(category)s”的整改时限不能早于督查日期。") % {
                "category": self.get_category_display()
            }
        if held_on and self.rectified_on and self.rectified_on < held_on and "rectified_on" not in errors:
            errors["rectified_on"] = _("整改完成日期不能早于督查日期（%(date)s）。") % {
                "date": held_on.isoformat()
            }
        if errors:
            raise ValidationError(errors)

    def _inspection_held_on(self):
        try:
            return self.inspection.held_on
        except Finding.inspection.RelatedObjectDoesNotExist:
            return None

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


def rectification_overdue_q(day):
    """The one definition of a finding past its rectification deadline (逾期未整改, A9) on
    ``day``, for queries (``Finding.rectification_on`` is the same rule for one row): a
    problem, not rectified, its deadline (``rectify_by``) before ``day``. The inspection
    list's 整改 filter and the reminders (accountability/reminders/) ask it."""
    return Q(severity__in=[Finding.Severity.MINOR, Finding.Severity.SERIOUS], rectified_on__isnull=True) & Q(
        rectify_by__lt=day
    )


class AccountabilityActionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for accountability actions (villages/scope.py): the county
        sees all, a township secretary the actions on his township's cadres (read-only);
        nobody else sees them."""
        return UserScope.of(user).filter(self, township=["cadre__township_id"])


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
    decided_on = models.DateField(_("决定日期"), validators=[validate_year])
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
        permissions = [("record_accountabilityaction", _("可以在问责页面录入问责"))]
        ordering = ["-decided_on", "-id"]
        indexes = [
            # quarterly dashboard and A10 totals: actions decided in a period
            models.Index(fields=["decided_on", "kind"], name="action_decided_kind_idx"),
        ]

    def __str__(self):
        return f"{self.decided_on} {self.get_kind_display()} {self.cadre.name}"

    def clean(self):
        """Not in the future, and not before the inspection it comes from."""
        errors = future_date_errors("decided_on", self.decided_on)
        if self.inspection_id and self.decided_on and self.decided_on < self.inspection.held_on:
            errors["decided_on"] = _("问责决定日期不能早于来源督查的日期。")
        if errors:
            raise ValidationError(errors)


class Commendation(models.Model):
    """C4: strong performers are commended and promoted first (B3: 16 promoted)."""

    class Kind(models.TextChoices):
        COMMENDED = "commended", _("表彰")
        PROMOTED = "promoted", _("提拔")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="commendations", verbose_name=_("干部")
    )
    decided_on = models.DateField(_("日期"), validators=[validate_year])
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

    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
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
        null=True,
        blank=True,
        help_text=_("空：当年没有测评到该单位的贫困户（无测评），总分只计工作实绩。"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=1)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    rating = models.CharField(_("评定等次"), max_length=16, choices=Rating.choices)

    class Meta:
        verbose_name = _("年终考评")
        verbose_name_plural = _("年终考评")
        permissions = [("compute_yearendscore", _("可以计算年终考评"))]
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
        """Total with satisfaction weighted 12% (C2). Without a survey (``None``: nobody of
        the unit was surveyed) satisfaction is no data, not 0: the total is the work score."""
        if satisfaction_score is None:
            return round(work_score, 1)
        w = cls.SATISFACTION_WEIGHT
        return round((work_score * (100 - w) + satisfaction_score * w) / 100, 1)


class Exposure(models.Model):
    """电视问政 (A7): delayed projects and lagging work exposed on television, and good
    practice reported."""

    class Kind(models.TextChoices):
        EXPOSED = "exposed", _("曝光滞后")
        PRAISED = "praised", _("报道经验")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    aired_on = models.DateField(_("播出日期"), validators=[validate_year])
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
