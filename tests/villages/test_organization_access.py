"""Role × view matrix of the organization pages: the overview for every role (scoped), the
record lists for admins, supervisors and township secretaries, the recording pages for
admins and — for their own township's party organizations, economic organizations, pairing
projects, collective projects and village finance — township secretaries (work teams: admins
only)."""

import datetime as dt

import pytest

from tests.access import ROLES, cases, check_access
from tests.committed import committed_cast, fresh
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

assert ROLES[:6] == [
    "secretary_a",
    "secretary_b",
    "village_secretary",
    "resident_cadre",
    "supervisor",
    "admin_user",
]

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("organization-access")]

EVERYONE = [200, 200, 200, 200, 200, 200, 403, 302]
READERS = [200, 200, 403, 403, 200, 200, 403, 302]
SECRETARY_KINDS_GET = [200, 200, 403, 403, 403, 200, 403, 302]
# secretary B posts township A's rows: the form offers only his township (400, nothing written)
SECRETARY_KINDS_POST = [302, 400, 403, 403, 403, 302, 403, 302]
ADMIN_ONLY_GET = [403, 403, 403, 403, 403, 200, 403, 302]
ADMIN_ONLY_POST = [403, 403, 403, 403, 403, 302, 403, 302]
# editing township A's row: another township's secretary gets a 404
EDIT_GET = [200, 404, 403, 403, 403, 200, 403, 302]
EDIT_POST = [302, 404, 403, 403, 403, 302, 403, 302]

MATRIX = {
    ("overview", "GET"): EVERYONE,
    ("overview_json", "GET"): EVERYONE,
    **{(f"list:{kind}", "GET"): READERS for kind in
       ("party-orgs", "economic-orgs", "work-teams", "pairing", "collective", "finance")},
    ("add:party-orgs", "GET"): SECRETARY_KINDS_GET,
    ("add:party-orgs", "POST"): SECRETARY_KINDS_POST,
    ("add:economic-orgs", "POST"): SECRETARY_KINDS_POST,
    ("add:collective", "POST"): SECRETARY_KINDS_POST,
    ("add:finance", "POST"): SECRETARY_KINDS_POST,
    ("add:pairing", "GET"): SECRETARY_KINDS_GET,
    ("add:pairing", "POST"): SECRETARY_KINDS_POST,
    ("add:work-teams", "POST"): ADMIN_ONLY_POST,
    ("edit:party-orgs", "GET"): EDIT_GET,
    ("edit:party-orgs", "POST"): EDIT_POST,
    ("edit:finance", "POST"): EDIT_POST,
    ("edit:work-teams", "GET"): ADMIN_ONLY_GET,
    ("edit:pairing", "POST"): EDIT_POST,
    ("member_add", "GET"): ADMIN_ONLY_GET,
    ("member_add", "POST"): ADMIN_ONLY_POST,
}  # fmt: skip


@pytest.fixture(scope="module")
def committed_records(django_db_setup, django_db_blocker):
    """The cast and township A's records: built once for the module and committed
    (tests/committed.py); each test's writes are rolled back."""
    with committed_cast(django_db_blocker) as cast:
        township_a, village_a, township_b = cast["township_a"], cast["village_a"], cast["township_b"]
        village_b2 = township_b.villages.create(code="V-B2", name="乙二村", poverty=True)
        household = Household.objects.create(
            code="H1",
            village=village_a,
            head="张三",
            size=3,
            assistance="industry",
            registered_on=dt.date(2015, 1, 1),
        )
        enterprise = EconomicOrganization.objects.create(name="赤水竹业", kind="private_enterprise")
        yield {
            "cast": cast,
            "party": PartyOrganization.objects.create(name="甲镇党委", level="township_committee", township=township_a),
            "team": WorkTeam.objects.create(village=village_a, started_on=dt.date(2015, 3, 1), ends_on=dt.date(2017, 3, 1)),
            "pairing": PairingProject.objects.create(
                enterprise=enterprise, village=village_a, name="订单收购", funds=1000, started_on=dt.date(2016, 4, 1)
            ),
            "finance": VillageFinance.objects.create(
                village=village_a, year=2015, cadre_pay_monthly=1290, office_funds=23000, collective_accumulation=1
            ),
            "enterprise": enterprise,
            "household": household,
            "village_b2": village_b2,
        }  # fmt: skip


