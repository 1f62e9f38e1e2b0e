"""Every role against every oversight page (ratings, inspections and the 整改 of their
findings, actions, year-end with its JSON and exports, publishing a year-end version, the
half-year reviews and annual reports that feed it), GET and POST. Township A holds the inspection. Another
township's inspection is a 404 for township B's secretary; a role that may not write gets
403 and nothing is written; users without a role get 403; anonymous users are sent to the
login page."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability import periods
from accountability.models import (
    AccountabilityAction,
    AnnualReport,
    Evaluation,
    Finding,
    HalfYearReview,
    Inspection,
    YearEndRun,
    YearEndScore,
)
from accountability.oversight import scoring
from tests.access import cases, check_access
from tests.committed import committed_cast, fresh

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("oversight-access")]
TODAY = dt.date(2016, 6, 8)  # tests/conftest.py's ``today``


# view, method: expected status per role, in the order of ROLES
MATRIX = {
    ("evaluation_list", "GET"): [200, 200, 200, 200, 200, 200, 403, 302],
    ("evaluation_list", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("evaluation_new", "GET"): [200, 200, 200, 403, 403, 403, 403, 302],
    # secretary B's grid has his own village, not village A: out of scope, refused (400)
    ("evaluation_new", "POST"): [302, 400, 302, 403, 403, 403, 403, 302],
    ("inspection_list", "GET"): [200, 200, 403, 403, 200, 200, 403, 302],
    ("inspection_list", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("inspection_new", "GET"): [403, 403, 403, 403, 200, 403, 403, 302],
    ("inspection_new", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
    ("inspection_detail", "GET"): [200, 404, 403, 403, 200, 200, 403, 302],
    ("inspection_detail", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    # 整改完成 of a finding: supervisors only; township B's secretary does not see the
    # inspection at all (404)
    ("finding_rectify", "GET"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("finding_rectify", "POST"): [403, 404, 403, 403, 302, 403, 403, 302],
    ("action_list", "GET"): [200, 200, 403, 403, 200, 200, 403, 302],
    ("action_list", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("action_new", "GET"): [403, 403, 403, 403, 200, 403, 403, 302],
    ("action_new", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
    ("year_end_latest", "GET"): [302, 302, 403, 403, 302, 302, 403, 302],
    ("year_end_latest", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("year_end", "GET"): [200, 200, 403, 403, 200, 200, 403, 302],
    ("year_end", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
    ("year_end_json", "GET"): [200, 200, 403, 403, 200, 200, 403, 302],
    ("year_end_csv", "GET"): [200, 200, 403, 403, 200, 200, 403, 302],
    # publishing a draft: supervisors only (admins manage data, not the league)
    ("year_end_publish", "GET"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("year_end_publish", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
    ("half_year_review_new", "GET"): [403, 403, 403, 403, 200, 403, 403, 302],
    ("half_year_review_new", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
    ("annual_report_new", "GET"): [403, 403, 403, 403, 200, 403, 403, 302],
    ("annual_report_new", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
}

CASES = cases(MATRIX)


@pytest.fixture(scope="module")
def committed_world(django_db_setup, django_db_blocker):
    """The cast, a year-end draft and township A's inspection with a finding: built once for
    the module and committed (tests/committed.py); each test's writes are rolled back."""
    with committed_cast(django_db_blocker) as cast, pytest.MonkeyPatch.context() as patch:
        patch.setattr(periods, "today", lambda: TODAY)
        village_a = cast["village_a"]
        scoring.compute_year_end(2016)  # a draft, version 1, to publish
        inspection = Inspection.objects.create(
            kind="must_check", held_on=dt.date(2016, 5, 10), township=village_a.township, village=village_a
        )
        finding = Finding.objects.create(
            inspection=inspection,
            category="funds_use",
            severity="minor",
            description="x",
            rectify_by=dt.date(2016, 6, 10),
        )
        yield {
            "cast": cast,
            "inspection": inspection,
            "finding": finding,
            "village_a": village_a,
            "resident": cast["resident_cadre"].cadre,
            "secretary_a": cast["secretary_a"].cadre,
        }


@pytest.fixture
def world(committed_world, monkeypatch):
    monkeypatch.setattr(periods, "today", lambda: TODAY)
    return {**committed_world, "cast": fresh(committed_world["cast"])}


def request_for(view, method, role, world):
    args = {
        "inspection_detail": [world["inspection"].pk],
        "finding_rectify": [world["inspection"].pk, world["finding"].pk],
        "year_end": [2016],
        "year_end_json": [2016],
        "year_end_csv": [2016],
        "year_end_publish": [2016, 1],
        "half_year_review_new": [2016],
        "annual_report_new": [2015],
    }.get(view, [])
    query = {"year_end_json": "?format=json", "year_end_csv": "?export=csv&table=townships"}.get(view, "")
    subject = world["resident"] if role == "village_secretary" else world["village_a"]
    data = {
        "evaluation_new": {
            "cycle": "quarterly",
            "year": "2016",
            "period": "2",
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-subject": subject.pk,
            "form-0-version": "0",
            "form-0-score": "88",
            "form-0-comment": "",
        },
        "inspection_new": {
            "kind": "unannounced",
            "held_on": "2016-06-01",
            "township": world["village_a"].township_id,
            "findings-TOTAL_FORMS": "0",
            "findings-INITIAL_FORMS": "0",
        },
        "finding_rectify": {"rectified_on": "2016-06-01"},
        "action_new": {
            "kind": "warning_talk",
            "cadre": world["resident"].pk,
            "rank": "ordinary",
            "decided_on": "2016-06-01",
            "reason": "矩阵",
        },
        "half_year_review_new": {
            "half": "1",
            "township": world["village_a"].township_id,
            "held_on": "2016-06-01",
            "verdict": "lagging",
            "problems": "",
            "conclusions": "矩阵",
        },
        "annual_report_new": {
            "cadre": world["secretary_a"].pk,
            "delivered_on": "2015-12-20",
            "summary": "矩阵",
            "result": "good",
        },
    }.get(view, {})
    name = {"year_end_json": "year_end", "year_end_csv": "year_end"}.get(view, view)
    return reverse(f"accountability:{name}", args=args) + query, data


def counts():
    models = (
        Evaluation,
        Inspection,
        Finding,
        AccountabilityAction,
        YearEndScore,
        HalfYearReview,
        AnnualReport,
    )
    rows = [m.objects.count() for m in models]
    return [
        *rows,
        Finding.objects.filter(rectified_on__isnull=False).count(),
        YearEndRun.objects.filter(status=YearEndRun.Status.PUBLISHED).count(),
    ]


@pytest.mark.parametrize(("view", "method", "role", "expected"), CASES)
def test_access_matrix(client, request, world, view, method, role, expected):
    url, data = request_for(view, method, role, world)
    check_access(client, request, role, method, url, data, expected, counts, users=world["cast"])
