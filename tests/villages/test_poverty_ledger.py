"""The headline's ledger (``PovertyLedger``, villages/headline.py) is exact after every write
path: the stored rows equal the households counted afresh (``headline.ledger_rows``), and the
headline computed from them — for every month's end of two years and for days inside a month
(before, on and after a household's registration, exit or return), with the year's flows and
a history — equals the computation before the ledger, one pass over every household (kept in
tests/villages/headline_reference.py). The paths: the admin of households (add, edit, a
move to another township's village, delete, bulk delete), of returns to poverty (add, a
change of household, delete, bulk delete) and of villages (moved to another township), the
registry's households and villages sheets, ``rebuild_summaries`` after a change behind the
app's back, the migration's fill and the synthetic county (the demo: test_demo.py)."""

import datetime as dt
import importlib
from decimal import Decimal
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from devdata import synthetic
from tests.villages import headline_reference
from tests.villages.test_headline import household
from tests.villages.test_headline_cache import admin_data, csv_file, posted
from villages import headline
from villages.models import Household, PovertyLedger, PovertyReturn, Township, TownshipStatistics, Village
from villages.registry import engine
from villages.satisfaction import services as survey_services

pytestmark = pytest.mark.django_db

D = dt.date
HISTORY = [2014, 2015, 2016]


def month_ends(year):
    return [headline._month_end(D(year, month, 1)) for month in range(1, 13)]


# every month's end of 2015 and 2016, and days inside a month around the fixture's dates
DAYS = [
    *month_ends(2015),
    *month_ends(2016),
    D(2015, 1, 1),
    D(2016, 2, 9),
    D(2016, 2, 10),
    D(2016, 6, 14),
    D(2016, 6, 15),
    D(2016, 6, 19),
    D(2016, 6, 20),
    D(2016, 6, 29),
    D(2016, 9, 1),
    D(2016, 12, 30),
]


def returned(household_code, returned_on, exited_again_on=None):
    """A return to poverty, written as every write of returns ends (the ledger)."""
    record = PovertyReturn.objects.create(
        household=Household.objects.get(code=household_code),
        returned_on=returned_on,
        exited_again_on=exited_again_on,
        reason="因病返贫",
    )
    survey_services.households_written(townships={record.household.village.township_id}, tallied=False)
    return record


@pytest.fixture
def county(township_a, township_b, village_a, village_b):
    """A1 (4) exits on a month's last day, A2 (3) is identified on a month's first, A3 (5)
    returns to poverty, A4 (2) is identified and exits within one month, B1 (2) never exits,
    B2 (6) returns and exits again, B3 (1) is identified on the year's last day."""
    household("A1", village_a, 4, D(2014, 5, 1), D(2016, 6, 30))
    household("A2", village_a, 3, D(2016, 3, 1))
    household("A3", village_a, 5, D(2014, 5, 1), D(2015, 10, 1))
    household("A4", village_a, 2, D(2016, 6, 15), D(2016, 6, 20))
    household("B1", village_b, 2, D(2015, 1, 1))
    household("B2", village_b, 6, D(2014, 1, 1), D(2015, 5, 1))
    household("B3", village_b, 1, D(2016, 12, 31))
    returned("A3", D(2016, 9, 1))
    returned("B2", D(2015, 7, 1), D(2016, 2, 10))
    for year in (2014, 2015, 2016):
        for township, population in ((township_a, 1000), (township_b, 500)):
            TownshipStatistics.objects.create(
                township=township, year=year, rural_population=population, income_per_head=Decimal("9000")
            )


def assert_exact():
    stored = {
        (r.township_id, r.month): [r.registered_people, r.exited_people] for r in PovertyLedger.objects.all()
    }
    assert stored == headline.ledger_rows(Household.objects.all())
    places = list(Township.objects.order_by("code"))
    for day in DAYS:
        computed = headline.headline(day, places, HISTORY)
        with mock.patch.object(headline, "_household_sums", headline_reference.household_sums):
            assert computed == headline.headline(day, places, HISTORY), day
    assert headline.incidence_by_year(HISTORY, places) == headline_reference_incidence(places)


def headline_reference_incidence(places):
    with mock.patch.object(headline, "_household_sums", headline_reference.household_sums):
        return headline.incidence_by_year(HISTORY, places)


