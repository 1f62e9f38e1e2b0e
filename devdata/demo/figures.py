"""The demo's fixed figures: the 2016 totals of the case report (DOMAIN.md) that the demo
county reproduces exactly, its townships, and the demo logins."""

import datetime as dt

from accountability.models import Rank
from villages import roles
from villages.models import LivelihoodOutcome, OutreachEvent, Township

SEED = 20160101
YEAR = 2016
PASSWORD = "chishui-demo"

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
    "surveyor": roles.SURVEY_WORKER,
}
SURVEY_WORKER_USERNAME, SURVEY_WORKER_NAME = "surveyor", "陈晓燕"
# the name the header shows for a login without a cadre (the others show their cadre's)
ADMIN_NAME = "周敏"
# 2016's unfinished tasks are closed out at the year-end review, the first Friday of 2017
CLOSE_OUT_ON = dt.date(2017, 1, 6)
OTHER_SECRETARY_PREFIX = "secretary-"  # township secretaries without a demo password


def demo_usernames():
    """Every login the demo creates: the demo logins and the other townships' secretaries."""
    return list(DEMO_LOGINS) + [
        f"{OTHER_SECRETARY_PREFIX}{code.lower()}"
        for code in DEMO_TOWNSHIP_CODES
        if code not in (SECRETARY_TOWNSHIP, SECRETARY2_TOWNSHIP)
    ]


# The headline (villages/headline.py): households identified during 2016 (动态调整) and
# households back in poverty in 2016, then the statistics bureau's yearly figures per
# township. The incidence (7.48% at the end of 2016, 5.5 points below 2015) is not stored
# anywhere: villages/headline.py computes it from these rows and the households.
IDENTIFIED_HOUSEHOLDS_2016 = 420
RETURNED_HOUSEHOLDS_2016 = 60
RETURN_REASONS = ["因病返贫", "因灾返贫", "因学返贫", "因残返贫", "务工收入下降"]
# township code: (rural registered population 2015, 2016)
RURAL_POPULATION = {
    "CS01": (13_870, 14_045),
    "CS02": (17_697, 17_920),
    "CS03": (17_218, 17_435),
    "CS04": (36_828, 37_293),
    "CS05": (43_524, 44_073),
    "CS06": (34_915, 35_355),
    "CS07": (41_611, 42_136),
    "CS08": (38_742, 39_230),
    "CS09": (39_698, 40_198),
    "CS10": (36_828, 37_292),
    "CS11": (38_742, 39_230),
    "CS12": (34_915, 35_355),
    "CS13": (30_611, 30_996),
    "CS14": (37_307, 37_777),
    "CS15": (28_697, 29_059),
    "CS16": (35_393, 35_840),
    "CS17": (27_741, 28_090),
}
# township code: (rural disposable income per head 2015, 2016), yuan
INCOME_PER_HEAD = {
    "CS01": (11_820, 12_860),
    "CS02": (11_540, 12_610),
    "CS03": (11_260, 12_330),
    "CS04": (9_760, 10_690),
    "CS05": (9_480, 10_420),
    "CS06": (9_350, 10_250),
    "CS07": (9_620, 10_540),
    "CS08": (9_410, 10_330),
    "CS09": (9_180, 10_060),
    "CS10": (9_290, 10_180),
    "CS11": (9_230, 10_110),
    "CS12": (9_330, 10_240),
    "CS13": (8_860, 9_780),
    "CS14": (8_420, 9_260),
    "CS15": (8_640, 9_540),
    "CS16": (8_590, 9_470),
    "CS17": (8_950, 9_850),
}
