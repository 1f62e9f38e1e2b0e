"""问题清单: the township secretary raises and closes his township's problems and turns one
into a task with an owner and a deadline; bad input writes nothing."""

import datetime as dt

import pytest
from django.urls import reverse

from accountability.models import Problem, Task
from villages.models import Cadre

from .tasks_factories import freeze_today

pytestmark = pytest.mark.django_db

LIST = reverse("accountability:problem_list")


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def problem(secretary_a, township_a, village_a, fixed_today):
    return Problem.objects.create(
        township=township_a,
        village=village_a,
        factor="industry",
        description="甲一村缺少产业路",
        raised_by=secretary_a,
        raised_on=dt.date(2016, 6, 1),
    )


def test_secretary_raises_a_problem_for_his_township(client, secretary_a, township_a, village_a, fixed_today):
    client.force_login(secretary_a)
    response = client.post(
        LIST, {"village": village_a.pk, "factor": "project", "description": "  饮水管网老化 "}
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    assert (problem.township, problem.village, problem.factor) == (township_a, village_a, "project")
    assert problem.description == "饮水管网老化"
    assert (problem.raised_by, problem.raised_on) == (secretary_a, dt.date(2016, 6, 8))
    assert problem.history.get().history_user == secretary_a


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"factor": "project", "description": ""}, "请填写问题描述。"),
        ({"factor": "project", "description": "   "}, "请填写问题描述。"),
        ({"factor": "weather", "description": "x"}, "请选择有效的脱贫要素。"),
        ({"factor": "", "description": "x"}, "请选择脱贫要素。"),
        ({"factor": "project", "description": "x", "village": "other"}, "请选择本乡镇的村。"),
    ],
)
def test_bad_problem_is_refused_and_nothing_is_written(client, secretary_a, fixed_today, data, message):
    client.force_login(secretary_a)
    response = client.post(LIST, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Problem.objects.exists()


def test_problem_in_another_townships_village_is_refused(client, secretary_a, village_b, fixed_today):
    client.force_login(secretary_a)
    response = client.post(LIST, {"village": village_b.pk, "factor": "project", "description": "越界"})
    assert response.status_code == 400
    assert "请选择本乡镇的村。" in response.content.decode()
    assert not Problem.objects.exists()


def test_list_filters_open_and_closed_and_stays_in_scope(
    client, secretary_a, secretary_b, township_b, problem
):
    Problem.objects.create(
        township=township_b, factor="policy", description="乙乡的问题", raised_by=secretary_b
    )
    closed = Problem.objects.create(
        township=problem.township,
        factor="talent",
        description="已解决的问题",
        raised_on=dt.date(2016, 5, 1),
        closed_on=dt.date(2016, 5, 20),
        resolution="已培训",
    )
    client.force_login(secretary_a)
    assert list(client.get(LIST).context["page"].object_list) == [problem, closed]
    assert list(client.get(LIST, {"state": "open"}).context["page"].object_list) == [problem]
    assert list(client.get(LIST, {"state": "closed"}).context["page"].object_list) == [closed]
    response = client.get(LIST, {"state": "solved"})
    assert "筛选条件无效" in response.content.decode()
    assert list(response.context["page"].object_list) == []
    assert "乙乡的问题" not in client.get(LIST).content.decode()


def test_secretary_closes_a_problem_with_its_resolution(client, secretary_a, problem):
    client.force_login(secretary_a)
    url = reverse("accountability:problem_close", args=[problem.pk])
    response = client.post(url, {"resolution": "已修通"})
    assert response.status_code == 302
    problem.refresh_from_db()
    assert (problem.closed_on, problem.resolution) == (dt.date(2016, 6, 8), "已修通")
    # closing again is refused, nothing changes
    again = client.post(url, {"resolution": "再次关闭"})
    assert again.status_code == 400
    assert "该问题已经解决，不能重复关闭。" in again.content.decode()
    problem.refresh_from_db()
    assert problem.resolution == "已修通"
    assert problem.history.count() == 2


def test_closing_without_a_resolution_is_refused(client, secretary_a, problem):
    client.force_login(secretary_a)
    response = client.post(reverse("accountability:problem_close", args=[problem.pk]), {"resolution": " "})
    assert response.status_code == 400
    assert "请填写解决情况。" in response.content.decode()
    problem.refresh_from_db()
    assert problem.is_open and problem.history.count() == 1


def task_data(owner, **extra):
    return {
        "title": "修建产业路2公里",
        "owner": owner.pk,
        "due_on": "2016-09-30",
        "target": "2",
        "unit": "公里",
        **extra,
    }


def test_secretary_turns_a_problem_into_a_task(client, secretary_a, village_secretary, problem):
    client.force_login(secretary_a)
    owner = Cadre.objects.get(user=village_secretary)
    response = client.post(reverse("accountability:problem_to_task", args=[problem.pk]), task_data(owner))
    task = Task.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accountability:task_detail", args=[task.pk])
    assert (task.problem, task.owner, task.township, task.village) == (
        problem,
        owner,
        problem.township,
        problem.village,
    )
    assert (task.due_on, task.target, task.unit, task.factor) == (dt.date(2016, 9, 30), 2, "公里", "industry")
    page = client.get(reverse("accountability:problem_detail", args=[problem.pk])).content.decode()
    assert task.code in page
    assert (
        reverse("accountability:problem_detail", args=[problem.pk])
        in client.get(response.url).content.decode()
    )


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"due_on": "2016-06-07"}, "due_on", "完成时限不能早于今天。"),
        ({"due_on": "2016-13-40"}, "due_on", "请输入有效的日期"),
        ({"target": "0"}, "target", "目标值必须大于0。"),
        ({"target": "-3"}, "target", "目标值必须大于0。"),
        ({"target": "abc"}, "target", "目标值必须是数字。"),
        ({"title": ""}, "title", "请填写任务名称。"),
    ],
)
def test_bad_task_from_problem_is_refused_and_nothing_is_written(
    client, secretary_a, village_secretary, problem, extra, field, message
):
    client.force_login(secretary_a)
    owner = Cadre.objects.get(user=village_secretary)
    response = client.post(
        reverse("accountability:problem_to_task", args=[problem.pk]), task_data(owner, **extra)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert f'id="id_{field}_errors"' in response.content.decode()
    assert not Task.objects.exists()


def test_owner_from_another_township_is_refused(client, secretary_a, secretary_b, problem):
    client.force_login(secretary_a)
    outsider = Cadre.objects.get(user=secretary_b)
    response = client.post(reverse("accountability:problem_to_task", args=[problem.pk]), task_data(outsider))
    assert response.status_code == 400
    assert "责任人必须是本乡镇的干部。" in response.content.decode()
    assert not Task.objects.exists()


def test_closed_problem_cannot_become_a_task(client, secretary_a, village_secretary, problem):
    problem.closed_on, problem.resolution = dt.date(2016, 6, 8), "已解决"
    problem.save()
    client.force_login(secretary_a)
    owner = Cadre.objects.get(user=village_secretary)
    response = client.post(reverse("accountability:problem_to_task", args=[problem.pk]), task_data(owner))
    assert response.status_code == 400
    assert "该问题已经解决" in response.content.decode()
    assert not Task.objects.exists()


def test_detail_without_history_says_so(client, secretary_a, problem):
    problem.history.all().delete()
    client.force_login(secretary_a)
    page = client.get(reverse("accountability:problem_detail", args=[problem.pk])).content.decode()
    assert "还没有修改记录。" in page
