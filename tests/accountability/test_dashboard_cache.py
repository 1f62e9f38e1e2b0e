"""The cached dashboards (accountability/dashboards/cache.py) are never stale after a write
through the app: a report filed, an inspection or an accountability action recorded, a
"1+X" pairing project recorded, a rebuild — and they are kept apart per scope and
language."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.cache import cache as django_cache
from django.core.management import call_command
from django.db.models import F
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client

from accountability.dashboards import cache, summaries
from accountability.models import Contract, ProgressReport, Task
from accountability.oversight import services as oversight_services
from accountability.periods import Week
from accountability.records import services as record_services
from accountability.tasks import services
from chishui import cache as shared_cache
from devdata import synthetic
from tests.accountability.tasks_factories import freeze_today
from tests.accountability.test_summaries import secretary_of
from tests.committed import committed_county
from villages import headline
from villages.models import Cadre, EconomicOrganization, Household, Township, Village
from villages.registry import engine

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("cache-county")]

WEEK = Week(2016, 23)
WEEKLY = f"/dashboard/weekly/?week={WEEK}"
QUARTERLY = "/dashboard/quarterly/?quarter=2016-Q2"
MONTHLY = "/dashboard/monthly/?month=2016-06"
YEARLY = "/dashboard/yearly/?year=2016"
# A cold monthly / yearly page at county level, the headline read from the cache (13 / 6
# queries with it: villages/headline.py's two).
MONTHLY_QUERIES_WITHOUT_HEADLINE = 11
YEARLY_QUERIES_WITHOUT_HEADLINE = 4


def build_county():
    synthetic.build("small")
    summaries.rebuild()


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    """The small county with its summary tables, built once for the module (committed; each
    test's writes are rolled back; the module's other tests do not read the data)."""
    with committed_county(django_db_blocker, build_county):
        yield


@pytest.fixture
def watched(client, supervisor, county):
    client.force_login(supervisor)
    return client


def cached_json(client, url, django_assert_num_queries):
    """The page's figures, after checking the second request comes from the cache."""
    first = client.get(url + "&format=json").json()
    with django_assert_num_queries(3):  # session, user, groups: no figure is queried
        assert client.get(url + "&format=json").json() == first
    return first


def test_a_cached_weekly_dashboard_changes_when_a_report_is_filed(
    watched, monkeypatch, django_assert_num_queries
):
    before = cached_json(watched, WEEKLY, django_assert_num_queries)
    page = watched.get(WEEKLY)
    assert page.context["data"]["summary"] == before["summary"]
    township = Township.objects.get(code="ST000")
    freeze_today(monkeypatch, WEEK.start + dt.timedelta(days=2))
    task = Task.objects.filter(township=township, due_on__gte=WEEK.start, starts_on__lte=WEEK.start).exclude(
        reports__week=WEEK.start
    )[0]
    services.file_report(task, secretary_of(township), WEEK.start, task.target, "完成")

    after = watched.get(WEEKLY + "&format=json").json()
    assert after["summary"]["reported"] == before["summary"]["reported"] + 1
    assert watched.get(WEEKLY).context["data"]["summary"] == after["summary"]


def test_a_report_for_a_week_not_summarised_yet_moves_the_latest_week(
    watched, monkeypatch, django_assert_num_queries
):
    last = Week.of(ProgressReport.objects.order_by("-week").values_list("week", flat=True)[0])
    assert watched.get("/dashboard/weekly/?format=json").json()["period"] == str(last)
    assert watched.get("/dashboard/weekly/?format=json").json()["period"] == str(last)  # cached
    township = Township.objects.get(code="ST001")
    later = last.shift(1)
    freeze_today(monkeypatch, later.start)
    task = Task.objects.filter(township=township).order_by("-due_on")[0]
    services.file_report(task, secretary_of(township), later.start, task.target, "完成")
    assert watched.get("/dashboard/weekly/?format=json").json()["period"] == str(later)


def test_a_cached_quarterly_dashboard_changes_when_an_inspection_is_recorded(
    watched, supervisor, django_assert_num_queries
):
    before = cached_json(watched, QUARTERLY, django_assert_num_queries)
    township = Township.objects.get(code="ST002")
    oversight_services.record_inspection(
        supervisor,
        {"kind": "unannounced", "held_on": dt.date(2016, 5, 20), "township": township, "summary": "暗查"},
        [
            {
                "category": "funds_use",
                "severity": "serious",
                "description": "挪用",
                "rectify_by": dt.date(2016, 6, 30),
            }
        ],
    )
    after = watched.get(QUARTERLY + "&format=json").json()
    assert after["summary"]["inspections"] == before["summary"]["inspections"] + 1
    assert after["summary"]["serious_findings"] == before["summary"]["serious_findings"] + 1


