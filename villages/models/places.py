"""Places and people: townships, villages, units, cadres and poor households (DOMAIN.md "Places and people", A1)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villages.dates import validate_year

phone_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入11位大陆手机号码。"))

VILLAGE_OUTSIDE_TOWNSHIP = _("该村不属于所选乡镇。")
HOUSEHOLD_OUTSIDE_VILLAGE = _("该户不属于所选村。")
HOUSEHOLD_NEEDS_VILLAGE = _("指定贫困户时必须指定村。")


def place_errors(instance):
    """The place rules, written once for every model with a township, a village and (maybe)
    a household: the village lies in the township, the household in the village, and a
    household comes with its village. Returns ``{field: message}`` for the model's
    ``clean()``; empty when the places fit."""
    errors = {}
    township_id = getattr(instance, "township_id", None)
    village_id = getattr(instance, "village_id", None)
    household_id = getattr(instance, "household_id", None)
    if village_id and township_id and instance.village.township_id != township_id:
        errors["village"] = VILLAGE_OUTSIDE_TOWNSHIP
    if household_id and not village_id:
        errors["household"] = HOUSEHOLD_NEEDS_VILLAGE
    elif household_id and instance.household.village_id != village_id:
        errors["household"] = HOUSEHOLD_OUTSIDE_VILLAGE
    return errors


def check_places(instance):
    """``clean()`` of a model whose only extra rule is :func:`place_errors`."""
    errors = place_errors(instance)
    if errors:
        raise ValidationError(errors)


class Township(models.Model):
    """乡镇/街道: a township-level unit of the county."""

    class Kind(models.TextChoices):
        TOWN = "town", _("镇")
        TOWNSHIP = "township", _("乡")
        SUBDISTRICT = "subdistrict", _("街道")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    poverty = models.BooleanField(_("贫困乡镇"), default=False)
    exited_on = models.DateField(_("摘帽日期"), null=True, blank=True, validators=[validate_year])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("乡镇")
        verbose_name_plural = _("乡镇")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(poverty=True),
                name="township_exit_only_if_poverty",
            ),
        ]

    def __str__(self):
        return self.name


class Village(models.Model):
    """村/社区."""

    class Kind(models.TextChoices):
        VILLAGE = "village", _("村")
        COMMUNITY = "community", _("社区")

    code = models.CharField(_("编码"), max_length=32, unique=True)
    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="villages", verbose_name=_("乡镇")
    )
    name = models.CharField(_("名称"), max_length=64)
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.VILLAGE)
    poverty = models.BooleanField(_("贫困村"), default=False)
    exited_on = models.DateField(_("出列日期"), null=True, blank=True, validators=[validate_year])

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("村（社区）")
        verbose_name_plural = _("村（社区）")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(poverty=True),
                name="village_exit_only_if_poverty",
            ),
        ]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """工作单位: a city organ, township government or enterprise that employs cadres and
    assists (挂帮) villages and households."""

    name = models.CharField(_("单位名称"), max_length=128, unique=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Rank(models.TextChoices):
    """Rank class of a cadre (A10: 11 一把手, 45 科级领导干部, 113 一般干部 talked to). A
    property of the cadre (``Cadre.rank_class``); an accountability action records it on the
    day of the decision. Re-exported by ``accountability.models``."""

    UNIT_HEAD = "unit_head", _("单位主要领导（一把手）")
    SECTION_LEVEL = "section_level", _("科级领导干部")
    ORDINARY = "ordinary", _("一般干部")


class ChainLevel(models.IntegerChoices):
    """The five spot-checks' chain (五抽查, A9), top down: city leaders check the city
    supervision groups; the supervision bureau checks unit heads; unit heads check their
    deputies; deputies check section-level (股级) cadres; section-level cadres check ordinary
    cadres. A cadre's level follows from his role (``Cadre.chain_level``)."""

    CITY_LEADERS = 1, _("市委领导")
    SUPERVISION_GROUPS = 2, _("市督查组")
    SUPERVISION_BUREAU = 3, _("市督查局")
    UNIT_HEADS = 4, _("单位主要领导")
    DEPUTIES = 5, _("分管领导")
    SECTION_CADRES = 6, _("股级干部")
    ORDINARY = 7, _("一般干部")


