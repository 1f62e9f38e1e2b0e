"""The cached villages pages (chishui/cache.py) — the satisfaction results, the results per
assisting unit and helping cadre, the organization overview — are never stale after a write
through the app: survey answers, rounds opened and closed, outreach and outcomes,
organization records and team members, registry loads, the admin.

Villages' own write paths bump the version: accountability's subscriptions (which bump it
too) are switched off here, so the tests prove villages does not rely on them."""

import datetime as dt

import pytest
from django.test import Client

from tests.villages import organization_factories
from tests.villages.satisfaction_factories import answer_all, household, load_items, survey_round, unit
from villages.models import (
    EconomicOrganization,
    Household,
    LivelihoodOutcome,
    PairingProject,
    SurveyRound,
    VillageFinance,
    WorkTeam,
)
from villages.organization import services as organization_services
from villages.registry import engine
from villages.satisfaction import services as survey_services

pytestmark = pytest.mark.django_db

RESULTS = "/satisfaction/?year=2016"
UNITS = "/satisfaction/units/?year=2016"
ORGANIZATION = "/organization/?year=2016"
TOWNSHIP_ORGANIZATION = "/organization/?year=2016&township=T-A"


@pytest.fixture(autouse=True)
def villages_alone(monkeypatch):
    """No subscriber of another app: only villages' own calls can bump the version."""
    monkeypatch.setattr(survey_services, "ANSWER_CALLBACKS", [])
    monkeypatch.setattr(organization_services, "RECORD_CALLBACKS", [])
    monkeypatch.setattr(engine, "WRITE_CALLBACKS", [])


@pytest.fixture
def county(township_a, township_b, village_a, village_b):
    items = load_items()
    agri = unit("市农业局")
    first = survey_round(number=1)
    a1 = household(village_a, "H-A1", unit=agri)
    household(village_a, "H-A2", unit=agri)
    answer_all(first, a1, items, 3)
    organization_factories.build(township_a, 2)
    return items


@pytest.fixture
def reader(supervisor):
    client = Client()
    client.force_login(supervisor)
    return client


