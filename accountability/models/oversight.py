"""Evaluation, inspection and accountability (A3, A7–A10), commendations and year-end scores (C4)."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accountability import periods
from accountability.models.tasks import Task
from villages.dates import validate_year
from villages.models import Cadre, ChainLevel, Rank, Township, Village, place_errors  # noqa: F401 (Rank, re-exported)
from villages.scope import UserScope


def future_date_errors(field, day):
    """Inspections and accountability decisions are recorded after the fact: ``{field:
    message}`` when ``day`` is after today."""
    if day and day > periods.today():
        return {field: _("日期不能晚于今天。")}
    return {}


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

    # 五抽查 (A9): who may inspect whom, as levels of the chain (villages ChainLevel; a
    # cadre's level follows from his role); the last three levels check within their unit
    SPOT_CHAIN = {
        SpotLevel.CITY_LEADERS: (ChainLevel.CITY_LEADERS, ChainLevel.SUPERVISION_GROUPS),
        SpotLevel.SUPERVISION_BUREAU: (ChainLevel.SUPERVISION_BUREAU, ChainLevel.UNIT_HEADS),
        SpotLevel.UNIT_HEADS: (ChainLevel.UNIT_HEADS, ChainLevel.DEPUTIES),
        SpotLevel.DEPUTIES: (ChainLevel.DEPUTIES, ChainLevel.SECTION_CADRES),
        SpotLevel.SECTION_CADRES: (ChainLevel.SECTION_CADRES, ChainLevel.ORDINARY),
    }
    WITHIN_UNIT = (SpotLevel.UNIT_HEADS, SpotLevel.DEPUTIES, SpotLevel.SECTION_CADRES)

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
        if self.kind == self.Kind.SPOT_CHECK and self.spot_level in self.SPOT_CHAIN:
            errors.update(self.spot_chain_errors())
        if errors:
            raise ValidationError(errors)

    @classmethod
    def must_check_errors(cls, kind, categories):
        """五必查 (A8, A9) covers the five categories: every one has a result, or is marked
        not checked (``Finding.Severity.NOT_CHECKED``) with its reason. ``categories``: the
        categories of the inspection's findings. Checked by the inspection page's service and
        the admin's findings inline (the findings of an inspection are written with it)."""
        if kind != cls.Kind.MUST_CHECK:
            return []
        missing = [label for value, label in Finding.Category.choices if value not in set(categories)]
        if not missing:
            return []
        return [
            _("五必查必须覆盖五类：%(missing)s没有结果。不检查的类别请选择“未检查”并写明原因。")
            % {"missing": "、".join(str(label) for label in missing)}
        ]

    def spot_chain_errors(self):
        """The five spot-checks' chain (A9): a spot check names who inspected and who was
        inspected, each at the level its spot level says (city leaders → supervision groups,
        supervision bureau → unit heads, unit heads → deputies, deputies → section-level
        cadres, section-level → ordinary cadres), the last three within one unit."""
        errors = {}
        spot = self.SpotLevel(self.spot_level)
        wanted = dict(zip(("inspector", "inspected_cadre"), self.SPOT_CHAIN[spot], strict=True))
        cadres = {"inspector": self.inspector, "inspected_cadre": self.inspected_cadre}
        for field, cadre in cadres.items():
            if cadre is None:
                errors[field] = (
                    _("五抽查必须填写督查人。") if field == "inspector" else _("五抽查必须填写被抽查干部。")
                )
            elif cadre.chain_level != wanted[field]:
                message = (
                    _("“%(spot)s”的督查人应是%(level)s；%(name)s是%(role)s。")
                    if field == "inspector"
                    else _("“%(spot)s”的被抽查干部应是%(level)s；%(name)s是%(role)s。")
                )
                errors[field] = message % {
                    "spot": spot.label,
                    "level": wanted[field].label,
                    "name": cadre.name,
                    "role": cadre.get_role_display(),
                }
        inspector, inspected = cadres["inspector"], cadres["inspected_cadre"]
        if (
            not errors
            and spot in self.WITHIN_UNIT
            and inspector.unit_id
            and inspector.unit_id != inspected.unit_id
        ):
            errors["inspected_cadre"] = _("“%(spot)s”只抽查本单位的干部：%(name)s不是%(unit)s的干部。") % {
                "spot": spot.label,
                "name": inspected.name,
                "unit": inspector.unit,
            }
        return errors


