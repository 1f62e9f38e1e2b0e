"""Every role against every satisfaction page (C1, C2, C5), GET and POST. The survey
worker (测评员) of township A's village enters answers there only: township B's household
is a 404 for him; supervisors enter anywhere and alone open and close rounds and record
outreach; supervisors and admins read the results; every other role gets 403 and nothing is
written; anonymous users are sent to the login page."""

import pytest
from django.urls import reverse

from tests.access import cases, check_access
from tests.committed import committed_cast, fresh
from tests.villages.satisfaction_factories import household, load_items, survey_round
from villages.models import LivelihoodOutcome, OutreachEvent, SurveyAnswer, SurveyRound

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("satisfaction-access")]

# roles: secretary_a, secretary_b, village_secretary, resident_cadre, supervisor,
# admin_user, no_role_user, survey_worker, anonymous
READERS = [403, 403, 403, 403, 200, 200, 403, 403, 302]
ENTRY_GET = [403, 403, 403, 403, 200, 403, 403, 200, 302]
SUPERVISOR_GET = [403, 403, 403, 403, 200, 403, 403, 403, 302]
SUPERVISOR_POST = [403, 403, 403, 403, 302, 403, 403, 403, 302]
MATRIX = {
    ("satisfaction", "GET"): READERS,
    ("satisfaction", "POST"): [403, 403, 403, 403, 405, 405, 403, 403, 302],
    ("satisfaction_units", "GET"): READERS,
    ("survey_rounds", "GET"): READERS,
    ("survey_rounds", "POST"): SUPERVISOR_POST,
    ("survey_round_close", "GET"): [403, 403, 403, 403, 405, 403, 403, 403, 302],
    ("survey_round_close", "POST"): SUPERVISOR_POST,
    ("survey", "GET"): ENTRY_GET,
    ("survey_entry", "GET"): ENTRY_GET,
    ("survey_entry", "POST"): [403, 403, 403, 403, 302, 403, 403, 302, 302],
    ("survey_entry_other_township", "GET"): [403, 403, 403, 403, 200, 403, 403, 404, 302],
    ("survey_entry_other_township", "POST"): [403, 403, 403, 403, 302, 403, 403, 404, 302],
    ("survey_pending", "GET"): ENTRY_GET,
    ("outreach_new", "GET"): SUPERVISOR_GET,
    ("outreach_new", "POST"): SUPERVISOR_POST,
    ("outcome_new", "GET"): SUPERVISOR_GET,
    ("outcome_new", "POST"): SUPERVISOR_POST,
}

CASES = cases(MATRIX)


@pytest.fixture(scope="module")
def committed_world(django_db_setup, django_db_blocker):
    """The cast, the livelihood items, a round and a household in each township: built once
    for the module and committed (tests/committed.py); each test's writes are rolled back."""
    with committed_cast(django_db_blocker) as cast:
        village_a = cast["resident_cadre"].cadre.village
        items = load_items()
        yield {
            "cast": cast,
            "round": survey_round(),
            "items": items,
            "village_a": village_a,
            "a": household(village_a, "H-A1"),
            "b": household(cast["village_b"], "H-B1"),
        }


@pytest.fixture
def world(committed_world):
    return {**committed_world, "cast": fresh(committed_world["cast"])}


def request_for(view, world):
    r = world["round"]
    args = {
        "survey_round_close": [r.pk],
        "survey_entry": [r.pk, "H-A1"],
        "survey_entry_other_township": [r.pk, "H-B1"],
        "survey_pending": [r.pk],
    }.get(view, [])
    data = {
        "survey_rounds": {"year": "2016", "number": "2", "held_on": "2016-08-10", "ends_on": "2016-08-31"},
        "survey_entry": {f"item_{item.code}": "3" for item in world["items"]},
        "outreach_new": {
            "kind": "night_school",
            "title": "农民夜校",
            "township": world["village_a"].township_id,
            "village": world["village_a"].pk,
            "held_on": "2016-05-01",
            "attendance": "40",
        },
        "outcome_new": {
            "kind": "rural_inn",
            "village": world["village_a"].pk,
            "people": "2",
            "started_on": "2016-05-01",
        },
    }
    data["survey_entry_other_township"] = data["survey_entry"]
    name = "survey_entry" if view == "survey_entry_other_township" else view
    return reverse(f"villages:{name}", args=args), data.get(view, {})


def counts():
    return [
        SurveyRound.objects.count(),
        SurveyRound.objects.filter(closed=True).count(),
        SurveyAnswer.objects.count(),
        OutreachEvent.objects.count(),
        LivelihoodOutcome.objects.count(),
    ]


@pytest.mark.parametrize(("view", "method", "role", "expected"), CASES)
def test_access_matrix(client, request, world, view, method, role, expected):
    url, data = request_for(view, world)
    check_access(client, request, role, method, url, data, expected, counts, users=world["cast"])


def test_home_sends_the_survey_worker_to_the_survey(client, world):
    client.force_login(world["cast"]["survey_worker"])
    assert client.get("/").url == reverse("villages:survey")


def test_survey_worker_menu_has_only_the_survey(client, world):
    client.force_login(world["cast"]["survey_worker"])  # the livelihood items are loaded
    page = client.get(reverse("villages:survey")).content.decode()
    assert "满意度测评" in page
    assert reverse("accountability:task_list") not in page
    assert reverse("accountability:dashboard_weekly") not in page