def test_a_cached_quarterly_dashboard_changes_when_an_action_is_recorded(
    watched, supervisor, django_assert_num_queries
):
    before = cached_json(watched, QUARTERLY, django_assert_num_queries)
    oversight_services.record_action(
        supervisor,
        {
            "kind": "warning_talk",
            "cadre": Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY).order_by("code")[0],
            "rank": "ordinary",
            "decided_on": dt.date(2016, 5, 21),
            "reason": "工作滞后",
        },
    )
    after = watched.get(QUARTERLY + "&format=json").json()
    assert after["summary"]["actions"] == before["summary"]["actions"] + 1
    assert after["league"] != before["league"]  # the league table's action penalty


def test_rebuilding_the_summary_tables_invalidates(watched, django_assert_num_queries):
    cached_json(watched, WEEKLY, django_assert_num_queries)
    summaries.rebuild()
    with django_assert_num_queries(10):  # built again from the tables
        watched.get(WEEKLY + "&format=json")


def test_the_cache_keeps_scopes_and_languages_apart(watched, client, django_user_model):
    county_page = watched.get(WEEKLY)
    assert county_page.context["data"]["scope"]["level"] == "county"
    watched.cookies["django_language"] = "en"
    english = watched.get(WEEKLY).content.decode()
    assert "Reports by unit" in english
    assert "各单位填报情况" not in english
    watched.cookies["django_language"] = "zh-hans"
    assert "各单位填报情况" in watched.get(WEEKLY).content.decode()

    township = Township.objects.get(code="ST001")
    client.logout()
    client.force_login(secretary_of(township))
    own = client.get(WEEKLY)
    assert own.context["data"]["scope"]["township"]["code"] == "ST001"
    assert 'href="/dashboard/weekly/?week=2016-W23&amp;township=ST000' not in own.content.decode()


def test_the_page_around_the_cached_tables_is_the_users_own(watched, client, django_user_model):
    watched.get(WEEKLY)
    other = Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY).order_by("code")[0]
    assert "sec-" not in watched.get(WEEKLY).content.decode()
    client.logout()
    client.force_login(secretary_of(Township.objects.get(pk=other.township_id)))
    assert "supervisor" not in client.get(f"{WEEKLY}&township=ST000").content.decode()


def test_the_version_changes_again_when_the_writer_commits(django_capture_on_commit_callbacks):
    first = cache.version()
    with django_capture_on_commit_callbacks(execute=True):
        cache.invalidate()
        during = cache.version()
    assert len({first, during, cache.version()}) == 3


def test_a_lost_version_starts_a_new_one():
    cache.version()
    django_cache.clear()  # evicted, or a restarted memory cache
    assert cache.version() is not None


def test_no_cache_when_its_lifetime_is_zero(watched, settings, django_assert_num_queries):
    settings.DASHBOARD_CACHE_SECONDS = 0
    for _run in range(2):
        with django_assert_num_queries(10):
            watched.get(WEEKLY + "&format=json")


def test_a_cached_monthly_dashboard_changes_when_a_pairing_project_is_recorded(
    watched, admin_user, django_assert_num_queries
):
    url = "/dashboard/monthly/?month=2016-06"
    before = cached_json(watched, url, django_assert_num_queries)
    village = Village.objects.order_by("code")[0]
    admin = Client()
    admin.force_login(admin_user)
    response = admin.post(
        "/organization/pairing/add/",
        {"code": "X1", "name": "竹笋订单收购", "enterprise": EconomicOrganization.objects.order_by("pk")[0].pk,
         "village": village.pk, "funds": "120000", "started_on": "2016-06-01"},
    )  # fmt: skip
    assert response.status_code == 302
    after = watched.get(url + "&format=json").json()
    assert after["month"]["pairing_funds"] == before["month"]["pairing_funds"] + 120000


def test_the_cached_weekly_page_gives_each_viewer_his_own_reminder_forms(county, supervisor, admin_user):
    """The tables are rendered once for a period and place and kept: a supervisor's 催报
    buttons (a form with his CSRF token) reach neither an admin, who may not send reminders,
    nor another session, whose token they would not match."""
    first, second, admin = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True), Client()
    first.force_login(supervisor)
    second.force_login(supervisor)
    admin.force_login(admin_user)
    assert 'class="inline remind-form"' in first.get(WEEKLY).content.decode()
    assert 'class="inline remind-form"' not in admin.get(WEEKLY).content.decode()
    page = second.get(WEEKLY)
    html = page.content.decode()
    assert 'class="inline remind-form"' in html  # the cached tables, served to another session
    assert "__remind_" not in html
    token = re.search(r'remind-form"><input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', html)[
        1
    ]
    assert _unmask_cipher_token(token) == second.cookies[settings.CSRF_COOKIE_NAME].value  # his own
    assert f'name="next" value="{WEEKLY.replace("&", "&amp;")}"' in html


def live_headline(day):
    return headline.headline(day, Township.objects.order_by("code"))["total"]