class Cadre(models.Model):
    """干部: a person with a post (A1, B3), optionally linked to a login. His role gives his
    place in the spot-check chain (``chain_level``) and his default rank class
    (``rank_class``; ``rank`` records another one where the role allows it)."""

    class Role(models.TextChoices):
        TOWNSHIP_SECRETARY = "township_secretary", _("乡镇党委书记")
        VILLAGE_SECRETARY = "village_secretary", _("村党组织书记")
        RESIDENT_CADRE = "resident_cadre", _("驻村干部")
        UNIT_HEAD = "unit_head", _("单位主要领导")
        SECTION_LEADER = "section_leader", _("科级干部")
        ORDINARY = "ordinary", _("一般干部")
        SUPERVISOR = "supervisor", _("督查人员")
        CITY_LEADER = "city_leader", _("市委领导")
        SUPERVISION_GROUP = "supervision_group", _("市督查组成员")
        SECTION_CADRE = "section_cadre", _("股级干部")

    # role -> its level in the five spot-checks' chain (A9); a village secretary is not in it
    CHAIN_LEVELS = {
        Role.CITY_LEADER: ChainLevel.CITY_LEADERS,
        Role.SUPERVISION_GROUP: ChainLevel.SUPERVISION_GROUPS,
        Role.SUPERVISOR: ChainLevel.SUPERVISION_BUREAU,
        Role.UNIT_HEAD: ChainLevel.UNIT_HEADS,
        Role.TOWNSHIP_SECRETARY: ChainLevel.UNIT_HEADS,
        Role.SECTION_LEADER: ChainLevel.DEPUTIES,
        Role.SECTION_CADRE: ChainLevel.SECTION_CADRES,
        Role.ORDINARY: ChainLevel.ORDINARY,
        Role.RESIDENT_CADRE: ChainLevel.ORDINARY,
    }
    # role -> the rank classes it allows, its default first (A10)
    RANKS = {
        Role.TOWNSHIP_SECRETARY: (Rank.SECTION_LEVEL, Rank.UNIT_HEAD),
        Role.VILLAGE_SECRETARY: (Rank.ORDINARY,),
        Role.RESIDENT_CADRE: (Rank.ORDINARY, Rank.SECTION_LEVEL),
        Role.UNIT_HEAD: (Rank.UNIT_HEAD,),
        Role.SECTION_LEADER: (Rank.SECTION_LEVEL,),
        Role.ORDINARY: (Rank.ORDINARY,),
        Role.SUPERVISOR: (Rank.ORDINARY, Rank.SECTION_LEVEL, Rank.UNIT_HEAD),
        Role.CITY_LEADER: (Rank.UNIT_HEAD,),
        Role.SUPERVISION_GROUP: (Rank.SECTION_LEVEL, Rank.UNIT_HEAD, Rank.ORDINARY),
        Role.SECTION_CADRE: (Rank.ORDINARY,),
    }

    class TeamSlot(models.TextChoices):
        """The "2111" slots of a resident work team (B3)."""

        AGRI_CADRE = "agri_cadre", _("涉农干部")
        RESERVE_CADRE = "reserve_cadre", _("后备干部")
        RURAL_YOUTH = "rural_youth", _("农村知识青年")
        GRADUATE = "graduate", _("大学毕业生")

    code = models.CharField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("姓名"), max_length=32)
    role = models.CharField(_("职务类型"), max_length=32, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name=_("工作单位"),
    )
    township = models.ForeignKey(
        Township,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name=_("乡镇"),
    )
    village = models.ForeignKey(
        Village,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cadres",
        verbose_name=_("村"),
    )
    team_slot = models.CharField(
        _("驻村身份"), max_length=16, choices=TeamSlot.choices, blank=True, default=""
    )
    rank = models.CharField(
        _("职级类别"),
        max_length=16,
        choices=Rank.choices,
        blank=True,
        default="",
        help_text=_(
            "空：按职务类型（单位主要领导、市委领导为一把手，科级干部、乡镇党委书记、市督查组成员为科级领导干部，其余为一般干部）。"
        ),
    )
    phone = models.CharField(
        _("联系电话"), max_length=11, blank=True, default="", validators=[phone_validator]
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cadre",
        verbose_name=_("登录账号"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="township_secretary") | Q(township__isnull=False),
                name="cadre_township_secretary_has_township",
            ),
            models.CheckConstraint(
                condition=~Q(role="village_secretary") | Q(village__isnull=False),
                name="cadre_village_secretary_has_village",
            ),
            models.CheckConstraint(
                condition=~Q(role="resident_cadre") | (Q(township__isnull=False) & Q(village__isnull=False)),
                name="cadre_resident_has_township_and_village",
            ),
            models.CheckConstraint(
                condition=Q(team_slot="") | Q(role="resident_cadre"),
                name="cadre_team_slot_only_for_resident",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_role_display()}）"

    def clean(self):
        errors = {}
        if self.role in (self.Role.TOWNSHIP_SECRETARY, self.Role.RESIDENT_CADRE) and not self.township_id:
            errors["township"] = _("乡镇党委书记和驻村干部必须填写乡镇。")
        if self.role in (self.Role.VILLAGE_SECRETARY, self.Role.RESIDENT_CADRE) and not self.village_id:
            errors["village"] = _("村党组织书记和驻村干部必须填写村。")
        errors.update(place_errors(self))
        if self.team_slot and self.role != self.Role.RESIDENT_CADRE:
            errors["team_slot"] = _("只有驻村干部才有驻村身份。")
        message = self.rank_error(self.role, self.rank)
        if message:
            errors["rank"] = message
        if errors:
            raise ValidationError(errors)

    @classmethod
    def rank_error(cls, role, rank):
        """The rank rule (A10), for the model, the admin and the registry's cadres sheet
        alike: a recorded rank must be one the role allows (a village secretary is never a
        一把手). None when it fits or is left to the role."""
        allowed = cls.RANKS.get(role)
        if not rank or not allowed or rank in allowed:
            return None
        return _("%(role)s的职级类别只能是：%(ranks)s。") % {
            "role": cls.Role(role).label,
            "ranks": "、".join(str(Rank(r).label) for r in allowed),
        }

    @property
    def rank_class(self):
        """The cadre's rank class: the recorded one, else his role's default."""
        if self.rank:
            return self.rank
        allowed = self.RANKS.get(self.role)
        return allowed[0] if allowed else Rank.ORDINARY

    @property
    def chain_level(self):
        """His level in the five spot-checks' chain (ChainLevel), or None (not in it)."""
        return self.CHAIN_LEVELS.get(self.role)


