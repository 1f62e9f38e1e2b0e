"""The headline kept in the pages' cache (``villages.headline.cached``, under the households
version of chishui/cache.py) is the live computation after every write of its inputs —
registry loads of households, villages and statistics, the admin of households, returns to
poverty, statistics, villages and townships, their deletes — and is read again, without a
query, after a write that leaves them (``invalidate(households=False)``: a weekly report's)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from chishui import cache
from tests.villages.satisfaction_factories import load_items, survey_round
from tests.villages.test_headline import household
from villages import headline
from villages.models import Household, PovertyLedger, PovertyReturn, Township, TownshipStatistics, Village
from villages.registry import engine
from villages.satisfaction import services as survey_services

pytestmark = pytest.mark.django_db

D = dt.date
DAY = D(2016, 12, 31)
HISTORY = [2015, 2016]


@pytest.fixture
def county(township_a, township_b, village_a, village_b):
    """A: 1,000 rural people, B: 500. A1 (4) poor since 2014; A2 (5) exited 2015-10-01;
    B1 (2) poor since 2015."""
    household("A1", village_a, 4, D(2014, 5, 1))
    household("A2", village_a, 5, D(2014, 5, 1), D(2015, 10, 1))
    household("B1", village_b, 2, D(2015, 1, 1))
    for year in (2015, 2016):
        TownshipStatistics.objects.create(
            township=township_a, year=year, rural_population=1000, income_per_head=Decimal("9000")
        )
        TownshipStatistics.objects.create(
            township=township_b, year=year, rural_population=500, income_per_head=Decimal("12000")
        )


def townships():
    return list(Township.objects.order_by("code"))


def fresh(django_assert_num_queries):
    """The cached headline, after checking it is the live computation and that a second read
    comes from the cache."""
    places = townships()
    value = headline.cached(DAY, places, HISTORY)
    assert value == headline.headline(DAY, places, HISTORY)
    with django_assert_num_queries(0):
        assert headline.cached(DAY, places, HISTORY) == value
    return value


@pytest.fixture
def writer(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def admin_data(obj, **changes):
    """The admin change form's fields of ``obj``, with ``changes``."""
    data = model_to_dict(obj) | changes
    return {name: "" if value is None else value for name, value in data.items()}


def posted(response):
    assert response.status_code == 302, response.content.decode()[:3000]


def csv_file(name, rows):
    return (f"{name}.csv", "\n".join(",".join(map(str, row)) for row in rows).encode())


def test_the_cached_headline_is_the_live_one_and_read_without_a_query(county, django_assert_num_queries):
    value = fresh(django_assert_num_queries)
    assert value["total"]["poor_people"] == 6
    # kept apart per day, townships and history
    places = townships()
    assert headline.cached(D(2015, 12, 31), places) == headline.headline(D(2015, 12, 31), places)
    assert headline.cached(DAY, places[:1]) == headline.headline(DAY, places[:1])
    assert headline.cached(DAY, places) == headline.headline(DAY, places)
    assert "history" not in headline.cached(DAY, places)


def test_a_write_that_leaves_its_inputs_keeps_it_and_any_other_write_does_not(
    county, django_assert_num_queries
):
    before = fresh(django_assert_num_queries)
    places = townships()
    cache.invalidate(households=False)  # a weekly report, a task, an inspection
    with django_assert_num_queries(0):
        assert headline.cached(DAY, places, HISTORY) == before
    cache.invalidate()
    with django_assert_num_queries(2):
        assert headline.cached(DAY, places, HISTORY) == before


