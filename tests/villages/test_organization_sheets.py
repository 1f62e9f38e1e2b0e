"""The organization sheets of FORMATS.md (party_orgs … village_finance) load through the one
registry engine: all or nothing, idempotent, in the template, with the B3/C3 rules."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    PairingProject,
    PartyOrganization,
    VillageFinance,
    WorkTeam,
)
from villages.registry import engine

pytestmark = pytest.mark.django_db

ORG_SHEETS = [
    "party_orgs",
    "economic_orgs",
    "work_teams",
    "pairing",
    "collective_projects",
    "collective_households",
    "village_finance",
]


def csv_file(name, rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return (f"{name}.csv", buffer.getvalue().encode("utf-8"))


def counts():
    links = CollectiveProject.households.through.objects.count()
    models = [
        PartyOrganization,
        EconomicOrganization,
        WorkTeam,
        PairingProject,
        CollectiveProject,
        VillageFinance,
    ]
    return {m.__name__: m.objects.count() for m in models} | {"links": links}


@pytest.fixture
def registry(village_a, village_b):
    Household.objects.create(
        code="H1",
        village=village_a,
        head="张三",
        size=3,
        assistance="industry",
        registered_on=dt.date(2015, 1, 5),
    )
    Household.objects.create(
        code="H2",
        village=village_b,
        head="李四",
        size=2,
        assistance="industry",
        registered_on=dt.date(2015, 1, 5),
    )
    Cadre.objects.create(code="S1", name="王书记", role=Cadre.Role.VILLAGE_SECRETARY, village=village_a)
    Cadre.objects.create(code="I1", name="赵指导员", role=Cadre.Role.SECTION_LEADER)
    return village_a


def files(**overrides):
    sheets = {
        "party_orgs": [
            ["code", "name", "level", "township", "village", "secretary"],
            ["P1", "甲镇党委", "乡镇（街道）党（工）委", "T-A", "", ""],
            ["P2", "甲一村党支部", "village_branch", "T-A", "V-A1", "S1"],
        ],
        "economic_orgs": [
            ["编码", "名称", "类型", "乡镇编码", "村编码", "党建覆盖方式", "党组织编码", "党建指导员编号"],
            ["E1", "甲一村合作社", "cooperative", "T-A", "V-A1", "joint", "P2", ""],
            ["E2", "赤水竹业有限公司", "非公企业", "T-A", "", "instructor", "", "I1"],
        ],
        "work_teams": [
            ["village", "unit", "started_on", "ends_on", "withdrawn_on", "reserve_trained"],
            ["V-A1", "市农牧局", "2015-03-01", "2017-03-01", "", "2"],
        ],
        "pairing": [
            ["code", "enterprise", "village", "household", "name", "funds", "started_on"],
            ["X1", "E2", "V-A1", "H1", "竹笋订单收购", "120000", "2016-04-01"],
            ["X2", "E2", "V-A1", "", "务工就业帮扶", "80,000.50", "2016-05-01"],
        ],
        "collective_projects": [
            ["code", "village", "name", "year", "fiscal_funds", "loan_subsidy"],
            ["J1", "V-A1", "石斛种植基地", "2016", "500000", ""],
        ],
        "collective_households": [["project", "household"], ["J1", "H1"]],
        "village_finance": [
            ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"],
            ["V-A1", "2015", "1290", "23000", "90000"],
            ["V-A1", "2016", "2764", "45000", "390000"],
        ],
    }
    sheets.update(overrides)
    return [csv_file(name, rows) for name, rows in sheets.items()]


def test_all_seven_sheets_load_and_reloading_changes_nothing(registry):
    report = engine.load(files())

    assert report.ok, report.errors
    assert {k: v["create"] for k, v in report.counts.items()} == {
        "party_orgs": 2,
        "economic_orgs": 2,
        "work_teams": 1,
        "pairing": 2,
        "collective_projects": 1,
        "collective_households": 1,
        "village_finance": 2,
    }
    e1 = EconomicOrganization.objects.get(code="E1")
    assert (e1.coverage, e1.party_organization.code, e1.village.code) == ("joint", "P2", "V-A1")
    assert EconomicOrganization.objects.get(code="E2").instructor.code == "I1"
    team = WorkTeam.objects.get(village=registry)
    assert (team.sent_by.name, team.reserve_cadres_trained) == ("市农牧局", 2)
    assert PairingProject.objects.get(code="X2").funds == Decimal("80000.50")
    project = CollectiveProject.objects.get(code="J1")
    assert (project.loan_subsidy, list(project.households.values_list("code", flat=True))) == (0, ["H1"])
    assert VillageFinance.objects.get(village=registry, year=2016).cadre_pay_monthly == Decimal("2764")
    assert PartyOrganization.history.filter(code="P1").count() == 1  # audited

    before = counts()
    again = engine.load(files())
    assert again.ok, again.errors
    assert all(c["create"] == 0 and c["update"] == 0 for c in again.counts.values()), again.counts
    assert counts() == before


def test_a_changed_row_updates_by_its_natural_key(registry):
    engine.load(files())
    report = engine.load(
        [
            csv_file(
                "village_finance",
                [
                    ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"],
                    ["V-A1", "2016", "2800", "45000", "390000"],
                ],
            )  # fmt: skip
        ]
    )

    assert report.ok, report.errors
    assert report.counts["village_finance"] == {"create": 0, "update": 1, "unchanged": 0}
    assert VillageFinance.objects.get(village=registry, year=2016).cadre_pay_monthly == 2800


def test_withdrawing_a_team_from_a_village_that_has_not_exited_writes_nothing(registry):
    bad = [
        ["village", "started_on", "ends_on", "withdrawn_on"],
        ["V-A1", "2015-03-01", "2017-03-01", "2016-06-30"],
    ]
    before = counts()

    report = engine.load(files(work_teams=bad))

    assert not report.written
    assert counts() == before
    assert any("work_teams.csv row 2, withdrawn_on" in e and "不脱钩不撤回" in e for e in report.errors), (
        report.errors
    )


def test_a_team_may_be_withdrawn_once_its_village_has_exited(registry):
    registry.exited_on = dt.date(2016, 6, 1)
    registry.save()
    rows = [
        ["village", "started_on", "ends_on", "withdrawn_on"],
        ["V-A1", "2015-03-01", "2017-03-01", "2016-06-30"],
    ]

    report = engine.load(files(work_teams=rows))

    assert report.ok, report.errors
    assert WorkTeam.objects.get(village=registry).withdrawn_on == dt.date(2016, 6, 30)


def test_a_team_short_of_2111_and_a_30_day_posting_loads(registry):
    rows = [["village", "started_on", "ends_on"], ["V-A1", "2016-03-01", "2016-03-31"]]
    for k in range(4):
        Cadre.objects.create(
            code=f"G{k}", name=f"毕业生{k}", role=Cadre.Role.RESIDENT_CADRE, township=registry.township,
            village=registry, team_slot=Cadre.TeamSlot.GRADUATE,
        )  # fmt: skip

    report = engine.load(files(work_teams=rows))

    assert report.ok, report.errors
    assert WorkTeam.objects.filter(village=registry).exists()


@pytest.mark.parametrize(
    "sheet, rows, where",
    [
        (
            "collective_households",
            [["project", "household"], ["J1", "H2"]],
            "collective_households.csv row 2, household",
        ),
        (
            "pairing",
            [
                ["code", "enterprise", "village", "household", "name", "funds", "started_on"],
                ["X1", "E2", "V-A1", "H2", "项目", "100", "2016-04-01"],
            ],
            "pairing.csv row 2, household",
        ),  # fmt: skip
        (
            "economic_orgs",
            [["code", "name", "kind", "coverage"], ["E9", "某公司", "private_enterprise", "single"]],
            "economic_orgs.csv row 2, 党组织编码",  # a column absent from the file: its Chinese header
        ),
        (
            "party_orgs",
            [["code", "name", "level", "township"], ["P9", "某村支部", "village_branch", "T-A"]],
            "party_orgs.csv row 2, 村编码",
        ),
        (
            "village_finance",
            [
                ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"],
                ["V-A1", "2016", "-1", "45000", "390000"],
            ],
            "village_finance.csv row 2, cadre_pay_monthly",
        ),  # fmt: skip
    ],
)
def test_a_bad_row_is_named_and_nothing_is_written(registry, sheet, rows, where):
    before = counts()

    report = engine.load(files(**{sheet: rows}))

    assert not report.written
    assert counts() == before
    assert any(e.startswith(where) for e in report.errors), report.errors


def test_template_has_the_organization_sheets_after_the_core_sheets_in_formats_order(tmp_path):
    path = tmp_path / "template.xlsx"
    engine.write_template(path)

    keys = [spec.key for spec in engine.specs()]
    assert keys[keys.index("party_orgs") :][: len(ORG_SHEETS)] == ORG_SHEETS
    assert keys.index("party_orgs") > keys.index("cadres")
    names = openpyxl.load_workbook(path).sheetnames
    assert names[names.index("党组织") :][:7] == [
        "党组织",
        "经济组织",
        "驻村工作组",
        "结对帮扶",
        "集体经济项目",
        "集体经济覆盖农户",
        "村级保障",
    ]