@pytest.fixture
def records(committed_records):
    return {**committed_records, "cast": fresh(committed_records["cast"])}


def request_for(view, records, township_a, village_a):
    """(url, POST data) of a view; the data are valid for township A."""
    r = records
    data = {
        "party-orgs": {"code": "P9", "name": "甲一村党支部", "level": "village_branch", "township": township_a.pk,
                       "village": village_a.pk},
        "economic-orgs": {"code": "E9", "name": "甲一村合作社", "kind": "cooperative", "township": township_a.pk,
                          "village": village_a.pk, "coverage": "joint", "party_organization": r["party"].pk},
        "collective": {"code": "J9", "name": "石斛基地", "village": village_a.pk, "year": 2016,
                       "fiscal_funds": "1000", "loan_subsidy": "0", "household_codes": "H1"},
        "finance": {"village": village_a.pk, "year": 2016, "cadre_pay_monthly": "2764", "office_funds": "45000",
                    "collective_accumulation": "100"},
        "pairing": {"code": "X9", "name": "务工帮扶", "enterprise": r["enterprise"].pk, "village": village_a.pk,
                    "household": "H1", "funds": "500", "started_on": "2016-05-01"},
        "work-teams": {"village": r["village_b2"].pk, "started_on": "2016-01-01", "ends_on": "2018-01-01",
                       "reserve_cadres_trained": "0"},
    }  # fmt: skip
    kind = view.split(":")[-1]
    if view == "overview":
        return "/organization/?year=2016", None
    if view == "overview_json":
        return "/organization/?year=2016&format=json", None
    if view.startswith("list:"):
        return f"/organization/{kind}/", None
    if view.startswith("add:"):
        return f"/organization/{kind}/add/", data[kind]
    if view.startswith("edit:"):
        pk = {
            "party-orgs": r["party"],
            "finance": r["finance"],
            "work-teams": r["team"],
            "pairing": r["pairing"],
        }[kind].pk
        post = dict(data[kind])
        if kind == "party-orgs":
            post.update(level="township_committee", village="", name="甲镇党委（改）")
        if kind == "finance":
            post.update(year=2015, cadre_pay_monthly="1300")
        return f"/organization/{kind}/{pk}/", post
    if view == "member_add":
        return f"/organization/work-teams/{r['team'].pk}/members/add/", {
            "code": "ZC9", "name": "李队员", "team_slot": "graduate", "phone": "13800000009"
        }  # fmt: skip
    raise AssertionError(view)


def counts():
    return (
        PartyOrganization.objects.count(),
        list(PartyOrganization.objects.values_list("name", flat=True)),
        EconomicOrganization.objects.count(),
        CollectiveProject.objects.count(),
        list(VillageFinance.objects.values_list("year", "cadre_pay_monthly")),
        list(PairingProject.objects.values_list("name", flat=True)),
        WorkTeam.objects.count(),
        Cadre.objects.count(),
    )


@pytest.mark.parametrize("view, method, role, expected", cases(MATRIX))
def test_organization_access(client, request, records, view, method, role, expected):
    cast = records["cast"]  # the whole cast exists whoever asks
    url, data = request_for(view, records, cast["township_a"], cast["village_a"])
    check_access(client, request, role, method, url, data, expected, counts, users=cast)


def test_unknown_kind_is_a_404(client, records):
    client.force_login(records["cast"]["admin_user"])
    assert client.get("/organization/nope/").status_code == 404
    assert client.get("/organization/nope/add/").status_code == 404


@pytest.mark.parametrize(
    "role, shown", [("supervisor", True), ("secretary_a", True), ("no_role_user", False)]
)
def test_nav_links_the_overview(client, records, role, shown):
    client.force_login(records["cast"][role])
    html = client.get("/dashboard/weekly/" if role != "no_role_user" else "/").content.decode()
    assert ('href="/organization/"' in html) is shown
