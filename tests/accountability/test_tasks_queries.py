"""My tasks, the task page and the problem list run a fixed number of SQL queries: the
same at 3 tasks as at 40 tasks with several reports, corrections and evidence each."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from accountability.models import Evidence, Problem
from tests.accountability.tasks_factories import THIS_WEEK, freeze_today, make_report, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


# session, user, groups (role), cadre, the week's lock, the compact 提醒 panel (his tasks'
# counts and his township's overdue findings: it names no task, so it reads none), then the
# list, kept in the cache: the counts of this week's work at the top (one aggregate, which
# also gives the number of rows of the unfiltered list), the village filter's choices and
# the page of rows; + the count of the filtered rows when a filter is in use
TASK_LIST_QUERIES = 10
TASK_LIST_FILTERED_QUERIES = 11
TASK_LIST_CACHED_QUERIES = 7  # the list from the cache: none of its three
# a county supervisor: session, user, groups, the week's lock, his 提醒 panel (the county's
# overdue findings), the counts, the township and the village filters' choices, the page
SUPERVISOR_TASK_LIST_QUERIES = 9
TASK_PAGE_QUERIES = 10
# + count, page of rows, villages of the raise form, villages of the filter
PROBLEM_LIST_QUERIES = 8
PROBLEM_CSV_QUERIES = 5  # + every filtered row at once


def without_csrf(response):
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", response.content)


def build(secretary, village, n_tasks, n_weeks):
    task = None
    for i in range(n_tasks):
        task = make_task(
            secretary,
            f"Q-{i:03d}",
            village=village if i % 2 else None,
            due_on=dt.date(2016, 6, 1) + dt.timedelta(days=7 * (i % 5)),
        )
        for w in range(n_weeks):
            report = make_report(
                task, THIS_WEEK - dt.timedelta(weeks=w), str(10 + w), secretary, note=f"第{w}周"
            )
            report.value += 1
            report.version += 1
            report._history_user = secretary
            report.save()  # a correction: one more history row
            Evidence.objects.create(
                report=report, file=f"evidence/{i}/{w}.jpg", name=f"{w}.jpg", size=10, uploaded_by=secretary
            )
        Problem.objects.create(
            township=village.township,
            village=village,
            factor="industry",
            description=f"问题{i}",
            raised_by=secretary,
        )
    return task


@pytest.mark.parametrize(("n_tasks", "n_weeks"), [(3, 1), (40, 4)])
def test_task_list_query_count_does_not_grow(
    client, django_assert_num_queries, secretary_a, village_a, fixed_today, n_tasks, n_weeks
):
    build(secretary_a, village_a, n_tasks, n_weeks)
    client.force_login(secretary_a)
    with django_assert_num_queries(TASK_LIST_QUERIES):
        response = client.get(reverse("accountability:task_list"), {"sort": "-latest_percent"})
    assert len(response.context["table"].page.object_list) == min(n_tasks, 25)
    with django_assert_num_queries(TASK_LIST_CACHED_QUERIES):
        cached = client.get(reverse("accountability:task_list"), {"sort": "-latest_percent"})
    assert without_csrf(cached) == without_csrf(response)
    for page in ("1", "2"):  # the list's own order: a page read in deadline order, or sorted
        with django_assert_num_queries(TASK_LIST_QUERIES):
            client.get(reverse("accountability:task_list"), {"page": page})
    with django_assert_num_queries(TASK_LIST_FILTERED_QUERIES):
        client.get(reverse("accountability:task_list"), {"status": "in_progress", "overdue": "yes"})
    with django_assert_num_queries(TASK_LIST_FILTERED_QUERIES):
        client.get(reverse("accountability:task_list"), {"status": "in_progress", "page": "2"})


@pytest.mark.parametrize(("n_tasks", "n_weeks"), [(3, 1), (40, 4)])
def test_a_supervisors_task_list_query_count_does_not_grow(
    client, django_assert_num_queries, supervisor, secretary_a, village_a, fixed_today, n_tasks, n_weeks
):
    build(secretary_a, village_a, n_tasks, n_weeks)
    client.force_login(supervisor)
    with django_assert_num_queries(SUPERVISOR_TASK_LIST_QUERIES):
        client.get(reverse("accountability:task_list"))
    # a township chosen: the choice checked, its villages offered, the filtered rows counted
    with django_assert_num_queries(SUPERVISOR_TASK_LIST_QUERIES + 2):
        response = client.get(reverse("accountability:task_list"), {"township": village_a.township_id})
    assert len(response.context["table"].page.object_list) == min(n_tasks, 25)


@pytest.mark.parametrize(("n_tasks", "n_weeks"), [(3, 1), (40, 4)])
def test_task_page_query_count_does_not_grow(
    client, django_assert_num_queries, secretary_a, village_a, fixed_today, n_tasks, n_weeks
):
    task = build(secretary_a, village_a, n_tasks, n_weeks)
    client.force_login(secretary_a)
    with django_assert_num_queries(TASK_PAGE_QUERIES):
        response = client.get(reverse("accountability:task_detail", args=[task.pk]))
    assert len(response.context["reports"]) == n_weeks
    assert len(response.context["history"]) == 2 * n_weeks


@pytest.mark.parametrize(("n_tasks", "n_weeks"), [(3, 1), (40, 1)])
def test_problem_list_query_count_does_not_grow(
    client, django_assert_num_queries, secretary_a, village_a, fixed_today, n_tasks, n_weeks
):
    build(secretary_a, village_a, n_tasks, n_weeks)
    client.force_login(secretary_a)
    url = reverse("accountability:problem_list")
    with django_assert_num_queries(PROBLEM_LIST_QUERIES):
        response = client.get(url, {"sort": "-task_count"})
    assert len(response.context["table"].page.object_list) == min(n_tasks, 25)
    with django_assert_num_queries(PROBLEM_LIST_QUERIES + 1):  # + the chosen village, checked
        client.get(url, {"status": "open", "village": village_a.pk, "factor": "industry", "page": 2})
    with django_assert_num_queries(PROBLEM_CSV_QUERIES):
        response = client.get(url, {"status": "open", "export": "csv"})
    assert len(response.content.decode("utf-8-sig").splitlines()) == n_tasks + 1


# session, user, groups (role), then the locks of the weeks shown
WEEK_LOCK_QUERIES = 4


@pytest.mark.parametrize("n_locks", [1, 7])  # the page shows this week and the 7 before
def test_week_lock_page_query_count_does_not_grow(
    client, django_assert_num_queries, supervisor, fixed_today, n_locks
):
    from accountability.models import WeekLock

    for n in range(n_locks):
        WeekLock.objects.create(week=THIS_WEEK - dt.timedelta(weeks=n + 1), locked_by=supervisor)
    client.force_login(supervisor)
    with django_assert_num_queries(WEEK_LOCK_QUERIES):
        response = client.get(reverse("accountability:week_lock"))
    assert response.status_code == 200
    assert response.content.decode().count('class="badge bad"') == n_locks  # one 已锁定 per lock shown
