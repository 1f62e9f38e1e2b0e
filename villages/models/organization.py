"""Organization positioning (组织定位, B1–B4): party and economic organizations, 2111 work teams, 1+X pairing, collective economy and village guarantee."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villages.dates import validate_year
from villages.models.places import Cadre, Household, Township, Unit, Village, place_errors

# The "2111" rule of a poor village's resident work team (B3): members per slot, state cadres
# (the agriculture-related and reserve cadres sent by city organs), the posting in years and
# the village reserve cadres the team trains.
TEAM_SLOTS_2111 = {
    Cadre.TeamSlot.AGRI_CADRE: 2,
    Cadre.TeamSlot.RESERVE_CADRE: 1,
    Cadre.TeamSlot.RURAL_YOUTH: 1,
    Cadre.TeamSlot.GRADUATE: 1,
}
STATE_CADRE_SLOTS = (Cadre.TeamSlot.AGRI_CADRE, Cadre.TeamSlot.RESERVE_CADRE)
MIN_STATE_CADRES = 3
POSTING_YEARS = 2
MIN_RESERVE_TRAINED = 2


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _code_field(label):
    """The natural key the registry sheets load by; blank for rows recorded without one."""
    return models.CharField(label, max_length=32, blank=True, default="")


def _unique_code(model_name):
    return models.UniqueConstraint(
        fields=["code"],
        condition=~Q(code=""),
        name=f"{model_name}_code_unique_when_set",
        violation_error_message=_("该编码已被其他记录使用，请换一个编码。"),
    )


class PartyOrganization(models.Model):
    """党组织: the township party committee (the core of 一核双联), village party
    branches, and party organizations built in economic organizations (B1)."""

    class Level(models.TextChoices):
        TOWNSHIP_COMMITTEE = "township_committee", _("乡镇（街道）党（工）委")
        VILLAGE_BRANCH = "village_branch", _("村党组织")
        ECONOMIC = "economic", _("经济组织党组织")

    code = _code_field(_("编码"))
    name = models.CharField(_("名称"), max_length=128)
    level = models.CharField(_("层级"), max_length=32, choices=Level.choices)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        related_name="party_organizations",
        verbose_name=_("乡镇"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="party_organizations",
        verbose_name=_("村"),
    )
    secretary = models.ForeignKey(
        Cadre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_organizations_led",
        verbose_name=_("书记"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")
        ordering = ["township__code", "level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(level="village_branch") | Q(village__isnull=False),
                name="partyorg_village_branch_has_village",
            ),
            models.CheckConstraint(
                condition=~Q(level="township_committee") | Q(village__isnull=True),
                name="partyorg_township_committee_no_village",
            ),
            _unique_code("partyorg"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = place_errors(self)
        if self.level == self.Level.VILLAGE_BRANCH and not self.village_id:
            errors["village"] = _("村党组织必须填写所在村。")
        if self.level == self.Level.TOWNSHIP_COMMITTEE and self.village_id:
            errors["village"] = _("乡镇（街道）党（工）委不填写村。")
        if errors:
            raise ValidationError(errors)


class EconomicOrganization(models.Model):
    """Cooperatives, agricultural parks, private and leading enterprises and village
    economic organizations that party work covers (B1), and the enterprises of "1+X" (B2)."""

    class Kind(models.TextChoices):
        COOPERATIVE = "cooperative", _("农民专业合作社")
        AGRI_PARK = "agri_park", _("农业产业园区")
        PRIVATE_ENTERPRISE = "private_enterprise", _("非公企业")
        LEADING_ENTERPRISE = "leading_enterprise", _("农业龙头企业")
        VILLAGE_ECONOMIC = "village_economic", _("村级经济组织")

    class Coverage(models.TextChoices):
        NONE = "none", _("未覆盖")
        SINGLE = "single", _("单独建立党组织")
        JOINT = "joint", _("联合建立党组织")
        INSTRUCTOR = "instructor", _("选派党建指导员")

    code = _code_field(_("编码"))
    name = models.CharField(_("名称"), max_length=128, unique=True)
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="economic_organizations",
        verbose_name=_("乡镇"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="economic_organizations",
        verbose_name=_("村"),
    )
    coverage = models.CharField(
        _("党建覆盖方式"), max_length=16, choices=Coverage.choices, default=Coverage.NONE
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="covered_organizations",
        verbose_name=_("所属党组织"),
    )
    instructor = models.ForeignKey(
        Cadre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="instructed_organizations",
        verbose_name=_("党建指导员"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("经济组织")
        verbose_name_plural = _("经济组织")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(coverage="instructor") | Q(instructor__isnull=False),
                name="econorg_instructor_coverage_has_instructor",
            ),
            models.CheckConstraint(
                condition=~Q(coverage__in=["single", "joint"]) | Q(party_organization__isnull=False),
                name="econorg_party_coverage_has_organization",
            ),
            _unique_code("econorg"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = place_errors(self)
        covered_by_party = self.coverage in (self.Coverage.SINGLE, self.Coverage.JOINT)
        if covered_by_party and not self.party_organization_id:
            errors["party_organization"] = _("单独或联合建立党组织的，必须填写所属党组织。")
        if self.coverage == self.Coverage.INSTRUCTOR and not self.instructor_id:
            errors["instructor"] = _("选派党建指导员的，必须填写党建指导员。")
        if errors:
            raise ValidationError(errors)


class WorkTeam(models.Model):
    """同步小康驻村工作组: the "2111" resident work team of a poor village (B3). Members are
    the village's resident cadres, each with a ``team_slot``. The team is not withdrawn
    before the village exits (不脱钩不撤回, C3)."""

    village = models.OneToOneField(
        Village, on_delete=models.PROTECT, related_name="work_team", verbose_name=_("村")
    )
    sent_by = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="work_teams",
        verbose_name=_("派出单位"),
    )
    started_on = models.DateField(_("进驻日期"), validators=[validate_year])
    ends_on = models.DateField(_("期满日期"), validators=[validate_year])
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True, validators=[validate_year])
    reserve_cadres_trained = models.PositiveSmallIntegerField(_("培养村级后备干部数"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("驻村工作组")
        verbose_name_plural = _("驻村工作组")
        ordering = ["village__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("started_on")), name="workteam_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("started_on")),
                name="workteam_withdrawn_after_start",
            ),
        ]

    def __str__(self):
        return _("%(village)s驻村工作组") % {"village": self.village}

    def members(self):
        return Cadre.objects.filter(role=Cadre.Role.RESIDENT_CADRE, village_id=self.village_id)

    def clean(self):
        errors = {}
        if self.started_on and self.ends_on and self.ends_on <= self.started_on:
            errors["ends_on"] = _("期满日期必须晚于进驻日期。")
        if self.withdrawn_on:
            if self.started_on and self.withdrawn_on < self.started_on:
                errors["withdrawn_on"] = _("撤回日期不能早于进驻日期。")
            elif self.village_id:
                refused = self.withdrawal_error(self.withdrawn_on, self.village.exited_on, self.village)
                if refused:
                    errors["withdrawn_on"] = refused
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def withdrawal_error(withdrawn_on, village_exited_on, village):
        """不脱钩不撤回 (C3): a team is withdrawn only on or after its village's exit; the
        reason, or None. Shared by ``clean()`` and the registry's work_teams sheet."""
        if withdrawn_on and (village_exited_on is None or withdrawn_on < village_exited_on):
            return _("不脱钩不撤回：%(village)s尚未出列，驻村工作组不能撤回。") % {"village": village}
        return None

    def posting_ends_on(self):
        """The earliest ``ends_on`` that keeps the team two years in the village (B3)."""
        return _add_years(self.started_on, POSTING_YEARS)

    @staticmethod
    def shortfalls(*, slots, started_on, ends_on, reserve_trained, withdrawn_on=None, village_exited_on=None):
        """What keeps a team from the "2111" rule (B3) and 不脱钩 (C3), as Chinese messages;
        empty when it complies. ``slots`` maps team slots (and "" for members without one)
        to member counts. A pure function so the overview applies it to annotated rows."""
        problems = []
        for slot, wanted in TEAM_SLOTS_2111.items():
            have = slots.get(slot, 0)
            if have != wanted:
                problems.append(
                    _("%(slot)s%(have)s人（应为%(wanted)s人）")
                    % {"slot": Cadre.TeamSlot(slot).label, "have": have, "wanted": wanted}
                )
        if slots.get("", 0):
            problems.append(_("%(count)s名驻村干部未确定驻村身份") % {"count": slots[""]})
        state = sum(slots.get(slot, 0) for slot in STATE_CADRE_SLOTS)
        if state < MIN_STATE_CADRES:
            problems.append(
                _("国家干部%(have)s人（至少%(wanted)s人）") % {"have": state, "wanted": MIN_STATE_CADRES}
            )
        if started_on and ends_on and ends_on < _add_years(started_on, POSTING_YEARS):
            problems.append(_("驻村%(days)s天，不足两年") % {"days": (ends_on - started_on).days})
        if reserve_trained < MIN_RESERVE_TRAINED:
            problems.append(
                _("培养后备干部%(have)s人（至少%(wanted)s人）")
                % {"have": reserve_trained, "wanted": MIN_RESERVE_TRAINED}
            )
        if withdrawn_on and (village_exited_on is None or withdrawn_on < village_exited_on):
            problems.append(_("村未出列即撤回"))
        return problems


