"""Every role against every page of what supervisors record (contracts, TV exposures,
commendations) and the pickers, GET and POST. Township A holds the records. A signer sees
his own contract (township A's secretary his township's, the village secretary the contract
he signed) and nobody else's (404); only county supervisors record and edit (others 403,
nothing written); users without a role get 403; anonymous users are sent to the login page."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import Commendation, Contract, Exposure
from tests.access import ROLES, check_access
from tests.committed import committed_cast, fresh

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("records-access")]
TODAY = dt.date(2016, 6, 8)  # tests/conftest.py's ``today``

# roles: secretary_a, secretary_b, village_secretary, resident_cadre, supervisor, admin_user,
# no_role_user, survey_worker, anonymous
READ_ALL_CADRES = [200, 200, 200, 200, 200, 200, 403, 403, 302]
SUPERVISOR_ONLY = [403, 403, 403, 403, 200, 403, 403, 403, 302]
SUPERVISOR_WRITES = [403, 403, 403, 403, 302, 403, 403, 403, 302]
NOT_ALLOWED = [405] * 9
MATRIX = {
    ("contract_list", "GET"): READ_ALL_CADRES,
    ("contract_list", "POST"): NOT_ALLOWED,
    # township A's committee contract, signed by secretary A
    ("contract_detail", "GET"): [200, 404, 404, 404, 200, 200, 403, 403, 302],
    ("contract_detail", "POST"): NOT_ALLOWED,
    # village A's branch contract, signed by the village secretary
    ("village_contract_detail", "GET"): [200, 404, 200, 404, 200, 200, 403, 403, 302],
    ("contract_new", "GET"): SUPERVISOR_ONLY,
    ("contract_new", "POST"): SUPERVISOR_WRITES,
    ("contract_edit", "GET"): [403, 404, 404, 404, 200, 403, 403, 403, 302],
    ("contract_edit", "POST"): [403, 404, 404, 404, 302, 403, 403, 403, 302],
    ("exposure_list", "GET"): [200, 200, 403, 403, 200, 200, 403, 403, 302],
    ("exposure_list", "POST"): NOT_ALLOWED,
    ("exposure_new", "GET"): SUPERVISOR_ONLY,
    ("exposure_new", "POST"): SUPERVISOR_WRITES,
    ("exposure_edit", "GET"): [403, 404, 403, 403, 200, 403, 403, 403, 302],
    ("exposure_edit", "POST"): [403, 404, 403, 403, 302, 403, 403, 403, 302],
    ("commendation_list", "GET"): [403, 403, 403, 403, 200, 200, 403, 403, 302],
    ("commendation_list", "POST"): NOT_ALLOWED,
    ("commendation_new", "GET"): SUPERVISOR_ONLY,
    ("commendation_new", "POST"): SUPERVISOR_WRITES,
    ("commendation_edit", "GET"): SUPERVISOR_ONLY,
    ("commendation_edit", "POST"): SUPERVISOR_WRITES,
    ("picker_cadres", "GET"): READ_ALL_CADRES,
    ("picker_cadres", "POST"): NOT_ALLOWED,
    ("picker_tasks", "GET"): READ_ALL_CADRES,
    ("picker_tasks", "POST"): NOT_ALLOWED,
}


def matrix_cases():
    return [
        pytest.param(view, method, role, expected, id=f"{view}-{method}-{role}")
        for (view, method), statuses in MATRIX.items()
        for role, expected in zip(ROLES, statuses, strict=True)
    ]


@pytest.fixture(scope="module")
def committed_world(django_db_setup, django_db_blocker):
    """The cast and township A's records: built once for the module and committed
    (tests/committed.py); each test's writes are rolled back."""
    with committed_cast(django_db_blocker) as cast, pytest.MonkeyPatch.context() as patch:
        patch.setattr(periods, "today", lambda: TODAY)
        village_a = cast["village_a"]
        township_a = village_a.township
        contract = Contract.objects.create(
            party="township_committee",
            year=2016,
            township=township_a,
            signed_by=cast["secretary_a"].cadre,
            signed_on=dt.date(2016, 1, 15),
            target_households=10,
        )
        village_contract = Contract.objects.create(
            party="village_branch",
            year=2016,
            township=township_a,
            village=village_a,
            signed_by=cast["village_secretary"].cadre,
            signed_on=dt.date(2016, 1, 22),
            target_households=4,
        )
        exposure = Exposure.objects.create(
            kind="exposed",
            aired_on=dt.date(2016, 5, 3),
            programme="电视问政",
            township=township_a,
            title="甲镇进度滞后",
        )
        commendation = Commendation.objects.create(
            kind="commended",
            cadre=cast["resident_cadre"].cadre,
            decided_on=dt.date(2016, 5, 4),
            title="优秀驻村干部",
        )
        yield {
            "cast": cast,
            "contract": contract,
            "village_contract": village_contract,
            "exposure": exposure,
            "commendation": commendation,
            "secretary_b": cast["secretary_b"].cadre,
            "township_b": cast["village_b"].township,
            "resident": cast["resident_cadre"].cadre,
        }


