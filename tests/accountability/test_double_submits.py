"""Double submits and stale forms, one request after the other (issue 14; any database):
the second submit of the same form shows what the first one made and writes nothing, a
close on a problem someone closed meanwhile is refused. test_concurrency.py sends the same
requests at the same moment on PostgreSQL."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountability.models import AccountabilityAction, Finding, Inspection, Problem, Task
from accountability.tasks import services
from tests.accountability.tasks_factories import freeze_today, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


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


def task_data(owner, title="修建产业路2公里"):
    return {"title": title, "owner": owner.pk, "due_on": "2016-09-30", "target": "2", "unit": "公里"}


def test_second_submit_of_problem_to_task_shows_the_first_task(
    client, secretary_a, village_secretary, problem
):
    client.force_login(secretary_a)
    url = reverse("accountability:problem_to_task", args=[problem.pk])
    first = client.post(url, task_data(village_secretary.cadre))

    second = client.post(url, task_data(village_secretary.cadre), follow=True)

    task = Task.objects.get()
    assert first.url == reverse("accountability:task_detail", args=[task.pk])
    assert second.redirect_chain == [(first.url, 302)]
    assert f"该问题已转为任务 {task.code}，没有重复创建。" in second.content.decode()
    assert task.history.count() == 1


def test_a_different_task_from_the_same_problem_is_still_made(secretary_a, village_secretary, problem):
    owner = village_secretary.cadre
    args = (owner, problem.raised_on.replace(month=9, day=30), 2, "公里")
    first = services.problem_to_task(problem, secretary_a, "修路", *args)
    second = services.problem_to_task(problem, secretary_a, "建桥", *args)

    assert (first.code, second.code) == (f"T-A-Q{problem.pk}-1", f"T-A-Q{problem.pk}-2")


def test_task_code_of_a_deleted_sibling_is_not_reused(secretary_a, village_secretary, problem):
    owner = village_secretary.cadre
    args = (owner, problem.raised_on.replace(month=9, day=30), 2, "公里")
    first = services.problem_to_task(problem, secretary_a, "修路", *args)
    services.problem_to_task(problem, secretary_a, "建桥", *args)
    first.delete()

    third = services.problem_to_task(problem, secretary_a, "通水", *args)

    assert third.code == f"T-A-Q{problem.pk}-3"


def test_closing_a_problem_closed_meanwhile_is_refused_and_keeps_the_first_resolution(secretary_a, problem):
    stale = Problem.objects.get(pk=problem.pk)  # the page opened before the other close
    services.close_problem(problem, secretary_a, "已修通")

    with pytest.raises(ValidationError) as refused:
        services.close_problem(stale, secretary_a, "另一种说法")

    assert refused.value.message_dict == {"resolution": ["该问题已经解决，不能重复关闭。"]}
    problem.refresh_from_db()
    assert problem.resolution == "已修通" and problem.history.count() == 2


def test_converting_a_problem_closed_meanwhile_is_refused(secretary_a, village_secretary, problem):
    stale = Problem.objects.get(pk=problem.pk)
    services.close_problem(problem, secretary_a, "已修通")

    with pytest.raises(ValidationError, match="该问题已经解决，不能再转为任务。"):
        services.problem_to_task(
            stale, secretary_a, "修路", village_secretary.cadre, problem.raised_on.replace(month=9), 2
        )

    assert not Task.objects.exists()


def test_second_submit_of_a_problem_shows_the_first(client, secretary_a, village_a):
    client.force_login(secretary_a)
    data = {"village": village_a.pk, "factor": "project", "description": "村道未硬化"}

    first = client.post(reverse("accountability:problem_list"), data)
    second = client.post(reverse("accountability:problem_list"), data)

    problem = Problem.objects.get()
    assert first.url == second.url == reverse("accountability:problem_detail", args=[problem.pk])
    assert problem.history.count() == 1


def test_the_same_problem_may_be_listed_again_after_it_was_closed(secretary_a, village_a):
    first = services.raise_problem(
        secretary_a, village_a.township, "project", "村道未硬化", village=village_a
    )
    services.close_problem(first, secretary_a, "已硬化")

    again = services.raise_problem(
        secretary_a, village_a.township, "project", "村道未硬化", village=village_a
    )

    assert again.pk != first.pk and Problem.objects.count() == 2


def inspection_data(supervisor, village_a):
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
        first = i == 0
        data.update(
            {
                f"findings-{i}-category": category,
                f"findings-{i}-severity": "serious" if first else "ok",
                f"findings-{i}-description": "3户识别不准" if first else "",
                f"findings-{i}-rectify_by": "2016-06-30" if first else "",
            }
        )
    return data


def test_second_submit_of_an_inspection_shows_the_first(client, supervisor, village_a):
    client.force_login(supervisor)
    data = inspection_data(supervisor, village_a)

    first = client.post(reverse("accountability:inspection_new"), data)
    second = client.post(reverse("accountability:inspection_new"), data)

    inspection = Inspection.objects.get()
    assert first.url == second.url == reverse("accountability:inspection_detail", args=[inspection.pk])
    assert (Finding.objects.count(), Inspection.history.count()) == (5, 1)


def test_an_inspection_with_other_findings_is_a_new_record(client, supervisor, village_a):
    client.force_login(supervisor)
    data = inspection_data(supervisor, village_a)
    client.post(reverse("accountability:inspection_new"), data)

    client.post(reverse("accountability:inspection_new"), {**data, "findings-0-description": "5户识别不准"})

    assert Inspection.objects.count() == 2


def test_second_submit_of_an_accountability_action_records_it_once(client, supervisor, resident_cadre):
    client.force_login(supervisor)
    data = {
        "kind": "warning_talk",
        "cadre": resident_cadre.cadre.pk,
        "rank": "ordinary",
        "decided_on": "2016-06-01",
        "reason": "任务推进滞后",
        "inspection": "",
        "task": "",
    }

    responses = [client.post(reverse("accountability:action_new"), data) for _ in range(2)]

    assert [r.status_code for r in responses] == [302, 302]
    assert AccountabilityAction.objects.count() == AccountabilityAction.history.count() == 1


def test_week_locked_by_another_supervisor_meanwhile_gets_the_chinese_message(supervisor):
    services.lock_week(services.current_week(), supervisor)

    with pytest.raises(ValidationError) as refused:
        services.lock_week(services.current_week(), supervisor)

    assert refused.value.message_dict == {"week": ["该周已经锁定。"]}


def test_first_report_filed_meanwhile_is_a_conflict_not_a_duplicate(secretary_a, village_a):
    """The form was opened with no report (version 0); someone filed one before this save."""
    task = make_task(secretary_a, "T-A-001", village=village_a, target=200)
    week = services.current_week()
    services.file_report(task, secretary_a, week, 50, "第一份")

    with pytest.raises(services.ReportConflict):
        services.file_report(task, secretary_a, week, 60, "同时填的", expected_version=0)

    assert task.reports.get().note == "第一份"
