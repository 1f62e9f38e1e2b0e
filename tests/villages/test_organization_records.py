"""Recording organization positioning in the product: the models' rules (B1–B4, 不脱钩 C3)
hold in the forms, with a Chinese message next to the field and nothing written; saves are
audited; the list pages cost the same number of queries whatever the data size."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tests.villages import organization_factories as factories
from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    PairingProject,
    PartyOrganization,
    Unit,
    WorkTeam,
)

pytestmark = pytest.mark.django_db


def household(village, code):
    return Household.objects.create(
        code=code,
        village=village,
        head="户主",
        size=3,
        assistance="industry",
        registered_on=dt.date(2015, 1, 1),
    )


@pytest.fixture
def enterprise():
    return EconomicOrganization.objects.create(name="赤水竹业", kind="private_enterprise")


def test_admin_adds_a_pairing_project_with_audit_history(client, admin_user, village_a, enterprise):
    household(village_a, "H1")
    client.force_login(admin_user)

    response = client.post(
        "/organization/pairing/add/",
        {"code": "X1", "name": "竹笋订单收购", "enterprise": enterprise.pk, "village": village_a.pk,
         "household": "H1", "funds": "120000", "started_on": "2016-04-01"},
    )  # fmt: skip

    assert response.status_code == 302
    project = PairingProject.objects.get(code="X1")
    assert (project.household.code, project.funds) == ("H1", 120000)
    assert project.history.get().history_user == admin_user


def test_pairing_with_a_household_of_another_village_is_refused(
    client, admin_user, village_a, village_b, enterprise
):
    household(village_b, "H2")
    client.force_login(admin_user)

    response = client.post(
        "/organization/pairing/add/",
        {"code": "X1", "name": "帮扶", "enterprise": enterprise.pk, "village": village_a.pk,
         "household": "H2", "funds": "100", "started_on": "2016-04-01"},
    )  # fmt: skip

    assert response.status_code == 400
    assert "该户不属于结对村。" in response.content.decode()
    assert not PairingProject.objects.exists()


def test_unknown_household_code_and_negative_funds_are_named(client, admin_user, village_a, enterprise):
    client.force_login(admin_user)

    response = client.post(
        "/organization/pairing/add/",
        {"code": "X1", "name": "帮扶", "enterprise": enterprise.pk, "village": village_a.pk,
         "household": "NOPE", "funds": "-1", "started_on": "2016-04-01"},
    )  # fmt: skip

    html = response.content.decode()
    assert response.status_code == 400
    assert "编号“NOPE”不存在" in html
    assert not PairingProject.objects.exists()


def test_a_team_cannot_be_withdrawn_before_its_village_exits(client, admin_user, village_a):
    team = WorkTeam.objects.create(
        village=village_a, started_on=dt.date(2015, 3, 1), ends_on=dt.date(2017, 3, 1)
    )
    client.force_login(admin_user)
    data = {"started_on": "2015-03-01", "ends_on": "2017-03-01", "withdrawn_on": "2016-06-30",
            "reserve_cadres_trained": "2"}  # fmt: skip

    response = client.post(f"/organization/work-teams/{team.pk}/", data)

    assert response.status_code == 400
    assert "不脱钩不撤回：甲一村尚未出列，驻村工作组不能撤回。" in response.content.decode()
    team.refresh_from_db()
    assert team.withdrawn_on is None

    village_a.exited_on = dt.date(2016, 6, 1)
    village_a.save()
    assert client.post(f"/organization/work-teams/{team.pk}/", data).status_code == 302
    team.refresh_from_db()
    assert team.withdrawn_on == dt.date(2016, 6, 30)


def test_a_team_short_of_2111_with_a_30_day_posting_saves(client, admin_user, village_a):
    client.force_login(admin_user)
    response = client.post(
        "/organization/work-teams/add/",
        {
            "village": village_a.pk,
            "started_on": "2016-03-01",
            "ends_on": "2016-03-31",
            "reserve_cadres_trained": "0",
        },
    )
    assert response.status_code == 302
    assert WorkTeam.objects.get(village=village_a).ends_on == dt.date(2016, 3, 31)


def test_admin_adds_a_team_member_in_a_2111_slot(client, admin_user, village_a):
    team = WorkTeam.objects.create(
        village=village_a, started_on=dt.date(2015, 3, 1), ends_on=dt.date(2017, 3, 1)
    )
    unit = Unit.objects.create(name="市农牧局")
    client.force_login(admin_user)
    url = f"/organization/work-teams/{team.pk}/members/add/"

    refused = client.post(url, {"code": "ZC1", "name": "李四", "team_slot": "", "unit": unit.pk})
    assert refused.status_code == 400 and not Cadre.objects.filter(code="ZC1").exists()

    assert (
        client.post(
            url, {"code": "ZC1", "name": "李四", "team_slot": "agri_cadre", "unit": unit.pk}
        ).status_code
        == 302
    )
    member = Cadre.objects.get(code="ZC1")
    assert (member.role, member.village, member.township, member.team_slot) == (
        "resident_cadre", village_a, village_a.township, "agri_cadre"
    )  # fmt: skip
    page = client.get(f"/organization/work-teams/{team.pk}/").content.decode()
    assert "李四" in page and "涉农干部" in page


def test_collective_project_covers_households_of_its_village_only(client, secretary_a, village_a, village_b):
    household(village_a, "H1")
    household(village_a, "H3")
    household(village_b, "H2")
    client.force_login(secretary_a)
    data = {"code": "J1", "name": "石斛基地", "village": village_a.pk, "year": "2016", "fiscal_funds": "1000",
            "loan_subsidy": "0"}  # fmt: skip

    refused = client.post("/organization/collective/add/", {**data, "household_codes": "H1\nH2"})
    assert refused.status_code == 400
    assert "以下贫困户不在本村" in refused.content.decode()
    assert not CollectiveProject.objects.exists()

    unknown = client.post("/organization/collective/add/", {**data, "household_codes": "H1, NOPE"})
    assert "户编号不存在：NOPE" in unknown.content.decode()

    assert (
        client.post("/organization/collective/add/", {**data, "household_codes": "H1，H3"}).status_code == 302
    )
    project = CollectiveProject.objects.get(code="J1")
    assert sorted(project.households.values_list("code", flat=True)) == ["H1", "H3"]
    assert project.history.count() >= 1


def test_secretary_cannot_record_in_another_township(client, secretary_a, village_b):
    client.force_login(secretary_a)

    response = client.post(
        "/organization/party-orgs/add/",
        {
            "name": "乙一村支部",
            "level": "village_branch",
            "township": village_b.township.pk,
            "village": village_b.pk,
        },
    )

    assert response.status_code == 400
    assert not PartyOrganization.objects.exists()


def test_economic_organization_coverage_needs_its_party_organization(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/organization/economic-orgs/add/",
        {"name": "某公司", "kind": "private_enterprise", "coverage": "instructor"},
    )

    assert response.status_code == 400
    assert "选派党建指导员的，必须填写党建指导员。" in response.content.decode()
    assert not EconomicOrganization.objects.exists()


def test_a_household_keeps_its_unit_and_cadre_until_it_leaves_poverty(village_a):
    unit = Unit.objects.create(name="市财政局")
    cadre = Cadre.objects.create(code="K1", name="帮扶人", role=Cadre.Role.ORDINARY)
    h = household(village_a, "H1")
    h.unit, h.cadre = unit, cadre
    h.full_clean()
    h.save()

    h.unit = h.cadre = None
    with pytest.raises(ValidationError) as refused:
        h.full_clean()
    assert refused.value.message_dict == {
        "unit": ["不脱钩：该户尚未脱贫，不能取消挂帮单位。"],
        "cadre": ["不脱钩：该户尚未脱贫，不能取消帮扶责任人。"],
    }

    h.exited_on = dt.date(2016, 10, 1)
    h.full_clean()  # after the exit the links may go


def test_admin_site_hits_the_same_rule(client, admin_user, village_a):
    team = WorkTeam.objects.create(
        village=village_a, started_on=dt.date(2015, 3, 1), ends_on=dt.date(2017, 3, 1)
    )
    client.force_login(admin_user)

    response = client.post(
        f"/admin/villages/workteam/{team.pk}/change/",
        {"village": village_a.pk, "started_on": "2015-03-01", "ends_on": "2017-03-01", "withdrawn_on": "2016-06-30",
         "reserve_cadres_trained": "0"},
    )  # fmt: skip

    assert response.status_code == 200
    assert "不脱钩不撤回" in response.content.decode()
    team.refresh_from_db()
    assert team.withdrawn_on is None


LISTS = ["party-orgs", "economic-orgs", "work-teams", "pairing", "collective", "finance"]


@pytest.mark.parametrize("size", [2, 12])
def test_record_lists_query_count_does_not_grow_with_data(
    client, admin_user, township_a, django_assert_num_queries, size
):
    factories.build(township_a, size)
    client.force_login(admin_user)
    for kind in LISTS:
        # session, user, groups, the rows' count, the page of rows
        with django_assert_num_queries(5):
            response = client.get(f"/organization/{kind}/")
        assert response.status_code == 200, kind


def test_admin_site_refuses_collective_households_of_another_village(
    client, admin_user, village_a, village_b
):
    other = household(village_b, "H2")
    client.force_login(admin_user)

    response = client.post(
        "/admin/villages/collectiveproject/add/",
        {"code": "J1", "village": village_a.pk, "name": "基地", "year": "2016", "fiscal_funds": "0",
         "loan_subsidy": "0", "households": [other.pk]},
    )  # fmt: skip

    assert response.status_code == 200
    assert "以下贫困户不在本村" in response.content.decode()
    assert not CollectiveProject.objects.exists()


def test_a_code_already_in_use_gets_a_chinese_message_and_writes_nothing(
    client, admin_user, village_a, enterprise
):
    client.force_login(admin_user)
    data = {"code": "X1", "name": "竹笋订单收购", "enterprise": enterprise.pk, "village": village_a.pk,
            "household": "", "funds": "1000", "started_on": "2016-04-01"}  # fmt: skip
    assert client.post("/organization/pairing/add/", data).status_code == 302

    response = client.post("/organization/pairing/add/", {**data, "name": "另一个项目"})

    assert response.status_code == 400
    assert "该编码已被其他记录使用" in response.content.decode()
    assert PairingProject.objects.count() == 1