class Household(models.Model):
    """建档立卡贫困户: a registered poor household (C1)."""

    class Assistance(models.TextChoices):
        INDUSTRY = "industry", _("产业扶持")
        SECURITY = "security", _("保障兜底")
        EMPLOYMENT = "employment", _("技能就业")
        RELOCATION = "relocation", _("移民安置")
        ECOLOGY = "ecology", _("生态补偿")

    code = models.CharField(_("户编号"), max_length=32, unique=True)
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, related_name="households", verbose_name=_("村")
    )
    head = models.CharField(_("户主姓名"), max_length=32)
    size = models.PositiveSmallIntegerField(
        _("家庭人口"), validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    assistance = models.CharField(_("帮扶类型"), max_length=16, choices=Assistance.choices)
    registered_on = models.DateField(_("识别日期"), validators=[validate_year])
    exited_on = models.DateField(_("脱贫日期"), null=True, blank=True, validators=[validate_year])
    income = models.DecimalField(
        _("人均纯收入（元）"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("挂帮单位"),
    )
    cadre = models.ForeignKey(
        Cadre,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("帮扶责任人"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("贫困户")
        verbose_name_plural = _("贫困户")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=1) & Q(size__lte=30), name="household_size_1_30"),
            models.CheckConstraint(
                condition=Q(exited_on__isnull=True) | Q(exited_on__gte=F("registered_on")),
                name="household_exit_not_before_registration",
            ),
            models.CheckConstraint(
                condition=Q(income__isnull=True) | Q(income__gte=0), name="household_income_not_negative"
            ),
        ]
        indexes = [
            # monthly dashboard: households and people out of poverty in a period
            models.Index(fields=["exited_on"], name="household_exited_on_idx"),
            # headline: households registered in the rest of a month after a day (the ledger's
            # correction within a month, villages/headline.py)
            models.Index(fields=["registered_on"], name="household_registered_on_idx"),
            # the satisfaction results' households of an assisting unit counted again after a
            # write of households (villages/satisfaction/tallies.py live_units): read from the
            # index alone, not from the unit's households spread over the whole table
            models.Index(
                fields=["unit", "registered_on", "exited_on"],
                include=["size"],
                name="household_unit_years_idx",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.head}"

    def clean(self):
        errors = {}
        if self.exited_on and self.registered_on and self.exited_on < self.registered_on:
            errors["exited_on"] = _("脱贫日期不能早于识别日期。")
        errors.update(self.decoupling_errors())
        if errors:
            raise ValidationError(errors)

    def decoupling_errors(self):
        """不脱钩 (C3): the assisting unit and the helping cadre of a household that has not
        left poverty stay linked to it; removing either is refused with the reason."""
        if self.pk is None or self.exited_on:
            return {}
        stored = Household.objects.filter(pk=self.pk).values("unit_id", "cadre_id").first()
        if stored is None:
            return {}
        errors = {}
        if stored["unit_id"] and not self.unit_id:
            errors["unit"] = _("不脱钩：该户尚未脱贫，不能取消挂帮单位。")
        if stored["cadre_id"] and not self.cadre_id:
            errors["cadre"] = _("不脱钩：该户尚未脱贫，不能取消帮扶责任人。")
        return errors
