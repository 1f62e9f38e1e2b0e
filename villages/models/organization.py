"""Organization positioning (组织定位, B1–B4): party and economic organizations, 2111 work teams, 1+X pairing, collective economy and village guarantee."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from villages.dates import validate_year
from villages.models.places import Cadre, Household, Township, Unit, Village, check_places


class PartyOrganization(models.Model):
    """党组织: the township party committee (the core of 一核双联), village party
    branches, and party organizations built in economic organizations (B1)."""

    class Level(models.TextChoices):
        TOWNSHIP_COMMITTEE = "township_committee", _("乡镇（街道）党（工）委")
        VILLAGE_BRANCH = "village_branch", _("村党组织")
        ECONOMIC = "economic", _("经济组织党组织")

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
        ]

    def __str__(self):
        return self.name

    def clean(self):
        check_places(self)


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
        ]

    def __str__(self):
        return self.name

    def clean(self):
        check_places(self)


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
    name = models.CharField(_("项目名称"), max_length=128)
    funds = models.DecimalField(_("扶持资金（元）"), max_digits=14, decimal_places=2)
    started_on = models.DateField(_("开始日期"), validators=[validate_year])

    class Meta:
        verbose_name = _("结对帮扶项目")
        verbose_name_plural = _("结对帮扶项目")
        ordering = ["-started_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(funds__gte=0), name="pairing_funds_not_negative"),
        ]

    def __str__(self):
        return self.name


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

    def __str__(self):
        return self.name


class VillageFinance(models.Model):
    """村级保障 (B4) by year: average village cadre pay, office funds, collective accumulation."""

    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="finances", verbose_name=_("村")
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=[validate_year])
    cadre_pay_monthly = models.DecimalField(_("村干部月均报酬（元）"), max_digits=10, decimal_places=2)
    office_funds = models.DecimalField(_("办公经费（元/年）"), max_digits=12, decimal_places=2)
    collective_accumulation = models.DecimalField(_("集体积累（元）"), max_digits=14, decimal_places=2)

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
