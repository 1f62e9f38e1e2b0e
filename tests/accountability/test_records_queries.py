"""The query counts of the recording pages do not grow with the data: contracts, exposures
and commendations lists, a contract's page (with its history and progress) and the picker
JSON, each at two data sizes."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import Commendation, Contract, Exposure
from accountability.records import services
from tests.accountability.tasks_factories import make_task
from villages.models import Cadre, Household, Township, Village

pytestmark = pytest.mark.django_db

CONTRACT_LIST_QUERIES = 6  # session, user, role and permissions, township choices, count, rows
CONTRACT_PAGE_QUERIES = 16  # the contract, its history (2), the monthly dashboard of its place
EXPOSURE_LIST_QUERIES = 6
COMMENDATION_LIST_QUERIES = 6
PICKER_QUERIES = 4  # session, user, role, the matches


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    monkeypatch.setattr(periods, "today", lambda: today)
    return today


def build(n, supervisor, secretary_a):
    """``n`` townships, each with a village, a secretary, a contract (edited ``n`` times),
    an exposure of a task, a commendation and exited households."""
    for i in range(n):
        township = Township.objects.create(code=f"Q{i:03}", name=f"镇{i}", kind="town")
        village = Village.objects.create(code=f"Q{i:03}-1", township=township, name=f"村{i}")
        signer = Cadre.objects.create(
            code=f"S{i:03}", name=f"书记{i}", role=Cadre.Role.TOWNSHIP_SECRETARY, township=township
        )
        contract = services.create_record(
            supervisor,
            Contract,
            {
                "party": "township_committee",
                "year": 2016,
                "township": township,
                "signed_by": signer,
                "signed_on": dt.date(2016, 1, 15),
                "target_households": 10,
            },
        )
        Exposure.objects.create(
            kind="exposed",
            aired_on=dt.date(2016, 5, 3),
            programme="电视问政",
            township=township,
            title=f"曝光{i}",
        )
        Commendation.objects.create(
            kind="commended", cadre=signer, decided_on=dt.date(2016, 5, 4), title="表彰"
        )
        Household.objects.create(
            code=f"QH{i}",
            village=village,
            head="户主",
            size=3,
            assistance="industry",
            registered_on=dt.date(2014, 1, 1),
            exited_on=dt.date(2016, 1 + i % 5, 2),
        )
    township = secretary_a.cadre.township
    contract = Contract.objects.create(
        party="township_committee",
        year=2016,
        township=township,
        signed_by=secretary_a.cadre,
        signed_on=dt.date(2016, 1, 15),
    )
    for k in range(n):
        contract = services.update_record(
            supervisor, contract, {"target_households": 5 + k}, contract.version
        )
    for k in range(n):
        task = make_task(secretary_a, f"T-A-{k}")
        Exposure.objects.create(
            kind="exposed",
            aired_on=dt.date(2016, 5, 3),
            programme="电视问政",
            township=township,
            title="x",
            task=task,
        )
    return contract


@pytest.mark.parametrize("n", [2, 30])
def test_recording_pages_query_counts_do_not_grow(
    client, django_assert_num_queries, supervisor, secretary_a, n
):
    contract = build(n, supervisor, secretary_a)
    client.force_login(supervisor)
    pages = [
        (reverse("accountability:contract_list"), {"year": 2016}, CONTRACT_LIST_QUERIES),
        (reverse("accountability:contract_detail", args=[contract.pk]), {}, CONTRACT_PAGE_QUERIES),
        (reverse("accountability:exposure_list"), {}, EXPOSURE_LIST_QUERIES),
        (reverse("accountability:commendation_list"), {}, COMMENDATION_LIST_QUERIES),
        (reverse("accountability:picker_cadres"), {"q": "书记"}, PICKER_QUERIES),
    ]
    for url, query, expected in pages:
        client.force_login(supervisor)  # a fresh user object: the role query counts every time
        with django_assert_num_queries(expected):
            response = client.get(url, query)
        assert response.status_code == 200