@pytest.fixture
def writer(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def cached(client, url, django_assert_num_queries, queries=3):
    """The page's JSON and HTML, after checking a second request comes from the cache
    (session, user, groups and the place's lookups only)."""
    first = client.get(url + "&format=json").json()
    html = client.get(url).content.decode()
    with django_assert_num_queries(queries):
        assert client.get(url + "&format=json").json() == first
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    return first, html


def pages(client, django_assert_num_queries):
    return {
        "results": cached(client, RESULTS, django_assert_num_queries),
        "units": cached(client, UNITS, django_assert_num_queries),
        "organization": cached(client, ORGANIZATION, django_assert_num_queries),
        "township": cached(client, TOWNSHIP_ORGANIZATION, django_assert_num_queries, queries=4),
    }


def test_answers_recorded_through_the_service_show_at_once(county, reader, django_assert_num_queries):
    before = pages(reader, django_assert_num_queries)
    survey_services.record_answers(
        SurveyRound.objects.get(number=1),
        Household.objects.get(code="H-A2"),
        {item.pk: 1 for item in county},
        user=None,
    )
    after = pages(reader, django_assert_num_queries)
    results, html = after["results"]
    assert results["surveyed"] == before["results"][0]["surveyed"] + 1
    assert results["answers"] == before["results"][0]["answers"] + len(county)
    assert (
        f"{results['satisfied_share']}%" in html and f"{before['results'][0]['satisfied_share']}%" not in html
    )
    assert after["units"][0]["units"][0]["surveyed"] == 2


def test_rounds_opened_and_closed_show_at_once(county, reader, supervisor, django_assert_num_queries):
    pages(reader, django_assert_num_queries)
    opener = Client()
    opener.force_login(supervisor)
    response = opener.post(
        "/satisfaction/rounds/", {"year": 2016, "number": 2, "held_on": "2016-08-01", "ends_on": ""}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    results = cached(reader, RESULTS, django_assert_num_queries)[0]
    assert [r["number"] for r in results["rounds"]] == [1, 2]

    second = SurveyRound.objects.get(number=2)
    assert opener.post(f"/satisfaction/rounds/{second.pk}/close/").status_code == 302
    results = cached(reader, RESULTS, django_assert_num_queries)[0]
    assert [r["closed"] for r in results["rounds"]] == [False, True]


def test_outreach_and_outcomes_recorded_on_their_pages_show_at_once(
    county, reader, supervisor, township_a, village_a, django_assert_num_queries
):
    before = cached(reader, RESULTS, django_assert_num_queries)[0]["outreach"]["totals"]
    recorder = Client()
    recorder.force_login(supervisor)
    response = recorder.post(
        "/satisfaction/outreach/new/",
        {"kind": "night_school", "title": "夜校", "township": township_a.pk, "held_on": "2016-05-01",
         "attendance": 40},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    middle = cached(reader, RESULTS, django_assert_num_queries)[0]["outreach"]["totals"]
    assert middle["night_school"]["attendance"] == before["night_school"]["attendance"] + 40

    response = recorder.post(
        "/satisfaction/outcomes/new/",
        {"kind": "job_transfer", "village": village_a.pk, "people": 3, "started_on": "2016-03-01"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    after = cached(reader, RESULTS, django_assert_num_queries)[0]["outreach"]["totals"]
    assert after["job_transfer"] == middle["job_transfer"] + 3


def test_organization_records_and_team_members_show_at_once(
    county, reader, writer, village_a, django_assert_num_queries
):
    before = pages(reader, django_assert_num_queries)
    enterprise = EconomicOrganization.objects.filter(kind="private_enterprise").first()
    response = writer.post(
        "/organization/pairing/add/",
        {"code": "X9", "name": "竹笋订单收购", "enterprise": enterprise.pk, "village": village_a.pk,
         "household": "", "funds": "120000", "started_on": "2016-04-01"},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    after = pages(reader, django_assert_num_queries)
    for page in ("organization", "township"):
        assert after[page][0]["pairing_projects"] == before[page][0]["pairing_projects"] + 1

    team = WorkTeam.objects.first()
    response = writer.post(
        f"/organization/work-teams/{team.pk}/members/add/",
        {"code": "ZC9", "name": "李四", "team_slot": "agri_cadre", "unit": unit("市农牧局").pk},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    members = cached(reader, ORGANIZATION, django_assert_num_queries)[0]["work_team_members"]
    assert members == after["organization"][0]["work_team_members"] + 1


def csv_file(name, rows):
    return (f"{name}.csv", "\n".join(",".join(map(str, row)) for row in rows).encode())


def test_registry_loads_show_at_once(county, reader, village_a, django_assert_num_queries):
    before = pages(reader, django_assert_num_queries)
    report = engine.load(
        [
            csv_file(
                "households",
                [
                    ["code", "village", "head", "size", "assistance", "registered_on", "exited_on"],
                    ["H-N1", village_a.code, "钱六", 3, "ecology", "2015-06-01", ""],
                    ["H-A2", village_a.code, "张三", 3, "industry", "2014-05-01", "2016-06-01"],
                ],
            ),
            csv_file(
                "village_finance",
                [
                    ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"],
                    ["OV000", "2016", "2764", "45000", "390000"],
                ],
            ),
        ]
    )
    assert report.ok, report.errors
    after = pages(reader, django_assert_num_queries)
    assert after["results"][0]["registered"] == before["results"][0]["registered"] + 1
    assert after["units"][0]["units"][0]["exited"] == before["units"][0]["units"][0]["exited"] + 1
    assert after["organization"][0]["finance"] != before["organization"][0]["finance"]


def test_admin_writes_show_at_once(county, reader, writer, village_a, township_a, django_assert_num_queries):
    before = pages(reader, django_assert_num_queries)
    response = writer.post(
        "/admin/villages/outreachevent/add/",
        {"kind": "night_school", "title": "夜校", "township": township_a.pk, "held_on": "2016-05-01",
         "attendance": 25},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    outreach = cached(reader, RESULTS, django_assert_num_queries)[0]["outreach"]["totals"]
    assert outreach["night_school"]["attendance"] == 25

    outcome = LivelihoodOutcome.objects.create(
        kind="rural_inn", village=village_a, started_on=dt.date(2016, 3, 1)
    )
    response = writer.post(f"/admin/villages/livelihoodoutcome/{outcome.pk}/change/", {"kind": "rural_inn",
                           "village": village_a.pk, "people": 1, "started_on": "2016-03-01"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    outreach = cached(reader, RESULTS, django_assert_num_queries)[0]["outreach"]["totals"]
    assert outreach["rural_inn"] == 1

    finance = VillageFinance.objects.filter(year=2016).first()
    response = writer.post(f"/admin/villages/villagefinance/{finance.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    after = pages(reader, django_assert_num_queries)
    assert after["organization"][0]["finance"] != before["organization"][0]["finance"]

    pairing = PairingProject.objects.filter(started_on__year=2016).first()
    response = writer.post("/admin/villages/pairingproject/", {"action": "delete_selected",
                           "_selected_action": [pairing.pk], "post": "yes"})  # fmt: skip
    assert response.status_code == 302
    organization = cached(reader, ORGANIZATION, django_assert_num_queries)[0]
    assert organization["pairing_projects"] == after["organization"][0]["pairing_projects"] - 1
