"""Every role against every view of the task, report and problem pages, GET and POST.

Township A holds the task (owned by its secretary, in village A), a report with evidence and
an open problem. Another township's objects are a 404; a role that may look but not write
gets 403 on POST and nothing is written; users without a role get 403; anonymous users are
sent to the login page."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.urls import reverse

from accountability.models import Evidence, Problem, ProgressReport, Task, WeekLock
from tests.access import cases, check_access
from tests.accountability.tasks_factories import JPEG, THIS_WEEK, freeze_today, make_report, make_task
from tests.committed import committed_cast, fresh
from villages.models import Cadre

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("task-access")]
TODAY = dt.date(2016, 6, 8)  # tests/conftest.py's ``today``


# view, method: expected status per role, in the order of ROLES
MATRIX = {
    ("task_list", "GET"): [200, 200, 200, 200, 200, 200, 403, 302],
    ("task_list", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("task_detail", "GET"): [200, 404, 200, 200, 200, 200, 403, 302],
    ("task_detail", "POST"): [302, 404, 403, 403, 403, 403, 403, 302],
    ("evidence_file", "GET"): [200, 404, 200, 200, 200, 200, 403, 302],
    ("evidence_file", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("week_lock", "GET"): [403, 403, 403, 403, 200, 200, 403, 302],
    ("week_lock", "POST"): [403, 403, 403, 403, 302, 403, 403, 302],
    ("problem_list", "GET"): [200, 200, 200, 200, 200, 200, 403, 302],
    ("problem_list", "POST"): [302, 302, 403, 403, 403, 403, 403, 302],
    ("problem_detail", "GET"): [200, 404, 200, 200, 200, 200, 403, 302],
    ("problem_detail", "POST"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("problem_close", "GET"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("problem_close", "POST"): [302, 404, 403, 403, 403, 403, 403, 302],
    ("problem_to_task", "GET"): [405, 405, 405, 405, 405, 405, 405, 405],
    ("problem_to_task", "POST"): [302, 404, 403, 403, 403, 403, 403, 302],
}

CASES = cases(MATRIX)


@pytest.fixture(scope="module")
def committed_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The cast, the task, its report with evidence and the problem: built once for the
    module and committed (tests/committed.py); each test's writes are rolled back."""
    media = tmp_path_factory.mktemp("media")
    with (
        committed_cast(django_db_blocker) as cast,
        override_settings(MEDIA_ROOT=media),
        pytest.MonkeyPatch.context() as patch,
    ):
        today = TODAY
        freeze_today(patch, today)
        secretary_a, village_a = cast["secretary_a"], cast["village_a"]
        task = make_task(secretary_a, "M-01", village=village_a)
        report = make_report(task, THIS_WEEK - dt.timedelta(weeks=1), "10", secretary_a)
        evidence = Evidence(report=report, name="现场.jpg", size=len(JPEG), uploaded_by=secretary_a)
        evidence.file.save("现场.jpg", ContentFile(JPEG), save=False)
        evidence.save()
        problem = Problem.objects.create(
            township=task.township,
            village=village_a,
            factor="industry",
            description="产业路未通",
            raised_by=secretary_a,
            raised_on=today,
        )
        yield {"cast": cast, "media": media, "task": task, "evidence": evidence, "problem": problem}


@pytest.fixture
def world(committed_world, monkeypatch, settings):
    freeze_today(monkeypatch, TODAY)
    settings.MEDIA_ROOT = committed_world["media"]
    return {**committed_world, "cast": fresh(committed_world["cast"])}


def request_for(view, method, world):
    task, problem = world["task"], world["problem"]
    owner = Cadre.objects.get(user__username="village_secretary")
    args = {
        "task_detail": [task.pk],
        "evidence_file": [world["evidence"].pk],
        "problem_detail": [problem.pk],
        "problem_close": [problem.pk],
        "problem_to_task": [problem.pk],
    }.get(view, [])
    data = {
        "task_detail": {"week": "2016-W23", "version": 0, "value": "30", "note": "矩阵"},
        "week_lock": {"week": "2016-W22"},
        "problem_list": {"factor": "policy", "description": "新问题"},
        "problem_close": {"resolution": "已解决"},
        "problem_to_task": {"title": "新任务", "owner": owner.pk, "due_on": "2016-09-30", "target": "5"},
    }.get(view, {})
    return reverse(f"accountability:{view}", args=args), data


def counts():
    return [m.objects.count() for m in (Task, ProgressReport, Evidence, WeekLock, Problem)] + [
        Problem.objects.filter(closed_on__isnull=False).count(),
        ProgressReport.history.count(),
    ]


@pytest.mark.parametrize(("view", "method", "role", "expected"), CASES)
def test_access_matrix(client, request, world, view, method, role, expected):
    url, data = request_for(view, method, world)
    check_access(client, request, role, method, url, data, expected, counts, users=world["cast"])
