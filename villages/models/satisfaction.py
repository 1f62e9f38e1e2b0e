"""Household satisfaction (群众定效, C2, C5): the 23 livelihood items, survey rounds and answers, outreach and livelihood outcomes."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villages.dates import validate_year
from villages.models.places import Household, Township, Unit, Village, check_places


class LivelihoodItem(models.Model):
    """One of the 23 livelihood items of the satisfaction survey (C2). Reference data:
    ``fixtures/livelihood_items.json``."""

    code = models.CharField(_("编码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    category = models.CharField(_("类别"), max_length=32)
    order = models.PositiveSmallIntegerField(_("序号"), unique=True)

    class Meta:
        verbose_name = _("民生项目")
        verbose_name_plural = _("民生项目")
        ordering = ["order"]

    def __str__(self):
        return self.name


class SurveyRound(models.Model):
    """满意度测评轮次: three rounds a year (C2). A supervisor opens a round; survey workers
    enter and correct answers until it is closed, after which it is read-only."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    number = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("测评日期"), validators=[validate_year])
    ends_on = models.DateField(_("结束日期"), null=True, blank=True, validators=[validate_year])
    closed = models.BooleanField(_("已结束"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="surveyround_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=3), name="surveyround_number_1_3"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("held_on")),
                name="surveyround_ends_not_before_start",
            ),
        ]

    def __str__(self):
        return _("%(year)s年第%(number)s轮") % {"year": self.year, "number": self.number}

    def clean(self):
        errors = {}
        if self.number is not None and not 1 <= self.number <= 3:
            errors["number"] = _("每年测评三轮，轮次只能是 1、2 或 3。")
        elif (
            self.year
            and self.number
            and SurveyRound.objects.filter(year=self.year, number=self.number).exclude(pk=self.pk).exists()
        ):
            errors["number"] = _("该年度的这一轮测评已经开启。")
        if self.held_on and self.year and self.held_on.year != self.year:
            errors["held_on"] = _("测评日期必须在所填年度内。")
        if self.ends_on and self.held_on and self.ends_on < self.held_on:
            errors["ends_on"] = _("结束日期不能早于测评日期。")
        elif self.ends_on and self.year and self.ends_on.year != self.year:
            errors["ends_on"] = _("结束日期必须在所填年度内。")
        if errors:
            raise ValidationError(errors)


