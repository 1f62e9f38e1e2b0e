"""Who and where: the county registry and mechanisms B (组织定位) and C (群众定效) of DOMAIN.md."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

phone_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入11位大陆手机号码。"))


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
    exited_on = models.DateField(_("摘帽日期"), null=True, blank=True)

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
    exited_on = models.DateField(_("出列日期"), null=True, blank=True)

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


class Cadre(models.Model):
    """干部: a person with a post (A1, B3), optionally linked to a login."""

    class Role(models.TextChoices):
        TOWNSHIP_SECRETARY = "township_secretary", _("乡镇党委书记")
        VILLAGE_SECRETARY = "village_secretary", _("村党组织书记")
        RESIDENT_CADRE = "resident_cadre", _("驻村干部")
        UNIT_HEAD = "unit_head", _("单位主要领导")
        SECTION_LEADER = "section_leader", _("科级干部")
        ORDINARY = "ordinary", _("一般干部")
        SUPERVISOR = "supervisor", _("督查人员")

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
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = _("该村不属于所填乡镇。")
        if self.team_slot and self.role != self.Role.RESIDENT_CADRE:
            errors["team_slot"] = _("只有驻村干部才有驻村身份。")
        if errors:
            raise ValidationError(errors)


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
    started_on = models.DateField(_("进驻日期"))
    ends_on = models.DateField(_("期满日期"))
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
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
    registered_on = models.DateField(_("识别日期"))
    exited_on = models.DateField(_("脱贫日期"), null=True, blank=True)
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
        ]

    def __str__(self):
        return f"{self.code} {self.head}"

    def clean(self):
        if self.exited_on and self.registered_on and self.exited_on < self.registered_on:
            raise ValidationError({"exited_on": _("脱贫日期不能早于识别日期。")})


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
    started_on = models.DateField(_("开始日期"))

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
    year = models.PositiveSmallIntegerField(_("年度"))
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
    year = models.PositiveSmallIntegerField(_("年度"))
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
    """满意度测评轮次: three rounds a year (C2)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("轮次"))
    held_on = models.DateField(_("测评日期"))

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="surveyround_unique"),
            models.CheckConstraint(
                condition=Q(number__gte=1) & Q(number__lte=3), name="surveyround_number_1_3"
            ),
        ]

    def __str__(self):
        return _("%(year)s年第%(number)s轮") % {"year": self.year, "number": self.number}


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
    held_on = models.DateField(_("日期"))
    attendance = models.PositiveIntegerField(_("参加人次"))

    class Meta:
        verbose_name = _("宣传教育活动")
        verbose_name_plural = _("宣传教育活动")
        ordering = ["-held_on"]

    def __str__(self):
        return self.title


class LivelihoodOutcome(models.Model):
    """Jobs found and self-employment (C5): transferred workers, rural inns, agritainment
    farms, village online shops, e-commerce points."""

    class Kind(models.TextChoices):
        JOB_TRANSFER = "job_transfer", _("转移就业")
        RURAL_INN = "rural_inn", _("乡村旅舍")
        AGRITAINMENT = "agritainment", _("农家乐")
        ONLINE_SHOP = "online_shop", _("村淘店")
        ECOMMERCE_POINT = "ecommerce_point", _("电商扶贫网点")

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
    people = models.PositiveIntegerField(_("带动人数"), default=1)
    started_on = models.DateField(_("日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True, default="")

    class Meta:
        verbose_name = _("就业创业成果")
        verbose_name_plural = _("就业创业成果")
        ordering = ["-started_on"]
        constraints = [
            models.CheckConstraint(condition=Q(people__gte=1), name="livelihoodoutcome_people_positive"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.village}"


class ImportLog(models.Model):
    """One registry load (FORMATS.md): who, when, which files, counts."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registry_imports",
        verbose_name=_("操作人"),
    )
    started_at = models.DateTimeField(_("时间"), auto_now_add=True)
    files = models.JSONField(_("文件"), default=list)
    counts = models.JSONField(_("行数"), default=dict)
    succeeded = models.BooleanField(_("成功"), default=False)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    source = models.CharField(_("来源"), max_length=16, default="command")

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-started_at"]

    def __str__(self):
        return f"{self.started_at:%Y-%m-%d %H:%M} {', '.join(self.files)}"
