"""Simultaneous writes (issue 14): several users, or one user's double tap, sending the same
form at the same moment. Each test starts its requests in threads that wait at a barrier,
each thread with its own database connection and real transactions, and checks: no 500
(the test client re-raises a view's exception), no duplicate row, no lost update.

Only PostgreSQL runs writers side by side (CI sets DATABASE_URL); SQLite runs one writer at
a time, so these tests are skipped there.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from accountability.dashboards import summaries
from accountability.models import (
    AccountabilityAction,
    Evaluation,
    Finding,
    Inspection,
    Problem,
    ProgressReport,
    Task,
    WeekLock,
    WeeklySummary,
)
from tests.accountability.tasks_factories import LAST_WEEK, THIS_WEEK, freeze_today, make_report, make_task

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent transactions need PostgreSQL (SQLite runs one writer at a time)",
    ),
]

N = 8


@pytest.fixture(autouse=True)
def fixed_today(transactional_db, monkeypatch, today):
    # transactional_db by name: conftest puts the role groups back after each test's flush
    return freeze_today(monkeypatch, today)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def simultaneously(user, requests):
    """POST every ``(url, data)`` of ``requests`` as ``user`` from its own thread, all at
    once; returns the responses in order. An exception in a view fails the test."""
    clients = []
    for _ in requests:
        client = Client()
        client.force_login(user)
        clients.append(client)
    barrier = threading.Barrier(len(requests))
    responses, errors = [None] * len(requests), []

    def run(i, client, url, data):
        try:
            barrier.wait()
            responses[i] = client.post(url, data)
        except Exception as exc:  # noqa: BLE001 - reported below with the request's index
            errors.append((i, exc))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(i, client, url, data))
        for i, (client, (url, data)) in enumerate(zip(clients, requests, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return responses


def statuses(responses):
    return sorted(r.status_code for r in responses)


def report_data(value="50", version=0, note="修了产业路"):
    return {"week": "2016-W23", "version": version, "value": value, "note": note}


def task_url(task):
    return reverse("accountability:task_detail", args=[task.pk])


def assert_summary_matches_live(week):
    live = {
        row.township_id: (row.active, row.due, row.reported, row.overdue, row.reports, row.percent_sum)
        for row in summaries._weekly_rows(summaries.Week.of(week))
    }
    stored = {
        row.township_id: (row.active, row.due, row.reported, row.overdue, row.reports, row.percent_sum)
        for row in WeeklySummary.objects.filter(week=week)
    }
    assert stored == live


@pytest.mark.parametrize("built_to", [LAST_WEEK, THIS_WEEK], ids=["new-week", "built-week"])
def test_simultaneous_reports_in_one_township_all_count(secretary_a, village_a, built_to, secretary_b):
    tasks = [make_task(secretary_a, f"T-A-{i:03}", village=village_a, target=100) for i in range(12)]
    other = make_task(secretary_b, "T-B-001", target=100)
    make_report(other, built_to, "10", secretary_b)
    summaries.rebuild()

    responses = simultaneously(secretary_a, [(task_url(task), report_data()) for task in tasks])

    assert statuses(responses) == [302] * len(tasks)
    assert ProgressReport.objects.filter(week=THIS_WEEK, task__township=village_a.township).count() == 12
    row = WeeklySummary.objects.get(week=THIS_WEEK, township=village_a.township)
    assert (row.reports, row.reported, row.report_percent_sum) == (12, 12, Decimal(600))
    assert_summary_matches_live(THIS_WEEK)


def test_double_submit_of_a_first_report_saves_one_and_shows_the_conflict(secretary_a, village_a):
    task = make_task(secretary_a, "T-A-001", village=village_a, target=200)

    responses = simultaneously(
        secretary_a, [(task_url(task), report_data(value=str(10 + i))) for i in range(N)]
    )

    assert statuses(responses) == [302] + [409] * (N - 1)
    report = ProgressReport.objects.get(task=task)
    assert report.version == 1 and report.history.count() == 1
    conflict = next(r for r in responses if r.status_code == 409).content.decode()
    assert "保存冲突" in conflict


def test_simultaneous_edits_of_one_report_keep_one_and_refuse_the_rest(secretary_a, village_a):
    task = make_task(secretary_a, "T-A-001", village=village_a, target=200)
    make_report(task, THIS_WEEK, "20", secretary_a)

    responses = simultaneously(
        secretary_a, [(task_url(task), report_data(value=str(30 + i), version=1)) for i in range(N)]
    )

    assert statuses(responses) == [302] + [409] * (N - 1)
    report = ProgressReport.objects.get(task=task)
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    assert (report.version, report.value) == (2, Decimal(30 + winner))
    assert report.history.count() == 2  # the first save and the one winner: nothing lost silently


@pytest.fixture
def problem(secretary_a, village_a, today):
    return Problem.objects.create(
        township=village_a.township,
        village=village_a,
        factor="industry",
        description="甲一村缺少产业路",
        raised_by=secretary_a,
        raised_on=today,
    )


def test_double_submit_of_a_problem_lists_it_once(secretary_a, village_a):
    data = {"village": village_a.pk, "factor": "project", "description": "村道未硬化"}

    responses = simultaneously(secretary_a, [(reverse("accountability:problem_list"), data)] * N)

    assert statuses(responses) == [302] * N
    problem = Problem.objects.get()
    assert {r.url for r in responses} == {reverse("accountability:problem_detail", args=[problem.pk])}


def test_double_submit_of_problem_to_task_makes_one_task(secretary_a, village_secretary, problem):
    data = {
        "title": "修建产业路2公里",
        "owner": village_secretary.cadre.pk,
        "due_on": "2016-09-30",
        "target": "2",
        "unit": "公里",
    }
    url = reverse("accountability:problem_to_task", args=[problem.pk])

    responses = simultaneously(secretary_a, [(url, data)] * N)

    assert statuses(responses) == [302] * N
    task = Task.objects.get()
    assert task.problem == problem and task.code == f"{problem.township.code}-Q{problem.pk}-1"
    assert {r.url for r in responses} == {task_url(task)}


def test_two_different_tasks_from_one_problem_get_distinct_codes(secretary_a, village_secretary, problem):
    url = reverse("accountability:problem_to_task", args=[problem.pk])
    data = {"owner": village_secretary.cadre.pk, "due_on": "2016-09-30", "target": "2", "unit": "公里"}

    responses = simultaneously(secretary_a, [(url, {**data, "title": f"分项任务{i}"}) for i in range(N)])

    assert statuses(responses) == [302] * N
    codes = sorted(Task.objects.values_list("code", flat=True))
    assert codes == sorted(f"{problem.township.code}-Q{problem.pk}-{n}" for n in range(1, N + 1))


def test_simultaneous_closes_of_one_problem_one_wins(secretary_a, problem):
    url = reverse("accountability:problem_close", args=[problem.pk])

    responses = simultaneously(secretary_a, [(url, {"resolution": f"解决办法{i}"}) for i in range(N)])

    assert statuses(responses) == [302] + [400] * (N - 1)
    winner = next(i for i, r in enumerate(responses) if r.status_code == 302)
    problem.refresh_from_db()
    assert problem.resolution == f"解决办法{winner}"
    assert problem.history.count() == 2  # raised, closed once
    for response in responses:
        if response.status_code == 400:
            assert "该问题已经解决，不能重复关闭。" in response.content.decode()


def test_double_submit_of_an_inspection_records_it_once(supervisor, village_a):
    data = {
        "kind": "must_check",
        "spot_level": "",
        "held_on": "2016-06-01",
        "township": "",
        "village": village_a.pk,
        "inspector": supervisor.cadre.pk,
        "inspected_cadre": "",
        "summary": "五必查",
        "findings-TOTAL_FORMS": "5",
        "findings-INITIAL_FORMS": "0",
    }
    for i, category in enumerate(Finding.Category.values):
        # a must-check has a result in each of the five categories (Inspection.must_check_errors)
        severity, description = ("serious", "3户识别不准") if i == 0 else ("ok", "")
        data.update(
            {
                f"findings-{i}-category": category,
                f"findings-{i}-severity": severity,
                f"findings-{i}-description": description,
                f"findings-{i}-rectify_by": "2016-06-30" if i == 0 else "",
            }
        )

    responses = simultaneously(supervisor, [(reverse("accountability:inspection_new"), data)] * N)

    assert statuses(responses) == [302] * N
    inspection = Inspection.objects.get()
    assert (Finding.objects.count(), Inspection.history.count()) == (5, 1)
    assert {r.url for r in responses} == {reverse("accountability:inspection_detail", args=[inspection.pk])}


def test_double_submit_of_an_accountability_action_records_it_once(supervisor, resident_cadre):
    data = {
        "kind": "warning_talk",
        "cadre": resident_cadre.cadre.pk,
        "rank": "ordinary",
        "decided_on": "2016-06-01",
        "reason": "任务推进滞后",
        "inspection": "",
        "task": "",
    }

    responses = simultaneously(supervisor, [(reverse("accountability:action_new"), data)] * N)

    assert statuses(responses) == [302] * N
    assert AccountabilityAction.objects.count() == 1
    assert AccountabilityAction.history.count() == 1


def test_double_submit_of_ratings_saves_them_once(secretary_a, village_a):
    data = {
        "cycle": "quarterly",
        "year": "2016",
        "period": "2",
        "form-TOTAL_FORMS": 1,
        "form-INITIAL_FORMS": 1,
        "form-0-subject": village_a.pk,
        "form-0-version": 0,
        "form-0-score": "92.5",
        "form-0-comment": "推进有力",
    }

    responses = simultaneously(secretary_a, [(reverse("accountability:evaluation_new"), data)] * N)

    assert statuses(responses) == [302] + [409] * (N - 1)
    rating = Evaluation.objects.get()
    assert (rating.score, rating.version, rating.history.count()) == (Decimal("92.5"), 1, 1)


def test_double_submit_of_a_week_lock_locks_once(supervisor):
    responses = simultaneously(supervisor, [(reverse("accountability:week_lock"), {"week": "2016-W23"})] * N)

    assert statuses(responses) == [302] + [400] * (N - 1)
    assert WeekLock.objects.count() == 1
    for response in responses:
        if response.status_code == 400:
            assert "该周已经锁定。" in response.content.decode()