class FindingQuerySet(models.QuerySet):
    def with_problem(self):
        return self.filter(severity__in=Finding.PROBLEMS)

    def overdue_on(self, day):
        """逾期未整改 on ``day``: a problem whose 整改时限 passed before ``day`` and that was
        not rectified by ``day`` (the rule of ``Finding.rectification_on``, in the database)."""
        return self.filter(rectification_overdue_q(day))


class Finding(models.Model):
    """A finding of an inspection, in one of the five must-check categories (五必查). A
    problem gets a 整改时限 (rectification deadline); past it and not rectified, the finding
    is 逾期未整改 (``rectification_on``, ``Finding.objects.overdue_on``), shown on the
    inspection page and the quarterly dashboard."""

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
        # a must-check category the inspection skipped; its description is the reason
        NOT_CHECKED = "not_checked", _("未检查（写明原因）")

    PROBLEMS = (Severity.MINOR, Severity.SERIOUS)

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
    objects = FindingQuerySet.as_manager()

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
        if self.severity == self.Severity.NOT_CHECKED:
            if not self.description.strip():
                errors["description"] = _("未检查的类别必须写明原因。")
            if self.rectify_by:
                errors["rectify_by"] = _("未检查的类别不设整改时限。")
            if self.rectified_on:
                errors["rectified_on"] = _("该类别未检查，无需整改。")
            kind = self._inspection_kind()
            if kind and kind != Inspection.Kind.MUST_CHECK:
                errors["severity"] = _("只有五必查需要说明未检查的类别。")
        elif self.severity == self.Severity.OK:
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

    def _inspection_kind(self):
        try:
            return self.inspection.kind
        except Finding.inspection.RelatedObjectDoesNotExist:
            return None

    @property
    def has_problem(self):
        return self.severity in self.PROBLEMS

    def rectification_on(self, day):
        """The 整改 state on ``day``: rectified, overdue (deadline passed) or open; None for
        a category without a problem."""
        if not self.has_problem:
            return None
        if self.rectified_on and self.rectified_on <= day:
            return self.Rectification.RECTIFIED
        if self.rectify_by and self.rectify_by < day:
            return self.Rectification.OVERDUE
        return self.Rectification.OPEN


def rectification_overdue_q(day):
    """The one definition of a finding past its rectification deadline (逾期未整改, A9) on
    ``day``, for queries (``Finding.rectification_on`` is the same rule for one row): a
    problem whose deadline (``rectify_by``) passed before ``day`` and that was not rectified
    by ``day``. ``Finding.objects.overdue_on``, the inspection list's 整改 filter, the
    quarterly dashboard and the reminders (accountability/reminders/) ask it."""
    return (
        Q(severity__in=Finding.PROBLEMS)
        & (Q(rectified_on__isnull=True) | Q(rectified_on__gt=day))
        & Q(rectify_by__lt=day)
    )


class AccountabilityActionQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for accountability actions (villages/scope.py): the county
        sees all, a township secretary the actions on his township's cadres (read-only);
        nobody else sees them."""
        return UserScope.of(user).filter(self, township=["cadre__township_id"])

    def with_visible_inspection(self, user):
        """Annotate ``inspection_visible``: whether ``user`` may open the action's source
        inspection, by the inspection page's own rule (``Inspection.objects.for_user``). The
        one place that decides whether an action links to its inspection (the actions page,
        its JSON and exports): a township secretary sees the actions on his cadres, but an
        inspection held elsewhere (or a spot check of no township) is not his to open."""
        visible = Inspection.objects.for_user(user).filter(pk=OuterRef("inspection_id"))
        return self.annotate(inspection_visible=Exists(visible))


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
    # the cadre's rank class on the day of the decision (Cadre.rank_class), set by clean():
    # never typed per action, so the A10 figures count what the cadres are
    rank = models.CharField(_("职级类别"), max_length=16, choices=Rank.choices, editable=False)
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

    def snapshot_rank(self):
        if not self.cadre_id:
            return
        if self._state.adding or not self.rank:
            self.rank = self.cadre.rank_class
            return
        stored = AccountabilityAction.objects.filter(pk=self.pk).values_list("cadre_id", flat=True).first()
        if stored != self.cadre_id:
            self.rank = self.cadre.rank_class

    def clean(self):
        """Not in the future, and not before the inspection it comes from. The rank class is
        the cadre's (``Cadre.rank_class``), taken when the action is recorded or given to
        another cadre: a snapshot, kept when the cadre's rank changes later."""
        self.snapshot_rank()
        errors = future_date_errors("decided_on", self.decided_on)
        if self.inspection_id and self.decided_on and self.decided_on < self.inspection.held_on:
            errors["decided_on"] = _("问责决定日期不能早于来源督查的日期。")
        if errors:
            raise ValidationError(errors)


class CommendationQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for commendations and promotions (villages/scope.py): the
        county sees all; nobody else sees them on the pages."""
        return UserScope.of(user).filter(self)


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
    # optimistic locking: an edit saves only if the editor saw the current version
    version = models.PositiveIntegerField(_("版本"), default=1)

    # who recorded or changed a commendation, and what it said before
    history = HistoricalRecords()
    objects = CommendationQuerySet.as_manager()

    class Meta:
        verbose_name = _("表彰提拔")
        verbose_name_plural = _("表彰提拔")
        # page actions, granted to the county supervisors' group (villages/migrations/0003)
        permissions = [("record_commendation", _("可以在表彰提拔页面录入和修改表彰提拔"))]
        ordering = ["-decided_on"]
        indexes = [
            # the list by year (and kind): commendations decided in a year
            models.Index(fields=["decided_on", "kind"], name="commendation_decided_kind_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.cadre.name}"

    def clean(self):
        """Recorded after the fact: not in the future."""
        errors = future_date_errors("decided_on", self.decided_on)
        if errors:
            raise ValidationError(errors)


class YearEndRun(models.Model):
    """A version of a year's year-end assessment (年终考评版本): computing makes a draft
    (草稿) beside the published version; publishing a draft freezes it and supersedes the
    version published before, which stays readable. Every version is kept."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        SUPERSEDED = "superseded", _("已被取代")

    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    number = models.PositiveSmallIntegerField(_("版本号"), validators=[MinValueValidator(1)])
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="year_end_runs_computed",
        verbose_name=_("计算人"),
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="year_end_runs_published",
        verbose_name=_("发布人"),
    )

    class Meta:
        verbose_name = _("年终考评版本")
        verbose_name_plural = _("年终考评版本")
        ordering = ["-year", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="yearend_run_number_per_year"),
            # the published league of a year is one version; one draft waits beside it
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="published"), name="yearend_run_one_published_per_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(status="draft"), name="yearend_run_one_draft_per_year"
            ),
            # a published version has its date; a draft has none (a superseded version may
            # have been published, or be a draft replaced by a newer computation)
            models.CheckConstraint(
                condition=Q(status="draft", published_at__isnull=True)
                | Q(status="published", published_at__isnull=False)
                | Q(status="superseded"),
                name="yearend_run_published_has_date",
            ),
        ]

    def __str__(self):
        return _("%(year)s年年终考评第%(number)s版（%(status)s）") % {
            "year": self.year,
            "number": self.number,
            "status": self.get_status_display(),
        }

    @property
    def is_frozen(self):
        """A published (or superseded) version no longer changes."""
        return self.status != self.Status.DRAFT