@pytest.fixture
def world(committed_world, monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)
    return {**committed_world, "cast": fresh(committed_world["cast"])}


def contract_data(world, **fields):
    return {
        "party": "township_committee",
        "year": "2016",
        "township": world["township_b"].pk,
        "village": "",
        "signed_by": world["secretary_b"].pk,
        "signed_on": "2016-01-15",
        "target_households": "12",
        "target_people": "40",
        "target_villages": "1",
        "target_tasks": "5",
        "target_funds": "100000",
        **fields,
    }


def url_and_data(view, world):
    contract, exposure, commendation = world["contract"], world["exposure"], world["commendation"]
    exposure_data = {
        "kind": "exposed",
        "aired_on": "2016-06-01",
        "programme": "电视问政",
        "township": world["township_b"].pk,
        "title": "乙乡道路进度滞后",
        "task": "",
    }
    commendation_data = {
        "kind": "promoted",
        "cadre": world["resident"].pk,
        "decided_on": "2016-06-01",
        "title": "提拔为副科级领导干部",
    }
    return {
        "contract_list": (reverse("accountability:contract_list"), {}),
        "contract_detail": (reverse("accountability:contract_detail", args=[contract.pk]), {}),
        "village_contract_detail": (
            reverse("accountability:contract_detail", args=[world["village_contract"].pk]),
            {},
        ),
        "contract_new": (reverse("accountability:contract_new"), contract_data(world)),
        "contract_edit": (
            reverse("accountability:contract_edit", args=[contract.pk]),
            contract_data(
                world,
                township=contract.township_id,
                signed_by=contract.signed_by_id,
                target_households="15",
                version="1",
            ),
        ),
        "exposure_list": (reverse("accountability:exposure_list"), {}),
        "exposure_new": (reverse("accountability:exposure_new"), exposure_data),
        "exposure_edit": (
            reverse("accountability:exposure_edit", args=[exposure.pk]),
            {**exposure_data, "township": exposure.township_id, "version": "1"},
        ),
        "commendation_list": (reverse("accountability:commendation_list"), {}),
        "commendation_new": (reverse("accountability:commendation_new"), commendation_data),
        "commendation_edit": (
            reverse("accountability:commendation_edit", args=[commendation.pk]),
            {**commendation_data, "version": "1"},
        ),
        "picker_cadres": (reverse("accountability:picker_cadres") + "?q=secretary", {}),
        "picker_tasks": (reverse("accountability:picker_tasks") + "?q=T", {}),
    }[view]


def counts():
    return (
        Contract.objects.count(),
        Contract.history.count(),
        Exposure.objects.count(),
        Exposure.history.count(),
        Commendation.objects.count(),
        Commendation.history.count(),
    )


@pytest.mark.parametrize(("view", "method", "role", "expected"), matrix_cases())
def test_role_view_matrix(client, request, world, view, method, role, expected):
    url, data = url_and_data(view, world)
    check_access(client, request, role, method, url, data, expected, counts, users=world["cast"])