def test_survey_writes_keep_it_and_still_show_on_the_pages(
    county, supervisor, township_a, village_a, django_assert_num_queries
):
    """Rounds, answers and outreach records are none of the headline's inputs: their writes
    bump the pages' version (the satisfaction results change) but not the households
    version, so the headline is read from the cache."""
    items = load_items()
    first = survey_round(number=1)
    surveyed = Household.objects.get(code="A1")
    before = fresh(django_assert_num_queries)
    places = townships()
    client = Client()
    client.force_login(supervisor)
    shown = client.get("/satisfaction/?year=2016&format=json").json()

    pages, households = cache.version(), cache.households_version()
    survey_services.record_answers(first, surveyed, {item.pk: 1 for item in items}, user=None)
    response = client.post(
        "/satisfaction/outreach/new/",
        {"kind": "night_school", "title": "夜校", "township": township_a.pk, "held_on": "2016-05-01",
         "attendance": 40},
    )  # fmt: skip
    posted(response)
    survey_services.close_round(first)
    survey_services.open_round(year=2016, number=2, held_on=D(2016, 8, 1))

    assert cache.version() != pages and cache.households_version() == households
    with django_assert_num_queries(0):
        assert headline.cached(DAY, places, HISTORY) == before
    after = client.get("/satisfaction/?year=2016&format=json").json()
    assert after["surveyed"] == shown["surveyed"] + 1
    assert [r["number"] for r in after["rounds"]] == [1, 2]

    added = household("A3", village_a, 3, D(2016, 3, 1))
    survey_services.households_written([added.pk])  # as every write of households ends
    assert cache.households_version() != households


def test_a_township_renamed_behind_the_cache_is_a_different_key(county, django_assert_num_queries):
    fresh(django_assert_num_queries)
    Township.objects.filter(code="T-B").update(code="T-C")  # no invalidation at all
    places = townships()
    assert headline.cached(DAY, places, HISTORY)["total"]["missing_statistics"] == []
    assert headline.cached(DAY, places, HISTORY) == headline.headline(DAY, places, HISTORY)


def test_registry_loads_of_households_statistics_and_villages_change_it(
    county, village_a, django_assert_num_queries
):
    before = fresh(django_assert_num_queries)
    report = engine.load(
        [
            csv_file(
                "households",
                [
                    ["code", "village", "head", "size", "assistance", "registered_on", "exited_on"],
                    ["A3", village_a.code, "钱六", 3, "ecology", "2016-06-01", ""],
                ],
            )
        ]
    )
    assert report.ok, report.errors
    after = fresh(django_assert_num_queries)
    assert after["total"]["poor_people"] == before["total"]["poor_people"] + 3
    assert after["total"]["identified_people"] == before["total"]["identified_people"] + 3

    report = engine.load(
        [csv_file("statistics", [["乡镇编码", "年度", "农村户籍人口", "农村居民人均可支配收入（元）"], ["T-A", 2016, 2000, 9000]])]
    )  # fmt: skip
    assert report.ok, report.errors
    statistics = fresh(django_assert_num_queries)
    assert statistics["total"]["rural_population"] == 2500 != after["total"]["rural_population"]

    report = engine.load([csv_file("villages", [["编码", "乡镇编码", "名称"], ["V-B1", "T-A", "乙一村"]])])
    assert report.ok, report.errors
    moved = fresh(django_assert_num_queries)
    a, b = townships()
    assert moved["townships"][b.pk]["poor_people"] == 0 != statistics["townships"][b.pk]["poor_people"]


def test_admin_writes_of_households_change_it(county, writer, village_a, django_assert_num_queries):
    before = fresh(django_assert_num_queries)
    a1 = Household.objects.get(code="A1")
    posted(writer.post(f"/admin/villages/household/{a1.pk}/change/", admin_data(a1, size=7)))
    edited = fresh(django_assert_num_queries)
    assert edited["total"]["poor_people"] == before["total"]["poor_people"] + 3

    posted(
        writer.post(
            "/admin/villages/household/add/",
            {
                "code": "A4",
                "village": village_a.pk,
                "head": "孙七",
                "size": 2,
                "assistance": "industry",
                "registered_on": "2016-04-01",
                "exited_on": "",
            },
        )  # fmt: skip
    )
    added = fresh(django_assert_num_queries)
    assert added["total"]["poor_people"] == edited["total"]["poor_people"] + 2

    a4 = Household.objects.get(code="A4")
    posted(writer.post(f"/admin/villages/household/{a4.pk}/delete/", {"post": "yes"}))
    assert fresh(django_assert_num_queries) == edited

    b1 = Household.objects.get(code="B1")
    posted(
        writer.post("/admin/villages/household/", {"action": "delete_selected", "_selected_action": [b1.pk], "post": "yes"})
    )  # fmt: skip
    assert fresh(django_assert_num_queries)["total"]["poor_people"] == edited["total"]["poor_people"] - 2


