"""The demo county: a deterministic, fictional 赤水市 for the year 2016.

``build()`` deletes the county data in dependency order and rebuilds it with a fixed random
seed inside one transaction, so running it twice gives the same rows (same natural keys,
same values). The township names are Chishui's real ones; villages, people, households,
enterprises and every figure below the county totals are invented. The county totals are
the 2016 figures of the case report (DOMAIN.md): 2 poverty townships take off the hat,
16 poverty villages exit, 31,700 people leave poverty, warning talks to 11 unit heads,
45 section-level leaders and 113 ordinary cadres, 16 promotions, 128 "1+X" projects worth
11.357 million yuan, 130 collective projects covering 51 poverty villages and 8,684
households, and so on.

The role groups (migration villages/0002_roles) are kept. Demo users are updated in place,
never deleted by a rebuild (``clear(users=True)`` removes them, for tests).
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accountability.dashboards import summaries
from accountability.models import (
    AccountabilityAction,
    Commendation,
    Contract,
    Evaluation,
    Evidence,
    ExitSummary,
    Exposure,
    Factor,
    Finding,
    Inspection,
    Problem,
    ProgressReport,
    Rank,
    SummaryPeriod,
    SurveySummary,
    Task,
    WeekLock,
    WeeklySummary,
    YearEndScore,
)
from accountability.periods import today, week_start
from villages import roles
from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    LivelihoodItem,
    LivelihoodOutcome,
    OutreachEvent,
    PairingProject,
    PartyOrganization,
    SurveyAnswer,
    SurveyRound,
    Township,
    Unit,
    Village,
    VillageFinance,
    WorkTeam,
)

SEED = 20160101
YEAR = 2016
PASSWORD = "chishui-demo"
BATCH = 1000
ITEMS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "livelihood_items.json"

# Headline figures of the case report that the demo reproduces exactly.
EXITED_PEOPLE_2016 = 31_700
POVERTY_VILLAGES_EXITED_2016 = 16
WARNING_TALKS = {Rank.UNIT_HEAD: 11, Rank.SECTION_LEVEL: 45, Rank.ORDINARY: 113}
PROMOTIONS = 16
PAIRING_PROJECTS, PAIRING_FUNDS = 128, 11_357_000
COLLECTIVE_PROJECTS, COLLECTIVE_VILLAGES, COLLECTIVE_HOUSEHOLDS = 130, 51, 8_684
COLLECTIVE_FISCAL, COLLECTIVE_LOAN_SUBSIDY = 36_000_000, 12_780_000
# year: (average monthly cadre pay, average office funds per village, total accumulation)
FINANCE = {2015: (1_290, 23_000, 11_300_000), 2016: (2_764, 45_000, 48_000_000)}
OUTREACH_TOTALS = {  # kind: (events, attendances)
    OutreachEvent.Kind.POLICY_TRAINING: (11, 920),
    OutreachEvent.Kind.SKILLS_TRAINING: (105, 30_240),
}
OUTREACH_OTHER = {
    OutreachEvent.Kind.LONGMENZHEN: 48,
    OutreachEvent.Kind.NIGHT_SCHOOL: 60,
    OutreachEvent.Kind.MORAL_HALL: 24,
    OutreachEvent.Kind.REMOTE_EDUCATION: 36,
}
JOB_TRANSFER_ROWS, JOB_TRANSFER_PEOPLE = 3_100, 7_126
SELF_EMPLOYMENT = {
    LivelihoodOutcome.Kind.RURAL_INN: 144,
    LivelihoodOutcome.Kind.AGRITAINMENT: 327,
    LivelihoodOutcome.Kind.ONLINE_SHOP: 22,
    LivelihoodOutcome.Kind.ECOMMERCE_POINT: 31,
}
HOUSEHOLDS_EXITED_2015, HOUSEHOLDS_NOT_EXITED = 5_000, 11_000
SURVEY_SAMPLE = 6  # households per village per round
SURVEY_DATES = [dt.date(2016, 4, 15), dt.date(2016, 8, 16), dt.date(2016, 11, 25)]

# (code, name, kind, number of villages, of which communities)
TOWNSHIPS = [
    ("CS01", "市中街道", Township.Kind.SUBDISTRICT, 6, 5),
    ("CS02", "文华街道", Township.Kind.SUBDISTRICT, 5, 3),
    ("CS03", "金华街道", Township.Kind.SUBDISTRICT, 5, 2),
    ("CS04", "天台镇", Township.Kind.TOWN, 8, 1),
    ("CS05", "复兴镇", Township.Kind.TOWN, 9, 1),
    ("CS06", "大同镇", Township.Kind.TOWN, 8, 1),
    ("CS07", "旺隆镇", Township.Kind.TOWN, 9, 1),
    ("CS08", "葫市镇", Township.Kind.TOWN, 8, 1),
    ("CS09", "元厚镇", Township.Kind.TOWN, 9, 1),
    ("CS10", "官渡镇", Township.Kind.TOWN, 8, 1),
    ("CS11", "长期镇", Township.Kind.TOWN, 8, 1),
    ("CS12", "长沙镇", Township.Kind.TOWN, 8, 1),
    ("CS13", "丙安乡", Township.Kind.TOWNSHIP, 6, 0),
    ("CS14", "两河口乡", Township.Kind.TOWNSHIP, 7, 0),
    ("CS15", "石堡乡", Township.Kind.TOWNSHIP, 6, 0),
    ("CS16", "宝源乡", Township.Kind.TOWNSHIP, 7, 0),
    ("CS17", "白云乡", Township.Kind.TOWNSHIP, 5, 0),
]
DEMO_TOWNSHIP_CODES = [row[0] for row in TOWNSHIPS]
POVERTY_TOWNSHIPS = {"CS14": None, "CS15": dt.date(2016, 12, 20), "CS16": dt.date(2016, 12, 20)}
POVERTY_VILLAGES_PER_TOWN = 4
TOWN_VILLAGE_EXITS = {2015: 2, 2016: 7}  # poverty villages of towns that exit, by year
VETOED_TOWNSHIP = "CS09"

# Demo logins: username -> role. All share PASSWORD.
SECRETARY_TOWNSHIP, SECRETARY2_TOWNSHIP = "CS14", "CS04"
DEMO_LOGINS = {
    "admin": roles.ADMIN,
    "supervisor": roles.COUNTY_SUPERVISOR,
    "secretary": roles.TOWNSHIP_SECRETARY,
    "secretary2": roles.TOWNSHIP_SECRETARY,
    "cadre": roles.RESIDENT_CADRE,
    "village": roles.VILLAGE_SECRETARY,
}
OTHER_SECRETARY_PREFIX = "secretary-"  # township secretaries without a demo password

AGRI_UNITS = [
    "赤水市农牧局",
    "赤水市林业局",
    "赤水市水务局",
    "赤水市扶贫开发办公室",
    "赤水市供销合作社",
    "赤水市农业机械化服务中心",
]
CITY_UNITS = [
    "中共赤水市委办公室",
    "中共赤水市委组织部",
    "中共赤水市委宣传部",
    "赤水市纪委",
    "赤水市督查局",
    "赤水市发展和改革局",
    "赤水市财政局",
    "赤水市教育局",
    "赤水市卫生和计划生育局",
    "赤水市人力资源和社会保障局",
    "赤水市民政局",
    "赤水市住房和城乡建设局",
    "赤水市国土资源局",
    "赤水市环境保护局",
    "赤水市交通运输局",
    "赤水市商务局",
    "赤水市旅游发展委员会",
    "赤水市文体广电局",
    "赤水市科技局",
    "赤水市公安局",
    "赤水市司法局",
    "赤水市审计局",
    "赤水市统计局",
    "赤水市市场监督管理局",
    "赤水市城市建设投资有限公司",
    "赤水市交通旅游投资有限公司",
]
CITY_LEADERS_UNIT, SUPERVISION_UNIT = "中共赤水市委办公室", "赤水市督查局"

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴莫孔向汤"
)
GIVEN = list(
    "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉兰萍红梅志国建林海燕云飞鹏辉波宁春兴友德福贵发"
    "文成荣进祥顺学昌永忠正仁义礼智信光明亮琴霖雪松竹凤鸣远航江河山川富贵安康泽宇浩然思源家乐佳"
)
VILLAGE_FIRST = list(
    "青白红金石龙凤桂竹松梅兰杨柳花水岩坪马牛鹿云天太平安新长高大小上中东西南北双三五九丰福永兴和顺清明"
)
VILLAGE_SECOND = list("坪岩溪河湾坝山林田桥口沟寨堡台塘岗坡垭场园")
COMMUNITY_NAMES = [
    "新华",
    "红旗",
    "东门",
    "西门",
    "南门",
    "北门",
    "河滨",
    "滨江",
    "丹霞",
    "人民",
    "文昌",
    "兴隆",
    "复兴",
    "胜利",
    "团结",
    "光明",
    "幸福",
    "和平",
    "建设",
    "星光",
    "桫椤",
    "迎宾",
]
CROPS = ["竹子", "金钗石斛", "蔬菜", "茶叶", "猕猴桃", "晚熟荔枝", "冬笋", "中药材"]
ANIMALS = [("生猪", "头"), ("肉牛", "头"), ("乌骨鸡", "羽"), ("中华蜂", "箱"), ("山羊", "只")]
REPORT_NOTES = {
    "on_track": [
        "按计划推进",
        "本周完成既定进度",
        "进展顺利，群众参与积极",
        "已完成阶段性目标",
        "资金到位，施工正常",
    ],
    "lagging": [
        "受天气影响进度偏慢",
        "资金拨付滞后，正在协调",
        "部分农户意愿不强，正在做工作",
        "施工队伍不足",
    ],
    "stalled": ["项目用地尚未落实", "资金未到位，暂停施工", "责任人到位不够，进度严重滞后", "等待上级审批"],
}


def allocate(total, weights):
    """Split the integer ``total`` in proportion to ``weights`` (largest remainder): the
    parts are integers that add up to ``total`` exactly."""
    weight_sum = sum(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - raw[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def money(value):
    return Decimal(value).quantize(Decimal("0.01"))


def _delete_all(model):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")


# Children before parents. Plain SQL deletes: no per-row signals (simple_history would
# otherwise write a history row for each deleted row), no cascades to worry about.
DELETE_ORDER = [
    WeeklySummary,
    ExitSummary,
    SurveySummary,
    SummaryPeriod,
    Evidence,
    Exposure,
    AccountabilityAction,
    Finding,
    Inspection,
    Commendation,
    YearEndScore,
    Evaluation,
    ProgressReport,
    WeekLock,
    Task,
    Problem,
    Contract,
    SurveyAnswer,
    SurveyRound,
    LivelihoodOutcome,
    OutreachEvent,
    CollectiveProject.households.through,
    CollectiveProject,
    PairingProject,
    VillageFinance,
    Household,
    EconomicOrganization,
    PartyOrganization,
    WorkTeam,
    Cadre,
    Unit,
    Village,
    Township,
]


def demo_usernames():
    return list(DEMO_LOGINS) + [
        f"{OTHER_SECRETARY_PREFIX}{code.lower()}"
        for code in DEMO_TOWNSHIP_CODES
        if code not in (SECRETARY_TOWNSHIP, SECRETARY2_TOWNSHIP)
    ]


def foreign_townships():
    """Townships in the database that the demo did not create (real registry data)."""
    return Township.objects.exclude(code__in=DEMO_TOWNSHIP_CODES)


def clear(users=False):
    """Delete the county data (and its audit history); with ``users``, the demo users too.
    Role groups, livelihood items and import logs stay."""
    with transaction.atomic():
        for model in DELETE_ORDER:
            _delete_all(model)
            history = getattr(model, "history", None)
            if history is not None and hasattr(history, "model"):
                _delete_all(history.model)
        if users:
            User.objects.filter(username__in=demo_usernames()).delete()


def load_livelihood_items():
    """The 23 items of C2, loaded with ``loaddata`` from the fixture. Survey answers are
    already cleared, so items of an earlier load (whatever their codes) are replaced."""
    LivelihoodItem.objects.all().delete()
    call_command("loaddata", str(ITEMS_FIXTURE), verbosity=0)
    return list(LivelihoodItem.objects.order_by("order"))


def filed_at(week):
    """18:00 on the Friday of ``week``, Chishui time."""
    friday = week + dt.timedelta(days=4)
    return timezone.make_aware(dt.datetime.combine(friday, dt.time(18, 0)))


class Builder:
    def __init__(self):
        self.rng = random.Random(SEED)

    # ---------------------------------------------------------------- helpers
    def person(self):
        rng = self.rng
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        return rng.choice(SURNAMES) + given

    def date_between(self, start, end):
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def bulk(self, model, objs):
        return model.objects.bulk_create(objs, batch_size=BATCH)

    # ---------------------------------------------------------------- run
    def run(self):
        self.items = load_livelihood_items()
        self.build_users()
        self.build_places()
        self.build_units_and_cadres()
        self.link_users()
        self.build_households()
        self.build_organizations()
        self.build_projects_and_finance()
        self.build_contracts_problems_tasks()
        self.build_reports_and_locks()
        self.build_evaluations()
        self.build_inspections_and_actions()
        self.build_commendations()
        self.build_survey()
        self.build_outreach_and_outcomes()
        self.build_year_end_scores()
        self.build_exposures()
        self.build_current_work()

    def build_users(self):
        groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLES)}
        missing = set(roles.ROLES) - set(groups)
        if missing:
            raise DemoError(
                _("缺少角色组：%(names)s。请先运行 migrate。") % {"names": ", ".join(sorted(missing))}
            )
        password = make_password(PASSWORD)  # hashed once: the same for every demo login
        self.users = {}
        for username in demo_usernames():
            role = DEMO_LOGINS.get(username, roles.TOWNSHIP_SECRETARY)
            user, _created = User.objects.get_or_create(username=username)
            user.password = password if username in DEMO_LOGINS else make_password(None)
            user.is_staff = role == roles.ADMIN
            user.is_superuser = False
            user.is_active = True
            user.save()
            user.groups.set([groups[role]])
            self.users[username] = user

    def build_places(self):
        rng = self.rng
        self.townships, self.villages = [], []
        for code, name, kind, _n_villages, _n_communities in TOWNSHIPS:
            poverty = code in POVERTY_TOWNSHIPS
            self.townships.append(
                Township(
                    code=code, name=name, kind=kind, poverty=poverty, exited_on=POVERTY_TOWNSHIPS.get(code)
                )
            )
        self.bulk(Township, self.townships)
        self.township_by_code = {t.code: t for t in self.townships}

        names = set()
        communities = iter(rng.sample(COMMUNITY_NAMES, len(COMMUNITY_NAMES)))
        town_poverty = []
        for (code, _name, kind, n_villages, n_communities), township in zip(
            TOWNSHIPS, self.townships, strict=True
        ):
            for number in range(1, n_villages + 1):
                if number <= n_communities:
                    vname, vkind = next(communities) + "社区", Village.Kind.COMMUNITY
                else:
                    vname = ""
                    while not vname or vname in names:
                        vname = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + "村"
                    vkind = Village.Kind.VILLAGE
                names.add(vname)
                village = Village(code=f"{code}{number:02d}", township=township, name=vname, kind=vkind)
                if vkind == Village.Kind.VILLAGE and code in POVERTY_TOWNSHIPS:
                    village.poverty = True
                self.villages.append(village)
            if kind == Township.Kind.TOWN:
                candidates = [
                    v for v in self.villages if v.township is township and v.kind == Village.Kind.VILLAGE
                ]
                chosen = rng.sample(candidates, POVERTY_VILLAGES_PER_TOWN)
                for village in chosen:
                    village.poverty = True
                town_poverty.extend(chosen)
        # exits: the two townships that take off the hat lose every poverty village (two of
        # them already in 2015); a few poverty villages of towns exit too.
        for code, exited_on in POVERTY_TOWNSHIPS.items():
            if exited_on is None:
                continue
            own = [v for v in self.villages if v.township.code == code]
            for index, village in enumerate(own):
                village.exited_on = (
                    self.date_between(dt.date(2015, 11, 20), dt.date(2015, 12, 20))
                    if index < 2
                    else self.date_between(dt.date(2016, 11, 25), exited_on)
                )
        exiting = rng.sample(town_poverty, sum(TOWN_VILLAGE_EXITS.values()))
        for village in exiting[: TOWN_VILLAGE_EXITS[2015]]:
            village.exited_on = self.date_between(dt.date(2015, 11, 20), dt.date(2015, 12, 20))
        for village in exiting[TOWN_VILLAGE_EXITS[2015] :]:
            village.exited_on = self.date_between(dt.date(2016, 11, 25), dt.date(2016, 12, 20))
        self.bulk(Village, self.villages)
        self.poverty_villages = [v for v in self.villages if v.poverty]

    def build_units_and_cadres(self):
        rng = self.rng
        self.units = [Unit(name=name) for name in AGRI_UNITS + CITY_UNITS]
        self.township_units = {}
        for township in self.townships:
            suffix = "办事处" if township.kind == Township.Kind.SUBDISTRICT else "人民政府"
            unit = Unit(name=township.name + suffix)
            self.township_units[township.code] = unit
            self.units.append(unit)
        self.bulk(Unit, self.units)
        self.unit_by_name = {u.name: u for u in self.units}
        agri_units = [self.unit_by_name[n] for n in AGRI_UNITS]
        self.city_units = [self.unit_by_name[n] for n in AGRI_UNITS + CITY_UNITS]
        # units that assist (挂帮) poverty villages: organs and enterprises, not the leaders' office
        assisting = [u for u in self.city_units if u.name not in (CITY_LEADERS_UNIT, SUPERVISION_UNIT)]

        cadres = []
        self.unit_heads, self.section_leaders, self.ordinary = [], [], []
        self.staff = defaultdict(list)  # unit -> its section leaders and ordinary cadres
        for number, unit in enumerate(self.units, 1):
            is_township = unit in self.township_units.values()
            head = Cadre(code=f"U{number:02d}-ZR", name=self.person(), role=Cadre.Role.UNIT_HEAD, unit=unit)
            self.unit_heads.append(head)
            cadres.append(head)
            for k in range(1, (2 if is_township else 3) + 1):
                leader = Cadre(
                    code=f"U{number:02d}-K{k}", name=self.person(), role=Cadre.Role.SECTION_LEADER, unit=unit
                )
                self.section_leaders.append(leader)
                self.staff[unit.name].append(leader)
            for k in range(1, (5 if is_township else 6) + 1):
                cadre = Cadre(
                    code=f"U{number:02d}-G{k:02d}", name=self.person(), role=Cadre.Role.ORDINARY, unit=unit
                )
                self.ordinary.append(cadre)
                self.staff[unit.name].append(cadre)
        cadres += self.section_leaders + self.ordinary
        supervision = self.unit_by_name[SUPERVISION_UNIT]
        self.supervisors = [
            Cadre(code=f"DC-{k:02d}", name=self.person(), role=Cadre.Role.SUPERVISOR, unit=supervision)
            for k in range(1, 7)
        ]
        cadres += self.supervisors
        self.township_secretaries = {}
        for township in self.townships:
            secretary = Cadre(
                code=f"{township.code}-SJ",
                name=self.person(),
                role=Cadre.Role.TOWNSHIP_SECRETARY,
                township=township,
                unit=self.township_units[township.code],
            )
            self.township_secretaries[township.code] = secretary
            cadres.append(secretary)
        self.village_secretaries, self.residents = {}, defaultdict(list)
        self.assist_unit = {}
        slots = [
            Cadre.TeamSlot.AGRI_CADRE,
            Cadre.TeamSlot.AGRI_CADRE,
            Cadre.TeamSlot.RESERVE_CADRE,
            Cadre.TeamSlot.RURAL_YOUTH,
            Cadre.TeamSlot.GRADUATE,
        ]
        non_agri = [u for u in assisting if u not in agri_units]
        for village in self.villages:
            secretary = Cadre(
                code=f"{village.code}-SJ",
                name=self.person(),
                role=Cadre.Role.VILLAGE_SECRETARY,
                township=village.township,
                village=village,
            )
            self.village_secretaries[village.code] = secretary
            cadres.append(secretary)
            if not village.poverty:
                self.assist_unit[village.code] = self.township_units[village.township.code]
                continue
            self.assist_unit[village.code] = rng.choice(assisting)
            for k, slot in enumerate(slots, 1):
                if slot == Cadre.TeamSlot.AGRI_CADRE:
                    unit = rng.choice(agri_units)
                elif slot == Cadre.TeamSlot.RESERVE_CADRE:
                    unit = rng.choice(non_agri)
                else:
                    unit = self.township_units[village.township.code]
                resident = Cadre(
                    code=f"{village.code}-ZC{k}",
                    name=self.person(),
                    role=Cadre.Role.RESIDENT_CADRE,
                    township=village.township,
                    village=village,
                    team_slot=slot,
                    unit=unit,
                )
                self.residents[village.code].append(resident)
                cadres.append(resident)
        self.bulk(Cadre, cadres)
        self.all_residents = [c for team in self.residents.values() for c in team]

        teams = []
        for village in self.poverty_villages:
            started = self.date_between(dt.date(2015, 3, 2), dt.date(2015, 4, 30))
            teams.append(
                WorkTeam(
                    village=village,
                    sent_by=self.assist_unit[village.code],
                    started_on=started,
                    ends_on=started.replace(year=started.year + 2),
                    reserve_cadres_trained=rng.choice((1, 2, 2, 2)),
                )
            )
        self.bulk(WorkTeam, teams)

    def link_users(self):
        links = {
            "supervisor": self.supervisors[0],
            "secretary": self.township_secretaries[SECRETARY_TOWNSHIP],
            "secretary2": self.township_secretaries[SECRETARY2_TOWNSHIP],
            "cadre": self.residents[self.first_poverty_village(SECRETARY_TOWNSHIP).code][0],
            "village": self.village_secretaries[self.first_poverty_village(SECRETARY_TOWNSHIP).code],
        }
        for code, secretary in self.township_secretaries.items():
            if code not in (SECRETARY_TOWNSHIP, SECRETARY2_TOWNSHIP):
                links[f"{OTHER_SECRETARY_PREFIX}{code.lower()}"] = secretary
        for username, cadre in links.items():
            cadre.user = self.users[username]
        Cadre.objects.bulk_update(list(links.values()), ["user"], batch_size=BATCH)
        self.secretary_user = {code: c.user for code, c in self.township_secretaries.items()}
        self.supervisor_user = self.users["supervisor"]

    def first_poverty_village(self, township_code):
        return next(v for v in self.poverty_villages if v.township.code == township_code)

    # ---------------------------------------------------------------- households
    def build_households(self):
        rng = self.rng
        # weight of each village, and the share of its households in each exit group
        shares = []
        for village in self.villages:
            if village.kind == Village.Kind.COMMUNITY:
                base = 0.15
            elif village.poverty:
                base = rng.uniform(0.8, 1.3)
            else:
                base = rng.uniform(0.3, 0.5)
            if village.exited_on and village.exited_on.year == 2015:
                mix = (0.8, 0.2, 0.02)
            elif village.exited_on:
                mix = (0.25, 0.75, 0.03)
            elif village.poverty:
                mix = (0.15, 0.35, 0.5)
            else:
                mix = (0.3, 0.4, 0.3)
            shares.append([base * m for m in mix])
        size_weights = [8, 18, 24, 22, 14, 8, 4, 2]  # sizes 1..8
        mean_size = sum((i + 1) * w for i, w in enumerate(size_weights)) / sum(size_weights)
        totals = [HOUSEHOLDS_EXITED_2015, round(EXITED_PEOPLE_2016 / mean_size), HOUSEHOLDS_NOT_EXITED]
        per_group = [allocate(total, [s[g] for s in shares]) for g, total in enumerate(totals)]

        assistance = list(Household.Assistance.values)
        assistance_weights = [40, 15, 25, 10, 10]
        self.households = []
        self.village_households = defaultdict(list)
        exited_2016 = []
        for index, village in enumerate(self.villages):
            groups = [per_group[0][index], per_group[1][index], per_group[2][index]]
            groups[2] = max(groups[2], 8 - groups[0] - groups[1])  # every village gets a survey sample
            helpers = self.residents[village.code] + self.staff[self.assist_unit[village.code].name]
            number = 0
            for group, count in enumerate(groups):
                for _k in range(count):
                    number += 1
                    if rng.random() < 0.8:
                        registered = self.date_between(dt.date(2014, 4, 1), dt.date(2014, 10, 31))
                    else:
                        registered = self.date_between(dt.date(2015, 1, 5), dt.date(2015, 3, 31))
                    if group == 0:
                        exited = self.date_between(dt.date(2015, 6, 1), dt.date(2015, 12, 25))
                    elif group == 1:
                        exited = max(
                            self.date_between(dt.date(2016, 3, 1), dt.date(2016, 12, 25)) for _ in "ab"
                        )
                    else:
                        exited = None
                    size = rng.choices(range(1, 9), size_weights)[0]
                    income = rng.uniform(3300, 6500) if exited else rng.uniform(1700, 3000)
                    household = Household(
                        code=f"{village.code}-{number:04d}",
                        village=village,
                        head=self.person(),
                        size=size,
                        assistance=rng.choices(assistance, assistance_weights)[0],
                        registered_on=registered,
                        exited_on=exited,
                        income=money(round(income)),
                        unit=self.assist_unit[village.code],
                        cadre=rng.choice(helpers),
                    )
                    self.households.append(household)
                    self.village_households[village.code].append(household)
                    if group == 1:
                        exited_2016.append(household)
        # the households leaving poverty in 2016 hold exactly EXITED_PEOPLE_2016 people
        gap = EXITED_PEOPLE_2016 - sum(h.size for h in exited_2016)
        step = 1 if gap > 0 else -1
        while gap:
            household = rng.choice(exited_2016)
            if 1 <= household.size + step <= 8:
                household.size += step
                gap -= step
        self.bulk(Household, self.households)

    # ---------------------------------------------------------------- B1, B2, B4
    def build_organizations(self):
        rng = self.rng
        orgs = []
        self.committees, self.branches = {}, {}
        for township in self.townships:
            body = "工作委员会" if township.kind == Township.Kind.SUBDISTRICT else "委员会"
            org = PartyOrganization(
                name=f"中共赤水市{township.name}{body}",
                level=PartyOrganization.Level.TOWNSHIP_COMMITTEE,
                township=township,
                secretary=self.township_secretaries[township.code],
            )
            self.committees[township.code] = org
            orgs.append(org)
        for village in self.villages:
            org = PartyOrganization(
                name=f"中共{village.township.name}{village.name}支部委员会",
                level=PartyOrganization.Level.VILLAGE_BRANCH,
                township=village.township,
                village=village,
                secretary=self.village_secretaries[village.code],
            )
            self.branches[village.code] = org
            orgs.append(org)

        econ = []
        kind = EconomicOrganization.Kind
        coverage = EconomicOrganization.Coverage
        for village in self.poverty_villages:
            econ.append(
                EconomicOrganization(
                    name=f"{village.township.name}{village.name}集体经济股份合作社",
                    kind=kind.VILLAGE_ECONOMIC,
                    township=village.township,
                    village=village,
                    coverage=coverage.JOINT,
                    party_organization=self.branches[village.code],
                )
            )
        farm_villages = [v for v in self.villages if v.kind == Village.Kind.VILLAGE]
        for village in rng.sample(farm_villages, 40):
            crop = rng.choice(CROPS)
            econ.append(
                EconomicOrganization(
                    name=f"赤水市{village.name[:-1]}{crop}专业合作社",
                    kind=kind.COOPERATIVE,
                    township=village.township,
                    village=village,
                    coverage=rng.choice(
                        [coverage.SINGLE, coverage.JOINT, coverage.JOINT, coverage.INSTRUCTOR, coverage.NONE]
                    ),
                )
            )
        for township in rng.sample(self.townships[3:], 5):
            econ.append(
                EconomicOrganization(
                    name=f"赤水市{township.name}{rng.choice(CROPS)}农业产业园区",
                    kind=kind.AGRI_PARK,
                    township=township,
                    coverage=coverage.SINGLE,
                )
            )
        enterprise_words = [
            "竹木制品",
            "竹浆纸业",
            "石斛生物科技",
            "生态农业开发",
            "旅游开发",
            "食品",
            "茶业",
            "农产品物流",
            "竹笋加工",
            "电子商务",
            "养殖",
            "建材",
            "酒业",
            "中药材",
        ]
        prefixes = ["丹霞", "桫椤", "赤岩", "竹海", "红石", "四洞沟", "黔北", "赤河"]
        names = set()
        while len(names) < 22:
            names.add(f"赤水市{rng.choice(prefixes)}{rng.choice(enterprise_words)}有限公司")
        for index, name in enumerate(sorted(names)):
            leading = index % 3 == 0
            econ.append(
                EconomicOrganization(
                    name=name,
                    kind=kind.LEADING_ENTERPRISE if leading else kind.PRIVATE_ENTERPRISE,
                    township=rng.choice(self.townships),
                    coverage=coverage.SINGLE
                    if leading
                    else rng.choice([coverage.SINGLE, coverage.INSTRUCTOR, coverage.NONE]),
                )
            )
        # party organizations built in economic organizations; instructors from city organs
        for org in econ:
            if org.coverage == coverage.SINGLE:
                party = PartyOrganization(
                    name=f"中共{org.name}支部委员会",
                    level=PartyOrganization.Level.ECONOMIC,
                    township=org.township or org.village.township,
                    village=org.village,
                )
                orgs.append(party)
                org.party_organization = party
            elif org.coverage == coverage.JOINT and org.village:
                org.party_organization = self.branches[org.village.code]
            elif org.coverage == coverage.JOINT:
                org.party_organization = self.committees[org.township.code]
            elif org.coverage == coverage.INSTRUCTOR:
                org.instructor = rng.choice(self.section_leaders)
        self.bulk(PartyOrganization, orgs)
        self.bulk(EconomicOrganization, econ)
        self.enterprises = [o for o in econ if o.kind in (kind.PRIVATE_ENTERPRISE, kind.LEADING_ENTERPRISE)]

    def build_projects_and_finance(self):
        rng = self.rng
        # "1+X" pairing: thousands of yuan, split so the total is exact
        funds = allocate(PAIRING_FUNDS // 1000, [rng.uniform(0.3, 2.5) for _ in range(PAIRING_PROJECTS)])
        pairing_kinds = [
            "{crop}订单收购帮扶",
            "{crop}加工扶贫车间",
            "{animal}养殖带动",
            "乡村旅游结对帮扶",
            "电商销售帮扶",
            "务工就业帮扶",
        ]
        self.pairings = []
        for number, amount in enumerate(funds, 1):
            village = rng.choice(self.poverty_villages)
            household = rng.choice(self.village_households[village.code]) if rng.random() < 0.4 else None
            label = rng.choice(pairing_kinds).format(crop=rng.choice(CROPS), animal=rng.choice(ANIMALS)[0])
            who = f"{household.head}户" if household else ""
            self.pairings.append(
                PairingProject(
                    enterprise=rng.choice(self.enterprises),
                    village=village,
                    household=household,
                    name=f"{village.name}{who}{label}（{number:03d}）",
                    funds=money(amount * 1000),
                    started_on=self.date_between(dt.date(2016, 2, 1), dt.date(2016, 11, 30)),
                )
            )
        self.bulk(PairingProject, self.pairings)

        # collective projects: 2 or 3 in each of COLLECTIVE_VILLAGES poverty villages
        villages = sorted(rng.sample(self.poverty_villages, COLLECTIVE_VILLAGES), key=lambda v: v.code)
        per_village = allocate(COLLECTIVE_PROJECTS, [1] * len(villages))
        fiscal = allocate(
            COLLECTIVE_FISCAL // 1000, [rng.uniform(0.5, 1.5) for _ in range(COLLECTIVE_PROJECTS)]
        )
        subsidy = allocate(
            COLLECTIVE_LOAN_SUBSIDY // 1000, [rng.uniform(0.5, 1.5) for _ in range(COLLECTIVE_PROJECTS)]
        )
        sizes = [len(self.village_households[v.code]) for v in villages]
        covered = allocate(COLLECTIVE_HOUSEHOLDS, sizes)
        project_kinds = [
            "{crop}种植基地",
            "{crop}初加工厂",
            "{animal}养殖场",
            "乡村旅游接待中心",
            "农机服务队",
            "光伏发电",
            "农产品冷链仓储",
        ]
        self.collective = []
        coverage_rows = []
        number = 0
        for village, count, n_covered in zip(villages, per_village, covered, strict=True):
            chosen = rng.sample(self.village_households[village.code], n_covered)
            projects = []
            for _k in range(count):
                label = rng.choice(project_kinds).format(
                    crop=rng.choice(CROPS), animal=rng.choice(ANIMALS)[0]
                )
                project = CollectiveProject(
                    code=f"JT2016-{number + 1:03d}",
                    village=village,
                    name=f"{village.name}{label}",
                    year=YEAR,
                    fiscal_funds=money(fiscal[number] * 1000),
                    loan_subsidy=money(subsidy[number] * 1000),
                )
                number += 1
                projects.append(project)
                self.collective.append(project)
            for index, household in enumerate(chosen):
                coverage_rows.append((projects[index % count], household))
                if rng.random() < 0.1:  # some households share in two projects of their village
                    coverage_rows.append((projects[(index + 1) % count], household))
        self.bulk(CollectiveProject, self.collective)
        through = CollectiveProject.households.through
        self.bulk(
            through,
            [through(collectiveproject_id=p.pk, household_id=h.pk) for p, h in dict.fromkeys(coverage_rows)],
        )

        finances = []
        n = len(self.villages)
        for year, (pay, office, accumulation) in FINANCE.items():
            pays = allocate(pay * n, [rng.uniform(0.85, 1.15) for _ in range(n)])
            offices = allocate(office * n // 100, [rng.uniform(0.8, 1.2) for _ in range(n)])
            accumulations = allocate(
                accumulation // 100, [rng.uniform(0.2, 1.0) * (2 if v.poverty else 1) for v in self.villages]
            )
            for village, p, o, a in zip(self.villages, pays, offices, accumulations, strict=True):
                finances.append(
                    VillageFinance(
                        village=village,
                        year=year,
                        cadre_pay_monthly=money(p),
                        office_funds=money(o * 100),
                        collective_accumulation=money(a * 100),
                    )
                )
        self.bulk(VillageFinance, finances)

    # ---------------------------------------------------------------- A2, A5
    def build_contracts_problems_tasks(self):
        rng = self.rng
        problems = []
        problem_texts = {
            Factor.INDUSTRY: "主导产业规模小，贫困户参与度不高",
            Factor.PROJECT: "通组公路未硬化，雨季出行困难",
            Factor.INFORMATION: "部分贫困户信息与实际不符，需动态调整",
            Factor.TECHNOLOGY: "种养殖技术缺乏，产量不稳",
            Factor.POLICY: "政策知晓率低，部分补助未兑现",
            Factor.TALENT: "村级后备力量不足，青壮年外出务工多",
        }
        for village in self.villages:
            count = 4 if village.poverty else (1 if village.kind == Village.Kind.COMMUNITY else 2)
            for factor in rng.sample(list(Factor), count):
                households = self.village_households[village.code]
                household = rng.choice(households) if rng.random() < 0.25 else None
                text = problem_texts[factor]
                if household:
                    text = f"{household.head}户：{text}"
                problems.append(
                    Problem(
                        township=village.township,
                        village=village,
                        household=household,
                        factor=factor,
                        description=f"{village.name}{text}",
                        raised_by=self.secretary_user[village.township.code],
                        raised_on=self.date_between(dt.date(2016, 1, 4), dt.date(2016, 3, 31)),
                    )
                )

        # task specifications first: contracts count them in their targets
        specs = []  # dicts with Task fields
        township_templates = {
            Factor.INDUSTRY: [
                ("全乡镇新增{crop}种植基地", "亩", 500, 3000),
                ("培育农民专业合作社", "个", 3, 10),
            ],
            Factor.PROJECT: [("实施通组公路硬化工程", "公里", 5, 40), ("建设农村安全饮水工程", "处", 5, 20)],
            Factor.INFORMATION: [("完成建档立卡信息动态调整", "户", 0, 0)],
            Factor.TECHNOLOGY: [("开展农村实用技术培训", "人次", 200, 1500)],
            Factor.POLICY: [("落实教育精准扶贫资助", "人", 100, 800), ("落实医疗救助政策", "人", 100, 600)],
            Factor.TALENT: [("培养农村致富带头人", "名", 10, 40), ("选派党建指导员", "名", 3, 10)],
        }
        village_templates = {
            Factor.INDUSTRY: [("发展{crop}种植", "亩", 50, 500), ("发展{animal}养殖", None, 50, 800)],
            Factor.PROJECT: [("硬化通组公路", "公里", 1, 8), ("实施农村危房改造", "户", 5, 40)],
            Factor.INFORMATION: [("核查贫困户信息", "户", 0, 0)],
            Factor.TECHNOLOGY: [("开展{crop}种植技术培训", "人次", 20, 150)],
            Factor.POLICY: [("兑现生态补偿资金", "户", 10, 80), ("开展扶贫政策宣讲", "场次", 4, 12)],
            Factor.TALENT: [("培养村级后备干部", "名", 2, 2), ("组织外出务工技能培训", "人", 10, 60)],
        }
        household_templates = [
            (Factor.INDUSTRY, "帮助{head}户发展{crop}种植", "亩", 1, 5),
            (Factor.PROJECT, "完成{head}户危房改造", "户", 1, 1),
            (Factor.POLICY, "落实{head}户低保兜底", "户", 1, 1),
            (Factor.TALENT, "帮助{head}户劳动力转移就业", "人", 1, 2),
            (Factor.TECHNOLOGY, "为{head}户开展技术指导", "次", 2, 6),
        ]

        def fill(template, unit, low, high, count_default):
            crop, (animal, animal_unit) = rng.choice(CROPS), rng.choice(ANIMALS)
            title = template.format(crop=crop, animal=animal, head="{head}")
            target = count_default if high == 0 else rng.randint(low, high)
            return title, unit or animal_unit, max(target, 1)

        def dates(first_week, last_week, min_weeks, max_weeks):
            start = dt.date.fromisocalendar(YEAR, rng.randint(first_week, last_week), 1)
            due = start + dt.timedelta(weeks=rng.randint(min_weeks, max_weeks), days=-3)
            return start, min(due, dt.date(YEAR, 12, 30))

        township_households = defaultdict(int)
        for household in self.households:
            township_households[household.village.township.code] += 1
        for township in self.townships:
            secretary = self.township_secretaries[township.code]
            factors = list(Factor) + rng.sample(list(Factor), 2)
            for factor in factors:
                title, unit, target = fill(
                    *rng.choice(township_templates[factor]), township_households[township.code]
                )
                start, due = dates(1, 10, 20, 50)
                specs.append(
                    {
                        "factor": factor,
                        "township": township,
                        "village": None,
                        "household": None,
                        "owner": secretary,
                        "title": f"{township.name}{title}",
                        "unit": unit,
                        "target": target,
                        "starts_on": start,
                        "due_on": due,
                        "problem": None,
                    }
                )
        for village in self.villages:
            households = self.village_households[village.code]
            team = self.residents.get(village.code, [])
            if village.poverty:
                factors = list(Factor)
            elif village.kind == Village.Kind.COMMUNITY:
                factors = rng.sample(list(Factor), 1)
            else:
                factors = rng.sample(list(Factor), 2)
            for factor in factors:
                title, unit, target = fill(*rng.choice(village_templates[factor]), len(households))
                owner = self.village_secretaries[village.code]
                if team and factor in (Factor.INFORMATION, Factor.TECHNOLOGY):
                    owner = team[0]
                elif team and factor == Factor.TALENT:
                    owner = rng.choice(team)
                start, due = dates(1, 40, 6, 26)
                specs.append(
                    {
                        "factor": factor,
                        "township": village.township,
                        "village": village,
                        "household": None,
                        "owner": owner,
                        "title": f"{village.name}{title}",
                        "unit": unit,
                        "target": target,
                        "starts_on": start,
                        "due_on": due,
                        "problem": None,
                    }
                )
            if village.poverty:
                for household in rng.sample(households, 2):
                    factor, template, unit, low, high = rng.choice(household_templates)
                    title, unit, target = fill(template, unit, low, high, 1)
                    owner = household.cadre if household.cadre.role == Cadre.Role.RESIDENT_CADRE else team[0]
                    start, due = dates(5, 44, 4, 16)
                    specs.append(
                        {
                            "factor": factor,
                            "township": village.township,
                            "village": village,
                            "household": household,
                            "owner": owner,
                            "title": f"{village.name}{title.format(head=household.head)}",
                            "unit": unit,
                            "target": target,
                            "starts_on": start,
                            "due_on": due,
                            "problem": None,
                        }
                    )
        # about 45% of problems become tasks (the responsibility list follows the problem list)
        for problem in problems:
            if rng.random() >= 0.45:
                continue
            village = problem.village
            team = self.residents.get(village.code, [])
            owner = (
                rng.choice(team) if team and rng.random() < 0.5 else self.village_secretaries[village.code]
            )
            start = problem.raised_on + dt.timedelta(days=rng.randint(3, 20))
            start = week_start(start)
            due = min(start + dt.timedelta(weeks=rng.randint(6, 24), days=-3), dt.date(YEAR, 12, 30))
            target, unit = (1, "项") if problem.household is None else (1, "户")
            specs.append(
                {
                    "factor": problem.factor,
                    "township": problem.township,
                    "village": village,
                    "household": problem.household,
                    "owner": owner,
                    "title": f"解决：{problem.description}",
                    "unit": unit,
                    "target": target,
                    "starts_on": start,
                    "due_on": due,
                    "problem": problem,
                }
            )
        specs.sort(
            key=lambda s: (
                s["starts_on"],
                s["township"].code,
                s["village"].code if s["village"] else "",
                s["title"],
            )
        )
        resident_codes = {c.code for c in self.all_residents}

        # A2: contracts for 2016, targets taken from the data
        hh_exit = defaultdict(lambda: [0, 0])  # place code -> [households, people] exiting 2016
        for household in self.households:
            if household.exited_on and household.exited_on.year == YEAR:
                for key in (household.village.code, household.village.township.code):
                    hh_exit[key][0] += 1
                    hh_exit[key][1] += household.size
        funds = defaultdict(int)
        for project in self.collective:
            for key in (project.village.code, project.village.township.code):
                funds[key] += project.fiscal_funds
        for project in self.pairings:
            for key in (project.village.code, project.village.township.code):
                funds[key] += project.funds
        tasks_in = defaultdict(int)
        for spec in specs:
            tasks_in[spec["township"].code] += 1
            if spec["village"] is not None:
                team = spec["owner"].code in resident_codes
                tasks_in[(spec["village"].code, "team" if team else "branch")] += 1
        contracts = []
        self.township_contracts, self.village_contracts = {}, {}
        for township in self.townships:
            exiting = [
                v
                for v in self.villages
                if v.township is township and v.exited_on and v.exited_on.year == YEAR
            ]
            contract = Contract(
                party=Contract.Party.TOWNSHIP_COMMITTEE,
                year=YEAR,
                township=township,
                signed_by=self.township_secretaries[township.code],
                signed_on=dt.date(YEAR, 1, 15),
                target_households=hh_exit[township.code][0],
                target_people=hh_exit[township.code][1],
                target_villages=len(exiting),
                target_tasks=tasks_in[township.code],
                target_funds=money(funds[township.code]),
                township_exit=bool(township.exited_on and township.exited_on.year == YEAR),
            )
            self.township_contracts[township.code] = contract
            contracts.append(contract)
        for village in self.poverty_villages:
            exits = int(bool(village.exited_on and village.exited_on.year == YEAR))
            for party, signer, key in (
                (Contract.Party.VILLAGE_BRANCH, self.village_secretaries[village.code], "branch"),
                (Contract.Party.WORK_TEAM, self.residents[village.code][0], "team"),
            ):
                contract = Contract(
                    party=party,
                    year=YEAR,
                    township=village.township,
                    village=village,
                    signed_by=signer,
                    signed_on=dt.date(YEAR, 1, 22),
                    target_households=hh_exit[village.code][0],
                    target_people=hh_exit[village.code][1],
                    target_villages=exits,
                    target_tasks=tasks_in[(village.code, key)],
                    target_funds=money(funds[village.code]),
                )
                self.village_contracts[(village.code, key)] = contract
                contracts.append(contract)
        self.bulk(Contract, contracts)
        self.bulk(Problem, problems)

        self.tasks = []
        for number, spec in enumerate(specs, 1):
            village = spec["village"]
            team = spec["owner"].code in resident_codes
            contract = None
            if village is not None and village.poverty:
                contract = self.village_contracts[(village.code, "team" if team else "branch")]
            else:
                contract = self.township_contracts[spec["township"].code]
            task = Task(
                code=f"RW2016-{number:04d}",
                title=spec["title"][:200],
                factor=spec["factor"],
                township=spec["township"],
                village=village,
                household=spec["household"],
                contract=contract,
                problem=spec["problem"],
                owner=spec["owner"],
                starts_on=spec["starts_on"],
                due_on=spec["due_on"],
                target=money(spec["target"]),
                unit=spec["unit"],
            )
            self.tasks.append(task)
        self.bulk(Task, self.tasks)
        self.problems = problems

    # ---------------------------------------------------------------- A6
    def build_reports_and_locks(self):
        rng = self.rng
        last_week = dt.date.fromisocalendar(YEAR, 52, 1)
        reports = []
        self.task_profile, self.task_final = {}, {}
        for task in self.tasks:
            profile = rng.choices(["on_track", "lagging", "stalled"], [76, 15, 9])[0]
            first = week_start(task.starts_on)
            final_week = min(week_start(task.due_on), last_week)
            weeks = []
            week = first
            while week <= final_week:
                weeks.append(week)
                week += dt.timedelta(weeks=1)
            goal = {"on_track": 1.0, "lagging": rng.uniform(0.55, 0.9), "stalled": rng.uniform(0.3, 0.7)}[
                profile
            ]
            stop = len(weeks) if profile != "stalled" else max(1, int(len(weeks) * rng.uniform(0.4, 0.7)))
            missing = {"on_track": 0.05, "lagging": 0.15, "stalled": 0.3}[profile]
            value = Decimal(0)
            reporter = task.owner.user or self.secretary_user[task.township.code]
            for index, week in enumerate(weeks):
                is_last = index == len(weeks) - 1
                if index and not (is_last and profile == "on_track") and rng.random() < missing:
                    continue
                progress = goal * min(1.0, (index + 1) / stop) ** rng.uniform(0.8, 1.2)
                if profile == "on_track" and is_last:
                    progress = 1.0
                value = max(value, money(float(task.target) * progress))
                percent = min(Decimal(100), (value * 100 / task.target).quantize(Decimal("0.1")))
                report = ProgressReport(
                    task=task,
                    week=week,
                    value=value,
                    percent=percent,
                    note=rng.choice(REPORT_NOTES[profile]),
                    reporter=reporter,
                )
                # the audit history shows who filed it, on the Friday of its week
                report._history_user = reporter
                report._history_date = filed_at(week)
                reports.append(report)
            self.task_profile[task.code] = profile
            self.task_final[task.code] = float(value / task.target) if weeks else 0.0
        bulk_create_with_history(reports, ProgressReport, batch_size=BATCH)
        self.report_count = len(reports)
        # every week of 2016 is published (locked) except the last two
        locks = [
            WeekLock(week=dt.date.fromisocalendar(YEAR, n, 1), locked_by=self.supervisor_user)
            for n in range(1, 51)
        ]
        self.bulk(WeekLock, locks)
        # problems whose task was finished are closed
        solved = {
            id(t.problem): t for t in self.tasks if t.problem and self.task_profile[t.code] == "on_track"
        }
        closed = []
        for problem in self.problems:
            if id(problem) in solved:
                problem.closed_on = solved[id(problem)].due_on
                problem.resolution = "已按责任清单完成整改"
                closed.append(problem)
        Problem.objects.bulk_update(closed, ["closed_on", "resolution"], batch_size=BATCH)

    # ---------------------------------------------------------------- A3
    def build_evaluations(self):
        rng = self.rng
        village_perf = defaultdict(list)
        for task in self.tasks:
            if task.village_id:
                village_perf[task.village.code].append(min(1.0, self.task_final[task.code]))
        dates = {
            1: dt.date(2016, 4, 8),
            2: dt.date(2016, 7, 8),
            3: dt.date(2016, 10, 10),
            4: dt.date(2016, 12, 28),
        }
        comments = {
            Evaluation.Grade.EXCELLENT: "任务推进有力，群众评价高",
            Evaluation.Grade.GOOD: "工作扎实，个别任务需加快",
            Evaluation.Grade.QUALIFIED: "完成基本任务，进度偏慢",
            Evaluation.Grade.UNQUALIFIED: "任务严重滞后，需限期整改",
        }

        def grade(score):
            if score >= 90:
                return Evaluation.Grade.EXCELLENT
            if score >= 80:
                return Evaluation.Grade.GOOD
            if score >= 60:
                return Evaluation.Grade.QUALIFIED
            return Evaluation.Grade.UNQUALIFIED

        evaluations = []

        def add(level, cycle, period, evaluator, village, cadre, base, on):
            score = Decimal(str(round(max(40.0, min(99.0, base + rng.gauss(0, 4))), 1)))
            evaluations.append(
                Evaluation(
                    level=level,
                    cycle=cycle,
                    year=YEAR,
                    period=period,
                    evaluator=evaluator,
                    village=village,
                    cadre=cadre,
                    score=score,
                    grade=grade(score),
                    comment=comments[grade(score)],
                    evaluated_on=on,
                )
            )

        self.cadre_base = {}
        for village in self.villages:
            perf = village_perf[village.code]
            base = 70 + 25 * (sum(perf) / len(perf) if perf else 0.8)
            secretary = self.township_secretaries[village.township.code]
            for quarter, on in dates.items():
                add(
                    Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
                    Evaluation.Cycle.QUARTERLY,
                    quarter,
                    secretary,
                    village,
                    None,
                    base,
                    on,
                )
            add(
                Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
                Evaluation.Cycle.ANNUAL,
                1,
                secretary,
                village,
                None,
                base,
                dt.date(2016, 12, 30),
            )
            for resident in self.residents.get(village.code, []):
                cadre_base = base + rng.uniform(-8, 6)
                self.cadre_base[resident.code] = cadre_base
                evaluator = self.village_secretaries[village.code]
                for quarter, on in dates.items():
                    add(
                        Evaluation.Level.VILLAGE_RATES_CADRE,
                        Evaluation.Cycle.QUARTERLY,
                        quarter,
                        evaluator,
                        village,
                        resident,
                        cadre_base,
                        on,
                    )
                add(
                    Evaluation.Level.VILLAGE_RATES_CADRE,
                    Evaluation.Cycle.ANNUAL,
                    1,
                    evaluator,
                    village,
                    resident,
                    cadre_base,
                    dt.date(2016, 12, 30),
                )
        self.bulk(Evaluation, evaluations)
        self.evaluation_count = len(evaluations)

    # ---------------------------------------------------------------- A7–A10, C4
    def build_inspections_and_actions(self):
        rng = self.rng
        inspections, findings = [], []
        category_texts = {
            Finding.Category.IDENTIFICATION: "贫困户识别",
            Finding.Category.PROJECT_INTEGRATION: "涉农项目整合",
            Finding.Category.TASK_PROGRESS: "任务推进",
            Finding.Category.CADRES_ON_POST: "驻村干部在岗",
            Finding.Category.FUNDS_USE: "扶贫资金使用",
        }
        severity_texts = {
            Finding.Severity.OK: "符合要求",
            Finding.Severity.MINOR: "存在一般问题，已要求整改",
            Finding.Severity.SERIOUS: "存在严重问题，移交问责",
        }

        def add_findings(inspection, categories):
            for category in categories:
                severity = rng.choices(list(Finding.Severity), [60, 30, 10])[0]
                rectify_by = rectified = None
                if severity != Finding.Severity.OK:
                    rectify_by = inspection.held_on + dt.timedelta(days=30)
                    if rng.random() < 0.8:
                        rectified = inspection.held_on + dt.timedelta(days=rng.randint(5, 40))
                findings.append(
                    Finding(
                        inspection=inspection,
                        category=category,
                        severity=severity,
                        description=f"{category_texts[category]}{severity_texts[severity]}",
                        rectify_by=rectify_by,
                        rectified_on=rectified,
                    )
                )

        quarter_months = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
        for township in self.townships:
            own = [v for v in self.villages if v.township is township]
            for quarter, (first, last) in quarter_months.items():
                village = rng.choice(own)
                held = self.date_between(dt.date(YEAR, first, 5), dt.date(YEAR, last, 25))
                inspection = Inspection(
                    kind=Inspection.Kind.MUST_CHECK,
                    held_on=held,
                    township=township,
                    village=village,
                    inspector=rng.choice(self.supervisors),
                    summary=f"{township.name}{village.name}第{quarter}季度五必查",
                    recorded_by=self.supervisor_user,
                )
                inspections.append(inspection)
                add_findings(inspection, list(Finding.Category))
        city_leaders = self.unit_heads[[u.name for u in self.units].index(CITY_LEADERS_UNIT)]
        heads_by_unit = {c.unit.name: c for c in self.unit_heads}
        staff_by_unit = defaultdict(lambda: defaultdict(list))
        for cadre in self.section_leaders + self.ordinary:
            staff_by_unit[cadre.unit.name][cadre.role].append(cadre)
        spot_checks = []
        for level in Inspection.SpotLevel:
            for _k in range(10):
                unit = rng.choice(self.city_units[:-2])
                staff = staff_by_unit[unit.name]
                inspector, inspected = {
                    Inspection.SpotLevel.CITY_LEADERS: (city_leaders, rng.choice(self.supervisors)),
                    Inspection.SpotLevel.SUPERVISION_BUREAU: (
                        rng.choice(self.supervisors),
                        heads_by_unit[unit.name],
                    ),
                    Inspection.SpotLevel.UNIT_HEADS: (
                        heads_by_unit[unit.name],
                        rng.choice(staff[Cadre.Role.SECTION_LEADER]),
                    ),
                    Inspection.SpotLevel.DEPUTIES: (
                        rng.choice(staff[Cadre.Role.SECTION_LEADER]),
                        rng.choice(staff[Cadre.Role.ORDINARY]),
                    ),
                    Inspection.SpotLevel.SECTION_CADRES: tuple(rng.sample(staff[Cadre.Role.ORDINARY], 2)),
                }[level]
                inspection = Inspection(
                    kind=Inspection.Kind.SPOT_CHECK,
                    spot_level=level,
                    held_on=self.date_between(dt.date(YEAR, 2, 1), dt.date(YEAR, 12, 15)),
                    inspector=inspector,
                    inspected_cadre=inspected,
                    summary=f"{Inspection.SpotLevel(level).label}：{inspected.name}",
                    recorded_by=self.supervisor_user,
                )
                inspections.append(inspection)
                spot_checks.append(inspection)
                add_findings(
                    inspection,
                    rng.sample(
                        [Finding.Category.CADRES_ON_POST, Finding.Category.TASK_PROGRESS], rng.randint(1, 2)
                    ),
                )
        unannounced = []
        for month in range(1, 13):
            for _k in range(3):
                village = rng.choice(self.poverty_villages)
                inspection = Inspection(
                    kind=Inspection.Kind.UNANNOUNCED,
                    held_on=self.date_between(dt.date(YEAR, month, 1), dt.date(YEAR, month, 28)),
                    township=village.township,
                    village=village,
                    inspector=rng.choice(self.supervisors),
                    summary=f"暗查{village.township.name}{village.name}驻村工作组在岗情况",
                    recorded_by=self.supervisor_user,
                )
                inspections.append(inspection)
                unannounced.append(inspection)
                add_findings(inspection, [Finding.Category.CADRES_ON_POST, Finding.Category.TASK_PROGRESS])
        self.bulk(Inspection, inspections)
        self.bulk(Finding, findings)
        self.inspections = inspections

        # accountability actions of 2016
        lagging_by_owner = defaultdict(list)
        for task in self.tasks:
            if self.task_profile[task.code] != "on_track":
                lagging_by_owner[task.owner.code].append(task)
        sources = spot_checks + unannounced
        reasons = [
            "履职不到位，脱贫攻坚任务推进缓慢",
            "驻村期间多次不在岗",
            "工作滞后、情况不清，影响任务落实",
            "扶贫资金拨付迟缓",
            "对督查发现问题整改不力",
        ]
        actions = []

        def act(kind, cadre, rank, reason=None):
            decided = self.date_between(dt.date(YEAR, 2, 15), dt.date(YEAR, 12, 20))
            earlier = [i for i in sources if i.held_on <= decided]
            lagging = [t for t in lagging_by_owner.get(cadre.code, []) if t.starts_on <= decided]
            actions.append(
                AccountabilityAction(
                    kind=kind,
                    cadre=cadre,
                    rank=rank,
                    decided_on=decided,
                    reason=reason or rng.choice(reasons),
                    inspection=rng.choice(earlier) if earlier and rng.random() < 0.6 else None,
                    task=rng.choice(lagging) if lagging else None,
                    recorded_by=self.supervisor_user,
                )
            )

        pools = {
            Rank.UNIT_HEAD: self.unit_heads,
            Rank.SECTION_LEVEL: self.section_leaders,
            Rank.ORDINARY: self.ordinary + self.all_residents,
        }
        talked = []
        for rank, count in WARNING_TALKS.items():
            for cadre in rng.sample(pools[rank], count):
                act(AccountabilityAction.Kind.WARNING_TALK, cadre, rank)
                talked.append((cadre, rank))
        for cadre, rank in rng.sample(talked, 12):  # talked to twice
            act(AccountabilityAction.Kind.WARNING_TALK, cadre, rank)
        for _k in range(24):
            rank = rng.choice(list(Rank))
            act(AccountabilityAction.Kind.CRITICISM, rng.choice(pools[rank]), rank)
        lagging_villages = [v for v in self.poverty_villages if not v.exited_on]
        for village in rng.sample(lagging_villages, 6):
            act(
                AccountabilityAction.Kind.ORG_HANDLING,
                self.village_secretaries[village.code],
                Rank.ORDINARY,
                "村级脱贫任务进度严重滞后，予以组织处理",
            )
        self.vetoed_secretary = self.township_secretaries[VETOED_TOWNSHIP]
        self.vetoed_head = rng.choice([h for h in self.unit_heads if h.unit in self.city_units])
        act(
            AccountabilityAction.Kind.ONE_VOTE_VETO,
            self.vetoed_secretary,
            Rank.SECTION_LEVEL,
            "脱贫攻坚慢作为、不作为，年终考核一票否决",
        )
        act(
            AccountabilityAction.Kind.ONE_VOTE_VETO,
            self.vetoed_head,
            Rank.UNIT_HEAD,
            "挂帮工作乱作为，年终考核一票否决",
        )
        self.bulk(AccountabilityAction, actions)
        self.action_count = len(actions)

    def build_commendations(self):
        rng = self.rng
        ranked = sorted(self.all_residents, key=lambda c: (-self.cadre_base[c.code], c.code))
        commendations = []
        for cadre in ranked[:PROMOTIONS]:
            commendations.append(
                Commendation(
                    kind=Commendation.Kind.PROMOTED,
                    cadre=cadre,
                    decided_on=self.date_between(dt.date(YEAR, 9, 1), dt.date(YEAR, 12, 20)),
                    title=f"提拔为{rng.choice(self.townships).name}副科级领导干部",
                )
            )
        honours = ["全省优秀驻村干部", "赤水市脱贫攻坚先进个人", "文朝荣式好支书", "优秀村级党组织书记"]
        secretaries = sorted(self.village_secretaries.values(), key=lambda c: c.code)
        for cadre in ranked[PROMOTIONS : PROMOTIONS + 20] + rng.sample(secretaries, 12):
            commendations.append(
                Commendation(
                    kind=Commendation.Kind.COMMENDED,
                    cadre=cadre,
                    decided_on=self.date_between(dt.date(YEAR, 6, 25), dt.date(YEAR, 12, 25)),
                    title=rng.choice(honours[:2] if cadre.role == Cadre.Role.RESIDENT_CADRE else honours[2:]),
                )
            )
        self.bulk(Commendation, commendations)

    # ---------------------------------------------------------------- C2
    def build_survey(self):
        rng = self.rng
        rounds = [SurveyRound(year=YEAR, number=n, held_on=on) for n, on in enumerate(SURVEY_DATES, 1)]
        self.bulk(SurveyRound, rounds)
        township_base = {t.code: rng.uniform(0.55, 0.85) for t in self.townships}
        item_effect = {item.code: rng.uniform(-0.12, 0.08) for item in self.items}
        answers = []
        self.satisfaction = defaultdict(list)  # township code -> points 0..100
        for number, survey_round in enumerate(rounds):
            for village in self.villages:
                noise = rng.uniform(-0.05, 0.05)
                for household in rng.sample(self.village_households[village.code], SURVEY_SAMPLE):
                    for item in self.items:
                        p_sat = (
                            township_base[village.township.code]
                            + item_effect[item.code]
                            + 0.05 * number
                            + noise
                        )
                        p_sat = min(0.97, max(0.2, p_sat))
                        p_dis = (1 - p_sat) * 0.35
                        draw = rng.random()
                        level = 3 if draw < p_sat else (1 if draw < p_sat + p_dis else 2)
                        answers.append(
                            SurveyAnswer(round=survey_round, household=household, item=item, level=level)
                        )
                        self.satisfaction[village.township.code].append((level - 1) * 50)
        self.bulk(SurveyAnswer, answers)
        self.answer_count = len(answers)

    # ---------------------------------------------------------------- C5
    def build_outreach_and_outcomes(self):
        rng = self.rng
        events = []
        titles = {
            OutreachEvent.Kind.POLICY_TRAINING: "扶贫政策宣传培训班",
            OutreachEvent.Kind.SKILLS_TRAINING: "贫困群众{crop}种植技能培训",
            OutreachEvent.Kind.LONGMENZHEN: "百姓龙门阵：脱贫路上话变化",
            OutreachEvent.Kind.NIGHT_SCHOOL: "农民夜校：{crop}管护",
            OutreachEvent.Kind.MORAL_HALL: "道德讲堂：孝老爱亲",
            OutreachEvent.Kind.REMOTE_EDUCATION: "远程教育：{crop}病虫害防治",
        }
        for kind, (count, attendance) in OUTREACH_TOTALS.items():
            people = allocate(attendance, [rng.uniform(0.5, 1.5) for _ in range(count)])
            for number, n in enumerate(people, 1):
                township = rng.choice(self.townships)
                village = None
                if kind == OutreachEvent.Kind.SKILLS_TRAINING:
                    village = rng.choice(self.villages)
                    township = village.township
                events.append(
                    OutreachEvent(
                        kind=kind,
                        title=f"{titles[kind].format(crop=rng.choice(CROPS))}（第{number}期）",
                        township=township,
                        village=village,
                        attendance=n,
                        held_on=self.date_between(dt.date(YEAR, 1, 10), dt.date(YEAR, 12, 20)),
                    )
                )
        for kind, count in OUTREACH_OTHER.items():
            for _k in range(count):
                village = rng.choice(self.villages)
                events.append(
                    OutreachEvent(
                        kind=kind,
                        title=titles[kind].format(crop=rng.choice(CROPS)),
                        township=village.township,
                        village=village,
                        attendance=rng.randint(20, 120),
                        held_on=self.date_between(dt.date(YEAR, 1, 10), dt.date(YEAR, 12, 20)),
                    )
                )
        self.bulk(OutreachEvent, events)

        outcomes = []
        workers = [h for h in self.households if h.size >= 3]
        chosen = rng.sample(workers, JOB_TRANSFER_ROWS)
        extra = set(rng.sample(range(JOB_TRANSFER_ROWS), JOB_TRANSFER_PEOPLE - 2 * JOB_TRANSFER_ROWS))
        for index, household in enumerate(chosen):
            outcomes.append(
                LivelihoodOutcome(
                    kind=LivelihoodOutcome.Kind.JOB_TRANSFER,
                    village=household.village,
                    household=household,
                    people=3 if index in extra else 2,
                    started_on=self.date_between(dt.date(YEAR, 1, 5), dt.date(YEAR, 12, 20)),
                    note=rng.choice(["浙江务工", "广东务工", "市内企业就业", "县内园区就业", "公益性岗位"]),
                )
            )
        for kind, count in SELF_EMPLOYMENT.items():
            for _k in range(count):
                village = rng.choice(self.villages)
                household = rng.choice(self.village_households[village.code]) if rng.random() < 0.7 else None
                outcomes.append(
                    LivelihoodOutcome(
                        kind=kind,
                        village=village,
                        household=household,
                        people=rng.randint(1, 4),
                        started_on=self.date_between(dt.date(YEAR, 1, 5), dt.date(YEAR, 12, 20)),
                    )
                )
        self.bulk(LivelihoodOutcome, outcomes)
        self.outcome_count, self.event_count = len(outcomes), len(events)

    # ---------------------------------------------------------------- C2, C4
    def build_year_end_scores(self):
        rng = self.rng
        on_time = defaultdict(list)  # township code -> 1 for each task finished on time, else 0
        for task in self.tasks:
            on_time[task.township.code].append(int(self.task_profile[task.code] == "on_track"))
        scores = []

        def rating(total, vetoed):
            if vetoed:
                return YearEndScore.Rating.UNQUALIFIED
            if total >= 90:
                return YearEndScore.Rating.EXCELLENT
            if total >= 80:
                return YearEndScore.Rating.COMPETENT
            if total >= 70:
                return YearEndScore.Rating.BASIC
            return YearEndScore.Rating.UNQUALIFIED

        def add(township, cadre, work, satisfaction, vetoed):
            work = Decimal(str(round(work, 1)))
            satisfaction = Decimal(str(round(satisfaction, 1)))
            total = YearEndScore.combine(work, satisfaction)
            scores.append(
                YearEndScore(
                    year=YEAR,
                    township=township,
                    cadre=cadre,
                    work_score=work,
                    satisfaction_score=satisfaction,
                    total=total,
                    vetoed=vetoed,
                    rating=rating(total, vetoed),
                )
            )

        for township in self.townships:
            done = on_time[township.code]
            work = min(99.0, 55 + 45 * sum(done) / len(done) + rng.uniform(-3, 3))
            points = self.satisfaction[township.code]
            satisfaction = sum(points) / len(points)
            vetoed = township.code == VETOED_TOWNSHIP
            add(township, None, work, satisfaction, vetoed)
            add(
                None,
                self.township_secretaries[township.code],
                work + rng.uniform(-3, 3),
                satisfaction,
                vetoed,
            )
        add(None, self.vetoed_head, rng.uniform(70, 85), rng.uniform(60, 80), True)
        self.bulk(YearEndScore, scores)

    # ---------------------------------------------------------------- A7
    def build_exposures(self):
        rng = self.rng
        stalled = [t for t in self.tasks if self.task_profile[t.code] == "stalled"]
        done = [t for t in self.tasks if self.task_profile[t.code] == "on_track" and t.village_id]
        exposures = []
        for task in rng.sample(stalled, 8):
            exposures.append(
                Exposure(
                    kind=Exposure.Kind.EXPOSED,
                    township=task.township,
                    task=task,
                    aired_on=max(task.starts_on + dt.timedelta(weeks=6), dt.date(YEAR, 3, 1)),
                    title=f"电视问政：{task.title}进度滞后",
                )
            )
        for task in rng.sample(done, 4):
            exposures.append(
                Exposure(
                    kind=Exposure.Kind.PRAISED,
                    township=task.township,
                    task=task,
                    aired_on=task.due_on,
                    title=f"经验做法：{task.title}",
                )
            )
        self.bulk(Exposure, exposures)

    # ---------------------------------------------------------------- this week
    def build_current_work(self):
        """A few tasks running now, dated from the day the demo is built and not reported yet,
        so the demo logins have this week's report to file. Nothing of 2016 changes."""
        this_week = week_start(today())
        village = self.first_poverty_village(SECRETARY_TOWNSHIP)
        places = {
            code: next(t for t in self.townships if t.code == code)
            for code in (SECRETARY_TOWNSHIP, SECRETARY2_TOWNSHIP)
        }
        first, second = (
            self.township_secretaries[SECRETARY_TOWNSHIP],
            self.township_secretaries[SECRETARY2_TOWNSHIP],
        )
        specs = [
            (
                places[SECRETARY_TOWNSHIP],
                None,
                first,
                Factor.INFORMATION,
                "完成建档立卡信息年度复核",
                "户",
                120,
                6,
            ),
            (
                places[SECRETARY_TOWNSHIP],
                None,
                first,
                Factor.TECHNOLOGY,
                "组织冬季农村实用技术培训",
                "人次",
                300,
                8,
            ),
            (
                places[SECRETARY_TOWNSHIP],
                village,
                self.village_secretaries[village.code],
                Factor.PROJECT,
                f"{village.name}硬化通组公路",
                "公里",
                3,
                10,
            ),
            (
                places[SECRETARY_TOWNSHIP],
                village,
                self.residents[village.code][0],
                Factor.INDUSTRY,
                f"{village.name}发展林下养殖",
                "户",
                25,
                9,
            ),
            (
                places[SECRETARY2_TOWNSHIP],
                None,
                second,
                Factor.POLICY,
                "落实冬春困难群众救助政策",
                "户",
                80,
                5,
            ),
            (places[SECRETARY2_TOWNSHIP], None, second, Factor.TALENT, "培养农村致富带头人", "名", 12, 10),
        ]
        self.bulk(
            Task,
            [
                Task(
                    code=f"RW{this_week.year}-C{number:02d}",
                    title=title,
                    factor=factor,
                    township=township,
                    village=place,
                    owner=owner,
                    starts_on=this_week - dt.timedelta(weeks=3),
                    due_on=this_week + dt.timedelta(weeks=weeks, days=4),
                    target=Decimal(target),
                    unit=unit,
                )
                for number, (township, place, owner, factor, title, unit, target, weeks) in enumerate(
                    specs, 1
                )
            ],
        )

    def counts(self):
        return {
            Township._meta.verbose_name_plural: len(self.townships),
            Village._meta.verbose_name_plural: len(self.villages),
            Household._meta.verbose_name_plural: len(self.households),
            Cadre._meta.verbose_name_plural: Cadre.objects.count(),
            Task._meta.verbose_name_plural: len(self.tasks),
            ProgressReport._meta.verbose_name_plural: self.report_count,
            Evaluation._meta.verbose_name_plural: self.evaluation_count,
            Inspection._meta.verbose_name_plural: len(self.inspections),
            AccountabilityAction._meta.verbose_name_plural: self.action_count,
            PairingProject._meta.verbose_name_plural: len(self.pairings),
            CollectiveProject._meta.verbose_name_plural: len(self.collective),
            SurveyAnswer._meta.verbose_name_plural: self.answer_count,
            OutreachEvent._meta.verbose_name_plural: self.event_count,
            LivelihoodOutcome._meta.verbose_name_plural: self.outcome_count,
        }


class DemoError(Exception):
    """The demo cannot be built (the message says why, in Chinese)."""


def build():
    """Replace the county data with the demo county. Returns {label: count}."""
    foreign = foreign_townships().values_list("code", flat=True)[:5]
    if foreign:
        raise DemoError(
            _("数据库中已有非演示数据（乡镇编码：%(codes)s），演示数据不会覆盖它。请换一个空数据库。")
            % {"codes": "、".join(foreign)}
        )
    # data is written in Chinese whatever language the caller has active
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        clear()
        builder = Builder()
        builder.run()
        summaries.rebuild()
        return builder.counts()