class PairingProject(models.Model):
    """ "1+X" pairing (B2): an enterprise supports a poor village or household with a
    project and funds."""

    enterprise = models.ForeignKey(
        EconomicOrganization,
        on_delete=models.PROTECT,
        related_name="pairing_projects",
        verbose_name=_("企业"),
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="pairing_projects", verbose_name=_("结对村")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pairing_projects",
        verbose_name=_("结对户"),
    )
    code = _code_field(_("项目编号"))
    name = models.CharField(_("项目名称"), max_length=128)
    funds = models.DecimalField(_("扶持资金（元）"), max_digits=14, decimal_places=2)
    started_on = models.DateField(_("开始日期"), validators=[validate_year])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("结对帮扶项目")
        verbose_name_plural = _("结对帮扶项目")
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(funds__gte=0), name="pairing_funds_not_negative"),
            _unique_code("pairing"),
        ]
        indexes = [
            # the overview: a year's pairing projects
            models.Index(fields=["started_on"], name="pairing_started_on_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.household_id and self.village_id and self.household.village_id != self.village_id:
            errors["household"] = _("该户不属于结对村。")
        if self.funds is not None and self.funds < 0:
            errors["funds"] = _("扶持资金不能为负数。")
        if errors:
            raise ValidationError(errors)


class CollectiveProject(models.Model):
    """村级集体经济发展项目 (B4): funds and the poor households it covers."""

    code = models.CharField(_("项目编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="collective_projects", verbose_name=_("村")
    )
    name = models.CharField(_("项目名称"), max_length=128)
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    fiscal_funds = models.DecimalField(_("财政资金（元）"), max_digits=14, decimal_places=2, default=0)
    loan_subsidy = models.DecimalField(_("贷款贴息（元）"), max_digits=14, decimal_places=2, default=0)
    households = models.ManyToManyField(
        Household, blank=True, related_name="collective_projects", verbose_name=_("覆盖贫困户")
    )

    history = HistoricalRecords(m2m_fields=[households])

    class Meta:
        verbose_name = _("集体经济项目")
        verbose_name_plural = _("集体经济项目")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_funds__gte=0) & Q(loan_subsidy__gte=0),
                name="collective_funds_not_negative",
            ),
        ]
        indexes = [
            # the overview: a year's collective projects
            models.Index(fields=["year"], name="collective_year_idx"),
        ]

    def __str__(self):
        return self.name

    def clean_households(self, households):
        """The households a project covers live in its village (checked by the form and the
        registry sheet before the many-to-many rows are written)."""
        outside = [h for h in households if h.village_id != self.village_id]
        if outside:
            raise ValidationError(
                {
                    "households": _("以下贫困户不在本村：%(list)s")
                    % {"list": "、".join(str(h) for h in outside[:10])}
                }
            )


class VillageFinance(models.Model):
    """村级保障 (B4) by year: average village cadre pay, office funds, collective accumulation."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="finances", verbose_name=_("村")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    cadre_pay_monthly = models.DecimalField(_("村干部月均报酬（元）"), max_digits=10, decimal_places=2)
    office_funds = models.DecimalField(_("办公经费（元/年）"), max_digits=12, decimal_places=2)
    collective_accumulation = models.DecimalField(_("集体积累（元）"), max_digits=14, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("村级保障")
        verbose_name_plural = _("村级保障")
        ordering = ["village__code", "year"]
        constraints = [
            models.UniqueConstraint(fields=["village", "year"], name="villagefinance_one_per_year"),
            models.CheckConstraint(
                condition=Q(cadre_pay_monthly__gte=0)
                & Q(office_funds__gte=0)
                & Q(collective_accumulation__gte=0),
                name="villagefinance_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.village} {self.year}"