def test_admin_writes_of_returns_to_poverty_change_it(county, writer, django_assert_num_queries):
    before = fresh(django_assert_num_queries)
    a2 = Household.objects.get(code="A2")
    posted(
        writer.post(
            "/admin/villages/povertyreturn/add/",
            {"household": a2.pk, "returned_on": "2016-09-01", "reason": "因病返贫", "exited_again_on": ""},
        )
    )
    returned = fresh(django_assert_num_queries)
    assert returned["total"]["poor_people"] == before["total"]["poor_people"] + 5
    assert returned["total"]["returned_people"] == 5

    back = PovertyReturn.objects.get()
    posted(
        writer.post(
            f"/admin/villages/povertyreturn/{back.pk}/change/",
            {"household": a2.pk, "returned_on": "2016-09-01", "reason": "因病返贫", "exited_again_on": "2016-11-30"},
        )
    )  # fmt: skip
    assert fresh(django_assert_num_queries)["total"]["poor_people"] == before["total"]["poor_people"]

    posted(writer.post(f"/admin/villages/povertyreturn/{back.pk}/delete/", {"post": "yes"}))
    assert fresh(django_assert_num_queries) == before


def test_admin_writes_of_statistics_villages_and_townships_change_it(
    county, writer, township_a, village_b, django_assert_num_queries
):
    before = fresh(django_assert_num_queries)
    statistics = TownshipStatistics.objects.get(township__code="T-B", year=2016)
    posted(
        writer.post(
            f"/admin/villages/townshipstatistics/{statistics.pk}/change/",
            admin_data(statistics, rural_population=250),
        )
    )
    halved = fresh(django_assert_num_queries)
    assert halved["total"]["rural_population"] == before["total"]["rural_population"] - 250

    posted(writer.post(f"/admin/villages/townshipstatistics/{statistics.pk}/delete/", {"post": "yes"}))
    missing = fresh(django_assert_num_queries)
    assert missing["total"]["missing_statistics"] == ["T-B"]
    assert missing["total"]["poverty_incidence_percent"] is None

    posted(
        writer.post(f"/admin/villages/village/{village_b.pk}/change/", admin_data(village_b, township=township_a.pk))
    )  # fmt: skip
    moved = fresh(django_assert_num_queries)
    assert (
        moved["townships"][township_a.pk]["poor_people"]
        == before["townships"][township_a.pk]["poor_people"] + 2
    )

    township_b = Township.objects.get(code="T-B")
    posted(
        writer.post(f"/admin/villages/township/{township_b.pk}/change/", admin_data(township_b, code="T-Z"))
    )
    assert fresh(django_assert_num_queries)["total"]["missing_statistics"] == ["T-Z"]


def test_no_cache_when_its_lifetime_is_zero(county, settings, django_assert_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 0
    places = townships()
    live = headline.headline(DAY, places, HISTORY)
    for _run in range(2):
        with django_assert_num_queries(2):
            assert headline.cached(DAY, places, HISTORY) == live


def test_the_headline_reads_only_its_inputs(county):
    """The tables the module's queries read: the inputs whose writes bump the households
    version (villages' own, never accountability's). Townships count by the caller's ids and
    codes, and the statistics are read in their order (by township code)."""
    places = townships()
    with CaptureQueriesContext(connection) as captured:
        headline.headline(DAY, places, HISTORY)
    tables = {
        name
        for query in captured.captured_queries
        for name in re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', query["sql"])
    }
    # the ledger is written only by the writes of households (households_written), which bump it
    inputs = {
        model._meta.db_table
        for model in (Household, PovertyLedger, PovertyReturn, TownshipStatistics, Village, Township)
    }
    assert tables == inputs