def file_a_report(monkeypatch, code):
    township = Township.objects.get(code=code)
    freeze_today(monkeypatch, WEEK.start + dt.timedelta(days=2))
    task = Task.objects.filter(township=township, due_on__gte=WEEK.start, starts_on__lte=WEEK.start).exclude(
        reports__week=WEEK.start
    )[0]
    services.file_report(task, secretary_of(township), WEEK.start, task.target, "完成")


def test_a_report_rebuilds_the_pages_but_not_the_headline(watched, monkeypatch, django_assert_num_queries):
    """A weekly report bumps the data version, not the households version: the monthly and
    yearly pages are built again (the weekly page shows the report) with the headline from
    the cache, which is still the live one."""
    weekly = cached_json(watched, WEEKLY, django_assert_num_queries)
    cached_json(watched, MONTHLY, django_assert_num_queries)
    cached_json(watched, YEARLY, django_assert_num_queries)
    file_a_report(monkeypatch, "ST000")
    assert (
        watched.get(WEEKLY + "&format=json").json()["summary"]["reported"]
        == weekly["summary"]["reported"] + 1
    )
    with django_assert_num_queries(MONTHLY_QUERIES_WITHOUT_HEADLINE):
        monthly = watched.get(MONTHLY + "&format=json").json()
    with django_assert_num_queries(YEARLY_QUERIES_WITHOUT_HEADLINE):
        yearly = watched.get(YEARLY + "&format=json").json()
    assert monthly["headline"] == live_headline(dt.date(2016, 6, 30))
    assert yearly["headline"] == live_headline(dt.date(2016, 12, 31))


def test_a_contract_target_shows_at_once_with_the_headline_from_the_cache(
    watched, supervisor, django_assert_num_queries
):
    before = cached_json(watched, MONTHLY, django_assert_num_queries)
    contract = Contract.objects.filter(year=2016, party=Contract.Party.TOWNSHIP_COMMITTEE).order_by("pk")[0]
    record_services.update_record(
        supervisor, contract, {"target_households": contract.target_households + 10}, contract.version
    )
    with django_assert_num_queries(MONTHLY_QUERIES_WITHOUT_HEADLINE):
        after = watched.get(MONTHLY + "&format=json").json()
    assert after["targets"]["target_households"] == before["targets"]["target_households"] + 10


def test_the_changed_path_keeps_the_headline_only_for_accountabilitys_rows(
    django_capture_on_commit_callbacks,
):
    households = shared_cache.households_version()
    report = ProgressReport.objects.order_by("pk")[0]
    with django_capture_on_commit_callbacks(execute=True):
        summaries.changed([report], [report])
        summaries.changed([report.task])
    assert shared_cache.households_version() == households
    with django_capture_on_commit_callbacks(execute=True):
        summaries.changed([report.task], [Household.objects.order_by("pk")[0]])
    assert shared_cache.households_version() != households


def test_households_and_statistics_loaded_change_the_headline_at_once(watched, django_assert_num_queries):
    before = cached_json(watched, MONTHLY, django_assert_num_queries)
    cached_json(watched, YEARLY, django_assert_num_queries)
    village = Village.objects.order_by("code")[0]
    report = engine.load(
        [
            ("households.csv", f"code,village,head,size,assistance,registered_on\nHN1,{village.code},钱六,7,ecology,2016-03-01".encode()),
            ("statistics.csv", "乡镇编码,年度,农村户籍人口\nST000,2015,1000\nST000,2016,1000".encode()),
        ]
    )  # fmt: skip
    assert report.ok, report.errors
    after = watched.get(MONTHLY + "&format=json").json()
    assert after["headline"]["poor_people"] == before["headline"]["poor_people"] + 7
    assert after["headline"] == live_headline(dt.date(2016, 6, 30))
    yearly = watched.get(YEARLY + "&format=json").json()
    assert yearly["units"][0]["rural_population"] == 1000
    assert yearly["headline"] == live_headline(dt.date(2016, 12, 31))


def test_rebuilding_the_summary_tables_rebuilds_the_headline(watched, django_assert_num_queries):
    """A change made behind the app's back (SQL) shows after ``rebuild_summaries``."""
    before = cached_json(watched, MONTHLY, django_assert_num_queries)
    poor = Household.objects.filter(registered_on__lte=dt.date(2016, 6, 30), exited_on__isnull=True)
    poor.filter(pk=poor.order_by("pk")[0].pk).update(size=F("size") + 9)
    assert watched.get(MONTHLY + "&format=json").json() == before  # the cache does not know
    call_command("rebuild_summaries", stdout=io.StringIO())
    after = watched.get(MONTHLY + "&format=json").json()
    assert after["headline"]["poor_people"] == before["headline"]["poor_people"] + 9
    assert after["headline"] == live_headline(dt.date(2016, 6, 30))
