"""The organization overview (组织定位, /organization/): its numbers, the 2111 flags, the
scope of each role, bad input, exports and a query count that does not grow with the data."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.cache import cache as django_cache

from tests.villages import organization_factories as factories
from villages.models import Cadre, EconomicOrganization, PartyOrganization, WorkTeam

URL = "/organization/"

pytestmark = pytest.mark.django_db


def get_json(client, user, query="year=2016"):
    client.force_login(user)
    response = client.get(f"{URL}?{query}&format=json")
    assert response.status_code == 200, response.content[:500]
    return json.loads(response.content)


def team_row(data, code):
    return next(t for t in data["teams"] if t["code"] == code)


def test_totals_and_coverage_in_json(client, supervisor, township_a, village_b):
    factories.build(township_a, 3)
    EconomicOrganization.objects.create(name="乙公司", kind="private_enterprise", township=village_b.township)
    instructor = Cadre.objects.create(code="I1", name="指导员", role=Cadre.Role.SECTION_LEADER)
    EconomicOrganization.objects.create(
        name="丙公司", kind="leading_enterprise", coverage="instructor", instructor=instructor
    )

    data = get_json(client, supervisor)

    assert data["pairing_projects"] == 3
    assert data["pairing_funds_yuan"] == 3000.0
    assert data["pairing_villages"] == 3
    assert data["collective_projects"] == 3
    assert data["collective_villages"] == 3
    assert data["collective_households"] == 6
    assert data["collective_fiscal_funds_yuan"] == 1500.0
    assert data["collective_loan_subsidy_yuan"] == 300.0
    assert (data["work_teams"], data["work_teams_compliant"]) == (3, 3)
    economic = data["economic_organizations"]
    assert economic["total"] == 6
    assert economic["coverage"] == {"single": 0, "joint": 3, "instructor": 1, "none": 2}
    cooperative = next(k for k in economic["kinds"] if k["kind"] == "cooperative")
    assert (cooperative["total"], cooperative["joint"], cooperative["covered_share"]) == (3, 3, 100.0)
    assert [f["year"] for f in data["finance"]] == [2015, 2016]
    assert data["finance"][1]["cadre_pay_monthly"] == 2764.0
    units = {u["code"]: u for u in data["units"]}
    assert units["T-A"]["pairing_projects"] == 3 and units["T-B"]["pairing_projects"] == 0


def test_other_years_do_not_count(client, supervisor, township_a):
    factories.build(township_a, 2)

    data = get_json(client, supervisor, "year=2015")

    assert (data["pairing_projects"], data["collective_projects"], data["collective_households"]) == (0, 0, 0)
    assert [f["year"] for f in data["finance"]] == [2015]
    assert data["work_teams"] == 2  # in the village since March 2015


def test_villages_without_branch_or_with_vacant_secretary_are_listed(
    client, supervisor, township_a, village_a
):
    built = factories.build(township_a, 2)
    secretary = Cadre.objects.create(
        code="S1", name="书记", role=Cadre.Role.VILLAGE_SECRETARY, village=built[0]
    )
    PartyOrganization.objects.filter(village=built[0]).update(secretary=secretary)

    branches = get_json(client, supervisor)["party_branches"]

    problems = {p["code"]: p["problem"] for p in branches["problems"]}
    assert problems == {"V-A1": "未建立村党组织", built[1].code: "书记空缺"}
    assert (branches["without_branch"], branches["vacant_secretary"]) == (1, 1)


def test_teams_short_of_2111_are_flagged_not_refused(client, supervisor, township_a):
    full, extra, short = factories.build(township_a, 3)
    Cadre.objects.bulk_create(factories.team_members(extra, ["graduate"] * 3, prefix="X"))
    WorkTeam.objects.filter(village=short).update(ends_on=dt.date(2015, 3, 31), reserve_cadres_trained=0)
    Cadre.objects.filter(village=short, team_slot="agri_cadre").delete()

    data = get_json(client, supervisor)

    assert (data["work_teams"], data["work_teams_compliant"]) == (3, 1)
    assert team_row(data, full.code)["compliant"] is True
    assert team_row(data, extra.code)["graduate"] == 4
    assert team_row(data, extra.code)["shortfalls"] == ["大学毕业生4人（应为1人）"]
    shortfalls = team_row(data, short.code)["shortfalls"]
    assert "涉农干部0人（应为2人）" in shortfalls
    assert "国家干部1人（至少3人）" in shortfalls
    assert "驻村30天，不足两年" in shortfalls
    assert "培养后备干部0人（至少2人）" in shortfalls


def test_secretary_sees_his_township_and_drills_to_a_village(client, secretary_a, township_a, township_b):
    factories.build(township_a, 2)
    factories.build(township_b, 1, start=50)

    data = get_json(client, secretary_a)
    assert data["scope"]["level"] == "township"
    assert data["pairing_projects"] == 2

    village = get_json(client, secretary_a, "year=2016&village=OV001")
    assert village["scope"]["level"] == "village" and village["pairing_projects"] == 1

    assert client.get(f"{URL}?year=2016&township=T-B").status_code == 404
    assert client.get(f"{URL}?year=2016&village=OV050").status_code == 404


def test_village_roles_see_their_own_village(client, resident_cadre, village_a, township_a):
    factories.build(township_a, 1)

    data = get_json(client, resident_cadre)

    assert data["scope"]["village"]["code"] == "V-A1"
    assert data["pairing_projects"] == 0
    assert client.get(f"{URL}?year=2016&village=OV000").status_code == 404


@pytest.mark.parametrize(
    "query, message",
    [
        ("year=abc", "年度应为"),
        ("year=20160", "年度应为"),
        ("year=2016&format=xml", "不支持的格式"),
        ("year=2016&export=pdf&table=units", "不支持的导出格式"),
        ("year=2016&export=csv&table=nope", "没有名为 nope 的表格"),
    ],
)
def test_bad_query_strings_are_a_400_with_a_chinese_message(client, supervisor, query, message):
    client.force_login(supervisor)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()


def test_unknown_township_is_a_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(f"{URL}?year=2016&township=NOPE").status_code == 404


def test_exports_carry_the_page_tables(client, supervisor, township_a):
    factories.build(township_a, 2)
    client.force_login(supervisor)

    response = client.get(f"{URL}?year=2016&export=csv&table=teams")
    assert response["Content-Disposition"] == 'attachment; filename="organization-2016-teams.csv"'
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("村,乡镇,派出单位,队员")
    assert len(lines) == 3 and lines[1].endswith("符合")

    response = client.get(f"{URL}?year=2016&export=xlsx&table=coverage")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["类型", "总数"]


def test_html_page_has_charts_tables_print_and_json_links(client, supervisor, township_a):
    factories.build(township_a, 1)
    client.force_login(supervisor)

    html = client.get(f"{URL}?year=2016").content.decode()

    for element in ("chart-org-coverage", "chart-org-funds", "chart-org-teams", "chart-org-finance"):
        assert f'data-target="{element}"' in html
    for table in ("units", "coverage", "branches", "teams", "finance"):
        assert f'id="table-{table}"' in html
    assert "data-print" in html and "print-button.js" in html
    assert "format=json" in html
    assert 'href="/organization/?year=2016&amp;township=T-A"' in html  # drill-down link


def test_without_year_the_latest_year_with_projects_is_shown(client, supervisor, township_a):
    factories.build(township_a, 1)
    assert get_json(client, supervisor, "")["year"] == 2016


# Session, user, groups, then the selector's nine queries (eight in one village: no units
# query), the scope's place lookups and, without ?year, the latest-year lookup (two). The
# page's body and the JSON come from the cache afterwards (chishui/cache.py): a second
# request of the same year and place runs only the session, user, groups and place
# lookups. Exports read the cached figures too.
PAGES = [
    # url, first request (cache empty), second request
    (f"{URL}?year=2016", 12, 3),
    (f"{URL}?year=2016&format=json", 12, 3),
    (f"{URL}?year=2016&export=csv&table=teams", 12, 3),
    (f"{URL}?year=2016&table=teams", 12, 3),
    (f"{URL}?year=2016&township=T-A", 13, 4),
    (f"{URL}?year=2016&township=T-A&village=OV000", 13, 5),
    (URL, 14, 3),
]


@pytest.mark.parametrize("size", [2, 12])
def test_overview_query_count_does_not_grow_with_data(
    client, supervisor, township_a, django_assert_num_queries, size
):
    factories.build(township_a, size)
    client.force_login(supervisor)
    for url, cold, cached in PAGES:
        django_cache.clear()
        with django_assert_num_queries(cold):
            response = client.get(url)
        assert response.status_code == 200, url
        with django_assert_num_queries(cached):
            assert client.get(url).status_code == 200, url


def test_long_tables_show_their_first_rows_and_link_the_whole_table(client, supervisor, township_a):
    factories.build(township_a, 25)
    client.force_login(supervisor)

    page = client.get(f"{URL}?year=2016&township=T-A").content.decode()
    units = page.split('id="table-units"')[1].split("</section>")[0]
    assert "组织19村" in units and "组织20村" not in units  # the units table: 20 of 25 villages
    assert "组织24村" in page  # the charts draw every village
    assert "全部 25 条" in page
    assert 'href="/organization/?year=2016&amp;township=T-A&amp;table=units"' in page

    whole = client.get(f"{URL}?year=2016&township=T-A&table=units").content.decode()
    assert "组织24村" in whole and 'id="table-units"' in whole and 'id="table-teams"' not in whole
    assert len(get_json(client, supervisor, "year=2016&township=T-A")["units"]) == 25
    csv = client.get(f"{URL}?year=2016&township=T-A&export=csv&table=units").content.decode("utf-8-sig")
    assert len(csv.splitlines()) == 1 + 25