class YearEndScore(models.Model):
    """年终考评 (C2, C4): a township's or a cadre's year-end score in one version of the
    year's assessment, with its parts. The formula is ``WEIGHTS`` (docs/scoring.md): work
    parts (ratings, tasks, exits) and satisfaction, which weighs 12%; a one-vote veto makes
    the rating "unqualified" whatever the score. Rows of a published version are frozen."""

    # weight name -> percent of the total; they sum to 100 (docs/scoring.md)
    WEIGHTS = {"ratings": 30, "tasks": 30, "exits": 28, "satisfaction": 12}
    WORK_PARTS = ("ratings", "tasks", "exits")
    SATISFACTION_WEIGHT = WEIGHTS["satisfaction"]  # percent of the total (C2)

    class Rating(models.TextChoices):
        EXCELLENT = "excellent", _("优秀")
        COMPETENT = "competent", _("称职（合格）")
        BASIC = "basic", _("基本称职")
        UNQUALIFIED = "unqualified", _("不称职（不合格）")

    run = models.ForeignKey(
        YearEndRun, on_delete=models.PROTECT, related_name="scores", verbose_name=_("考评版本")
    )
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
    ratings_score = models.DecimalField(
        _("业绩评定得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("空：当年没有评定（无数据），由其他工作实绩部分按权重折算。"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    tasks_score = models.DecimalField(
        _("任务完成得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    exits_score = models.DecimalField(
        _("脱贫目标得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("当年脱贫户数占责任书目标脱贫户数的百分比（最高100）；空：没有目标。"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    exited_households = models.PositiveIntegerField(_("当年脱贫户数"), null=True, blank=True)
    target_households = models.PositiveIntegerField(_("目标脱贫户数"), null=True, blank=True)
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
        permissions = [
            ("compute_yearendscore", _("可以计算年终考评")),
            ("publish_yearendscore", _("可以发布年终考评")),
        ]
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
                condition=Q(ratings_score__gte=0, ratings_score__lte=100)
                & Q(tasks_score__gte=0, tasks_score__lte=100)
                & Q(exits_score__gte=0, exits_score__lte=100),
                name="yearend_parts_0_100",
            ),
            models.CheckConstraint(
                condition=Q(vetoed=False) | Q(rating="unqualified"), name="yearend_veto_means_unqualified"
            ),
            models.UniqueConstraint(
                fields=["run", "township"],
                condition=Q(township__isnull=False),
                name="yearend_one_per_township_run",
            ),
            models.UniqueConstraint(
                fields=["run", "cadre"], condition=Q(cadre__isnull=False), name="yearend_one_per_cadre_run"
            ),
        ]
        indexes = [
            # the league of a version, best first (the year-end page and its JSON)
            models.Index(fields=["run", "-total"], name="yearend_run_total_idx"),
        ]

    def __str__(self):
        return f"{self.year} {self.township or self.cadre}: {self.total}"

    def save(self, *args, **kwargs):
        # the freeze is a rule, not a side effect: a published row refuses to be saved
        if (
            self.run_id is not None
            and YearEndRun.objects.filter(pk=self.run_id).exclude(status=YearEndRun.Status.DRAFT).exists()
        ):
            raise ValidationError(_("已发布的年终考评版本不能修改，请重新计算生成新的草稿。"))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.run.is_frozen:
            raise ValidationError(_("已发布的年终考评版本不能修改，请重新计算生成新的草稿。"))
        return super().delete(*args, **kwargs)

    def clean(self):
        """A score belongs to a draft of its own year: a published version is frozen."""
        if self.run_id is None:
            return
        if self.run.is_frozen:
            raise ValidationError(_("已发布的年终考评版本不能修改，请重新计算生成新的草稿。"))
        if self.year != self.run.year:
            raise ValidationError({"year": _("年度必须与考评版本的年度一致。")})

    @property
    def parts(self):
        """Weight name -> this row's part (None: no data)."""
        return {
            "ratings": self.ratings_score,
            "tasks": self.tasks_score,
            "exits": self.exits_score,
            "satisfaction": self.satisfaction_score,
        }

    @classmethod
    def work(cls, parts):
        """The work score (工作实绩): the weighted mean of the work parts that exist, their
        weights scaled up to the work share (a part without data is neither punished nor
        helped); 0 when none exists. Rounded half-up to one decimal."""
        present = [(cls.WEIGHTS[name], parts.get(name)) for name in cls.WORK_PARTS]
        present = [(weight, value) for weight, value in present if value is not None]
        if not present:
            return tenth(0)
        weighted = sum(Decimal(weight) * Decimal(value) for weight, value in present)
        return tenth(weighted / sum(weight for weight, _value in present))

    @classmethod
    def combine(cls, work_score, satisfaction_score):
        """Total with satisfaction weighted 12% (C2) and the work score the rest. Without a
        survey (``None``: nobody of the unit was surveyed) satisfaction is no data, not 0:
        the total is the work score. Rounded half-up to one decimal."""
        if satisfaction_score is None:
            return tenth(work_score)
        w = cls.SATISFACTION_WEIGHT
        return tenth((Decimal(work_score) * (100 - w) + Decimal(satisfaction_score) * w) / 100)


def tenth(value):
    """``value`` rounded half-up to one decimal, as a Decimal: the rounding of every
    year-end figure (deterministic, unlike float rounding)."""
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


class HalfYearReview(models.Model):
    """半年研判 (A8): the county supervisors' half-year review of a township's poverty work:
    what was found and what was concluded. It feeds the year-end assessment of its year
    (shown beside the league on the year-end page)."""

    class Verdict(models.TextChoices):
        ON_TRACK = "on_track", _("进度正常")
        LAGGING = "lagging", _("进度滞后")
        SERIOUSLY_LAGGING = "seriously_lagging", _("严重滞后")

    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    half = models.PositiveSmallIntegerField(
        _("半年"), choices=[(1, _("上半年")), (2, _("下半年"))], default=1
    )
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="half_year_reviews", verbose_name=_("乡镇")
    )
    held_on = models.DateField(_("研判日期"), validators=[validate_year])
    verdict = models.CharField(_("研判结论"), max_length=24, choices=Verdict.choices)
    problems = models.TextField(_("发现的问题"), blank=True)
    conclusions = models.TextField(_("研判意见"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="half_year_reviews_recorded",
        verbose_name=_("录入人"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("半年研判")
        verbose_name_plural = _("半年研判")
        permissions = [("record_halfyearreview", _("可以在年终考评页面录入半年研判"))]
        ordering = ["year", "half", "township__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "half", "township"], name="halfyear_one_per_township_half"
            ),
            models.CheckConstraint(condition=Q(half__in=[1, 2]), name="halfyear_half_1_or_2"),
        ]

    def __str__(self):
        return _("%(year)s年%(half)s%(township)s半年研判") % {
            "year": self.year,
            "half": self.get_half_display(),
            "township": self.township,
        }

    def clean(self):
        """Held once the half under review has begun, within its year or the first month of
        the next, and not in the future."""
        errors = future_date_errors("held_on", self.held_on)
        if self.held_on and self.year and self.half in (1, 2) and "held_on" not in errors:
            opens = dt.date(self.year, 1 if self.half == 1 else 7, 1)
            closes = dt.date(self.year + 1, 1, 31)
            if not opens <= self.held_on <= closes:
                errors["held_on"] = _("研判日期应在%(opens)s到%(closes)s之间。") % {
                    "opens": opens.isoformat(),
                    "closes": closes.isoformat(),
                }
        if errors:
            raise ValidationError(errors)


class AnnualReport(models.Model):
    """全年述职 (A8): a backbone cadre's annual report on his duty (a township secretary, a
    village secretary or a resident cadre, A1) and how it was judged. It feeds his row of the
    year-end assessment (shown beside his score)."""

    REPORTING_ROLES = (Cadre.Role.TOWNSHIP_SECRETARY, Cadre.Role.VILLAGE_SECRETARY, Cadre.Role.RESIDENT_CADRE)

    class Result(models.TextChoices):
        GOOD = "good", _("好")
        FAIRLY_GOOD = "fairly_good", _("较好")
        FAIR = "fair", _("一般")
        POOR = "poor", _("差")

    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    cadre = models.ForeignKey(
        Cadre, on_delete=models.PROTECT, related_name="annual_reports", verbose_name=_("述职干部")
    )
    delivered_on = models.DateField(_("述职日期"), validators=[validate_year])
    summary = models.TextField(_("述职要点"))
    result = models.CharField(_("评议结果"), max_length=16, choices=Result.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="annual_reports_recorded",
        verbose_name=_("录入人"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("全年述职")
        verbose_name_plural = _("全年述职")
        permissions = [("record_annualreport", _("可以在年终考评页面录入全年述职"))]
        ordering = ["year", "cadre__code"]
        constraints = [
            models.UniqueConstraint(fields=["year", "cadre"], name="annualreport_one_per_cadre_year"),
        ]

    def __str__(self):
        return _("%(year)s年%(cadre)s全年述职") % {"year": self.year, "cadre": self.cadre.name}

    def clean(self):
        """Delivered by a backbone cadre, from 1 November of the year to the end of the next
        March, and not in the future."""
        errors = future_date_errors("delivered_on", self.delivered_on)
        if self.delivered_on and self.year and "delivered_on" not in errors:
            opens, closes = dt.date(self.year, 11, 1), dt.date(self.year + 1, 3, 31)
            if not opens <= self.delivered_on <= closes:
                errors["delivered_on"] = _("述职日期应在%(opens)s到%(closes)s之间。") % {
                    "opens": opens.isoformat(),
                    "closes": closes.isoformat(),
                }
        if self.cadre_id and self.cadre.role not in self.REPORTING_ROLES:
            errors["cadre"] = _("全年述职由乡镇党委书记、村党组织书记或驻村干部进行。")
        if errors:
            raise ValidationError(errors)


class ExposureQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one scoping method for exposures (villages/scope.py): the county sees all, a
        township secretary his township's (read-only); nobody else sees them."""
        return UserScope.of(user).filter(self, township=["township_id"])


class Exposure(models.Model):
    """电视问政 (A7): delayed projects and lagging work exposed on television, and good
    practice reported."""

    class Kind(models.TextChoices):
        EXPOSED = "exposed", _("曝光滞后")
        PRAISED = "praised", _("报道经验")

    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    aired_on = models.DateField(_("播出日期"), validators=[validate_year])
    programme = models.CharField(_("栏目/节目名称"), max_length=100, default="")
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
    # optimistic locking: an edit saves only if the editor saw the current version
    version = models.PositiveIntegerField(_("版本"), default=1)

    # who recorded or changed an exposure, and what it said before
    history = HistoricalRecords()
    objects = ExposureQuerySet.as_manager()

    class Meta:
        verbose_name = _("电视问政")
        verbose_name_plural = _("电视问政")
        # page actions, granted to the county supervisors' group (villages/migrations/0003)
        permissions = [("record_exposure", _("可以在电视问政页面录入和修改"))]
        ordering = ["-aired_on"]

    def __str__(self):
        return self.title

    def clean(self):
        """Aired already (not in the future); the task, if any, is the township's."""
        errors = future_date_errors("aired_on", self.aired_on)
        if self.task_id and self.township_id and self.task.township_id != self.township_id:
            errors["task"] = _("所选任务不属于该乡镇。")
        if errors:
            raise ValidationError(errors)


# ---- Summary tables ----------------------------------------------------------------------
# Analytics tables in the manner of DHIS2's: per period and township, what the county-level
# dashboards would otherwise aggregate over every task, report, household and survey answer.
# accountability/summaries.py builds them (``manage.py rebuild_summaries``) and keeps them
# exact on every write that changes them; the selectors read them only for periods marked
# as built (SummaryPeriod), and fall back to the live queries otherwise.