class SurveyAnswer(models.Model):
    """One household's satisfaction with one livelihood item in one round."""

    class Level(models.IntegerChoices):
        DISSATISFIED = 1, _("不满意")
        FAIR = 2, _("基本满意")
        SATISFIED = 3, _("满意")

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="answers", verbose_name=_("轮次")
    )
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="survey_answers", verbose_name=_("贫困户")
    )
    item = models.ForeignKey(
        LivelihoodItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("民生项目")
    )
    level = models.PositiveSmallIntegerField(_("满意度"), choices=Level.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("测评答卷")
        verbose_name_plural = _("测评答卷")
        constraints = [
            models.UniqueConstraint(fields=["round", "household", "item"], name="surveyanswer_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=3), name="surveyanswer_level_1_3"
            ),
        ]

    def __str__(self):
        return f"{self.round} {self.household} {self.item}: {self.get_level_display()}"

    def clean(self):
        if self.round_id and self.round.closed:
            raise ValidationError(_("%(round)s已结束，答卷不能再修改。") % {"round": self.round})


class OutreachEvent(models.Model):
    """Education and outreach (C5): 百姓龙门阵, 农民夜校, 道德讲堂, 远程教育, policy and
    skills training, with attendance."""

    class Kind(models.TextChoices):
        LONGMENZHEN = "longmenzhen", _("百姓龙门阵")
        NIGHT_SCHOOL = "night_school", _("农民夜校")
        MORAL_HALL = "moral_hall", _("道德讲堂")
        REMOTE_EDUCATION = "remote_education", _("远程教育")
        POLICY_TRAINING = "policy_training", _("政策宣传培训")
        SKILLS_TRAINING = "skills_training", _("技能培训")

    # the registry's key (FORMATS.md ``outreach``); sessions recorded on the page may have none
    code = models.CharField(_("编号"), max_length=32, unique=True, null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("主题"), max_length=128)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="outreach_events", verbose_name=_("乡镇")
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outreach_events",
        verbose_name=_("村"),
    )
    held_on = models.DateField(_("日期"), validators=[validate_year])
    attendance = models.PositiveIntegerField(_("参加人次"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("宣传教育活动")
        verbose_name_plural = _("宣传教育活动")
        ordering = ["-held_on"]

    def __str__(self):
        return self.title

    def clean(self):
        check_places(self)


class LivelihoodOutcome(models.Model):
    """Jobs found and self-employment (C5): transferred workers, rural inns, agritainment
    farms, village online shops, e-commerce points."""

    class Kind(models.TextChoices):
        JOB_TRANSFER = "job_transfer", _("转移就业")
        RURAL_INN = "rural_inn", _("乡村旅舍")
        AGRITAINMENT = "agritainment", _("农家乐")
        ONLINE_SHOP = "online_shop", _("村淘店")
        ECOMMERCE_POINT = "ecommerce_point", _("电商扶贫网点")

    # the registry's key (FORMATS.md ``outcomes``); records made on the page may have none
    code = models.CharField(_("编号"), max_length=32, unique=True, null=True, blank=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="livelihood_outcomes", verbose_name=_("村")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="livelihood_outcomes",
        verbose_name=_("贫困户"),
    )
    people = models.PositiveIntegerField(_("带动人数"), default=1, validators=[MinValueValidator(1)])
    started_on = models.DateField(_("日期"), validators=[validate_year])
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("就业创业成果")
        verbose_name_plural = _("就业创业成果")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="livelihoodoutcome_people_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.village}"

    def clean(self):
        if self.household_id and self.village_id and self.household.village_id != self.village_id:
            raise ValidationError({"household": _("该贫困户不属于所填村。")})


class SurveyTally(models.Model):
    """The counts of a round's answers (derived, ``villages/satisfaction/tallies.py``): all,
    满意 and 基本满意. Kept exact by every write of answers (``services.answers_written``);
    ``manage.py rebuild_summaries`` rebuilds them after a change behind the app's back."""

    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+", verbose_name=_("轮次"))
    answers = models.PositiveIntegerField(_("答卷数"))
    satisfied = models.PositiveIntegerField(_("满意"))
    fair = models.PositiveIntegerField(_("基本满意"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.round_id}: {self.answers}"


class HouseholdSurveyTally(SurveyTally):
    """One household's answers in one round (the satisfaction results' villages, townships,
    rounds and assisting units are sums of these rows), with the household's village and
    assisting unit copied (the results group by them without reading the households)."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="survey_tallies", verbose_name=_("贫困户")
    )
    village = models.ForeignKey(Village, on_delete=models.CASCADE, related_name="+", verbose_name=_("村"))
    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, null=True, related_name="+", verbose_name=_("挂帮单位")
    )

    class Meta:
        verbose_name = _("满意度户汇总")
        verbose_name_plural = _("满意度户汇总")
        constraints = [
            models.UniqueConstraint(fields=["round", "household"], name="householdsurveytally_unique"),
        ]


class ItemSurveyTally(SurveyTally):
    """One livelihood item's answers in one round (the satisfaction results' items)."""

    item = models.ForeignKey(
        LivelihoodItem, on_delete=models.CASCADE, related_name="+", verbose_name=_("民生项目")
    )

    class Meta:
        verbose_name = _("满意度项目汇总")
        verbose_name_plural = _("满意度项目汇总")
        constraints = [
            models.UniqueConstraint(fields=["round", "item"], name="itemsurveytally_unique"),
        ]


class HouseholdTally(models.Model):
    """Households counted by the year they were registered (识别) and the year they left
    poverty (脱贫; none: still poor) — derived, ``villages/satisfaction/tallies.py``. Whether a
    household was on the register in a year, left poverty in it or was still poor at its end
    depends only on those two years, so the satisfaction results' registered households (per
    village) and linked households (per assisting unit) are sums of these rows. Kept exact by
    every write of households (``tallies.households_written``); ``manage.py
    rebuild_summaries`` rebuilds them after a change behind the app's back."""

    registered_year = models.PositiveSmallIntegerField(_("识别年度"))
    exited_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True)
    households = models.PositiveIntegerField(_("户数"))

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.registered_year}–{self.exited_year or ''}: {self.households}"


class VillageHouseholdTally(HouseholdTally):
    """A village's households per (year registered, year out of poverty): one row each, none
    for a village without households; a village's rows counted again whole by every write of
    its households."""

    village = models.ForeignKey(
        Village, on_delete=models.CASCADE, related_name="household_tallies", verbose_name=_("村")
    )

    class Meta:
        verbose_name = _("村户数汇总")
        verbose_name_plural = _("村户数汇总")


class UnitHouseholdTally(HouseholdTally):
    """An assisting unit's linked households and their people per (year registered, year out
    of poverty): one row each, none for a unit without households; a unit's rows counted
    again whole by every write of its households."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="household_tallies", verbose_name=_("挂帮单位")
    )
    people = models.PositiveIntegerField(_("人数"))

    class Meta:
        verbose_name = _("挂帮单位户数汇总")
        verbose_name_plural = _("挂帮单位户数汇总")