@pytest.fixture
def writer(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def test_the_ledger_is_exact_for_every_day_and_its_rows_per_month(county, township_a):
    assert_exact()
    # households with a return are left out of the ledger, read one by one
    rows = headline.ledger_rows(Household.objects.filter(village__township=township_a))
    assert rows == {
        (township_a.pk, D(2014, 5, 1)): [4, 0],
        (township_a.pk, D(2016, 3, 1)): [3, 0],
        (township_a.pk, D(2016, 6, 1)): [2, 4 + 2],
    }
    total = headline.headline(D(2016, 12, 31), list(Township.objects.order_by("code")))["total"]
    # end of 2016: A2 3 + A3 5 (returned) + B1 2 + B3 1
    assert total["poor_people"] == 11
    assert (total["identified_people"], total["exited_people"], total["returned_people"]) == (
        3 + 2 + 1,
        4 + 2,
        5,
    )


def test_a_write_behind_the_apps_back_is_not_in_the_ledger_until_rebuild_summaries(county):
    Household.objects.filter(code="A2").update(size=9, registered_on=D(2016, 4, 12))
    with pytest.raises(AssertionError):
        assert_exact()
    call_command("rebuild_summaries", stdout=None)
    assert_exact()


def test_admin_writes_of_households(county, writer, village_a, village_b):
    a1 = Household.objects.get(code="A1")
    posted(
        writer.post(
            f"/admin/villages/household/{a1.pk}/change/", admin_data(a1, size=7, exited_on="2016-07-15")
        )
    )
    assert_exact()
    posted(
        writer.post(
            "/admin/villages/household/add/",
            {"code": "A5", "village": village_a.pk, "head": "孙七", "size": 2, "assistance": "industry",
             "registered_on": "2016-04-10", "exited_on": "2016-11-05"},
        )
    )  # fmt: skip
    assert_exact()
    a2 = Household.objects.get(code="A2")
    posted(writer.post(f"/admin/villages/household/{a2.pk}/change/", admin_data(a2, village=village_b.pk)))
    assert Household.objects.get(code="A2").village == village_b
    assert_exact()
    a5 = Household.objects.get(code="A5")
    posted(writer.post(f"/admin/villages/household/{a5.pk}/delete/", {"post": "yes"}))
    assert_exact()
    b1, b3 = Household.objects.get(code="B1"), Household.objects.get(code="B3")
    posted(
        writer.post(
            "/admin/villages/household/",
            {"action": "delete_selected", "_selected_action": [b1.pk, b3.pk], "post": "yes"},
        )
    )
    assert not Household.objects.filter(code__in=["B1", "B3"]).exists()
    assert_exact()


def test_admin_writes_of_returns_to_poverty(county, writer):
    a1 = Household.objects.get(code="A1")
    data = {"household": a1.pk, "returned_on": "2016-08-15", "reason": "因灾返贫", "exited_again_on": ""}
    posted(writer.post("/admin/villages/povertyreturn/add/", data))
    assert_exact()
    back = PovertyReturn.objects.get(household=a1)
    b2 = Household.objects.get(code="B2")
    posted(writer.post(f"/admin/villages/povertyreturn/{back.pk}/change/", data | {"household": b2.pk}))
    assert PovertyReturn.objects.get(pk=back.pk).household == b2
    assert not a1.returns.exists()
    assert_exact()
    posted(writer.post(f"/admin/villages/povertyreturn/{back.pk}/delete/", {"post": "yes"}))
    assert_exact()
    posted(
        writer.post(
            "/admin/villages/povertyreturn/",
            {"action": "delete_selected", "_selected_action": list(PovertyReturn.objects.values_list("pk", flat=True)),
             "post": "yes"},
        )
    )  # fmt: skip
    assert not PovertyReturn.objects.exists()
    assert_exact()


def test_a_village_moved_to_another_township_in_the_admin(county, writer, township_a, village_b):
    posted(
        writer.post(
            f"/admin/villages/village/{village_b.pk}/change/", admin_data(village_b, township=township_a.pk)
        )
    )
    assert Village.objects.get(pk=village_b.pk).township == township_a
    assert not PovertyLedger.objects.filter(township__code="T-B").exists()
    assert_exact()


def test_registry_loads_of_households_and_villages(county, village_a, village_b):
    header = ["code", "village", "head", "size", "assistance", "registered_on", "exited_on"]
    report = engine.load(
        [
            csv_file(
                "households",
                [
                    header,
                    ["A6", village_a.code, "钱六", 3, "ecology", "2016-06-18", ""],  # new
                    ["A1", village_a.code, "户主A1", 4, "industry", "2014-05-01", "2016-06-17"],  # exit moved
                    [
                        "B1",
                        village_a.code,
                        "户主B1",
                        2,
                        "industry",
                        "2015-01-01",
                        "2016-10-31",
                    ],  # moved, exits
                ],
            )
        ]
    )
    assert report.ok, report.errors
    assert Household.objects.get(code="B1").village == village_a
    assert_exact()

    report = engine.load(
        [csv_file("villages", [["编码", "乡镇编码", "名称"], [village_a.code, "T-B", "甲一村"]])]
    )
    assert report.ok, report.errors
    assert not PovertyLedger.objects.filter(township__code="T-A").exists()
    assert_exact()


def test_the_migrations_fill(county):
    PovertyLedger.objects.all().delete()
    importlib.import_module("villages.migrations.0017_poverty_ledger").fill(apps, None)
    assert_exact()


def test_the_synthetic_county_fills_it_through_the_writer():
    synthetic.build("small")
    assert PovertyLedger.objects.exists()
    assert_exact()
