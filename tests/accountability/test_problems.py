"""问题清单: the township secretary raises and closes his township's problems and turns one
into a task with an owner and a deadline; bad input writes nothing."""

import codecs
import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from accountability.models import Problem, Task
from tests.accountability.tasks_factories import freeze_today, make_task
from villages.models import Cadre

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


@pytest.fixture
def listed(secretary_a, secretary_b, township_a, township_b, village_b, problem):
    """Township A: ``problem`` (open, 甲一村, 2016-06-01, two tasks made from it), a
    township-wide open problem (2016-05-10) and a closed one (甲一村, 2016-05-01, closed
    2016-05-20); township B: one open problem."""
    for code in ("A-01", "A-02"):
        task = make_task(secretary_a, code)
        task.problem = problem
        task.save(update_fields=["problem"])
    whole = Problem.objects.create(
        township=township_a,
        factor="policy",
        description="全镇政策宣传不到位",
        raised_by=secretary_a,
        raised_on=dt.date(2016, 5, 10),
    )
    closed = Problem.objects.create(
        township=township_a,
        village=problem.village,
        factor="talent",
        description="已解决的问题",
        raised_on=dt.date(2016, 5, 1),
        closed_on=dt.date(2016, 5, 20),
        resolution="已培训",
    )
    other = Problem.objects.create(
        township=township_b,
        village=village_b,
        factor="policy",
        description="乙乡的问题",
        raised_by=secretary_b,
        raised_on=dt.date(2016, 6, 2),
    )
    return {"problem": problem, "whole": whole, "closed": closed, "other": other}


def shown(response, listed):
    """The page's rows as fixture names."""
    names = {p.pk: name for name, p in listed.items()}
    return [names[row.record.pk] for row in response.context["table"].page.object_list]


def test_list_shows_open_problems_first_then_newest_and_stays_in_scope(client, secretary_a, listed):
    client.force_login(secretary_a)
    response = client.get(LIST)
    assert response.status_code == 200
    assert shown(response, listed) == ["problem", "whole", "closed"]
    page = response.content.decode()
    assert "乙乡的问题" not in page
    assert reverse("accountability:problem_detail", args=[listed["problem"].pk]) in page
    assert "未解决" in page and "已解决</span> 2016-05-20" in page
    rows = {row.record.pk: row.record for row in response.context["table"].page.object_list}
    assert rows[listed["problem"].pk].task_count == 2 and rows[listed["closed"].pk].task_count == 0
    # the secretary still gets the form to raise a problem
    assert "加入问题清单" in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("raised_on", ["closed", "whole", "problem", "other"]),
        ("-raised_on", ["other", "problem", "whole", "closed"]),
        ("township", ["problem", "whole", "closed", "other"]),
        ("-township", ["other", "closed", "whole", "problem"]),
        ("village", ["problem", "closed", "other", "whole"]),  # township-wide ones last
        ("-village", ["other", "problem", "closed", "whole"]),
        ("factor", ["problem", "other", "whole", "closed"]),  # industry, policy, talent
        ("-factor", ["closed", "whole", "other", "problem"]),
        ("status", ["other", "problem", "whole", "closed"]),
        ("-status", ["closed", "other", "problem", "whole"]),
        ("-task_count", ["problem", "closed", "whole", "other"]),
        ("task_count", ["other", "whole", "closed", "problem"]),
    ],
)
def test_list_sorts_by_each_column(client, supervisor, listed, sort, expected):
    client.force_login(supervisor)
    assert shown(client.get(LIST, {"sort": sort}), listed) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "open"}, ["problem", "whole"]),
        ({"status": "closed"}, ["closed"]),
        ({"factor": "policy"}, ["whole"]),
        ({"village": "village_a"}, ["problem", "closed"]),
        ({"village": "village_a", "status": "open"}, ["problem"]),
        ({"status": "open", "sort": "raised_on"}, ["whole", "problem"]),
    ],
)
def test_filters_narrow_the_list(client, secretary_a, village_a, listed, query, expected):
    if query.get("village") == "village_a":
        query = {**query, "village": village_a.pk}
    client.force_login(secretary_a)
    assert shown(client.get(LIST, query), listed) == expected


def test_village_filter_offers_only_villages_in_scope(
    client, secretary_a, village_secretary, village_a, listed
):
    client.force_login(secretary_a)
    response = client.get(LIST)
    choices = [str(label) for _, label in response.context["filter"].form.fields["village"].choices]
    assert "甲一村" in choices and "乙一村" not in choices
    page = response.content.decode()
    assert "筛选" in page and "清除" in page and "导出 CSV" in page
    client.force_login(village_secretary)
    choices = client.get(LIST).context["filter"].form.fields["village"].choices
    assert [str(label) for _, label in choices] == ["全部", "甲一村"]


@pytest.mark.parametrize(
    "query",
    [{"status": "solved"}, {"village": "village_b"}, {"village": "abc"}, {"factor": "weather"}],
)
def test_bad_filter_value_gets_a_chinese_message_and_no_rows(client, secretary_a, village_b, listed, query):
    if query.get("village") == "village_b":
        query = {"village": village_b.pk}  # another township's village is not a choice
    client.force_login(secretary_a)
    response = client.get(LIST, query)
    assert response.status_code == 200
    assert "筛选条件无效" in response.content.decode()
    assert shown(response, listed) == []
    # the export of a refused filter is empty too, never another township's rows
    rows = csv_rows(client.get(LIST, {**query, "export": "csv"}))
    assert rows == [CSV_HEADER]


CSV_HEADER = ["提出日期", "乡镇", "村", "脱贫要素", "问题描述", "状态", "解决日期", "解决情况", "已转任务数"]


def csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == 'attachment; filename="problems.csv"'
    assert response.content.startswith(codecs.BOM_UTF8)  # Excel on Chinese Windows reads it
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_export_has_every_problem_of_the_township_and_no_other(client, secretary_a, listed):
    client.force_login(secretary_a)
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert rows == [
        CSV_HEADER,
        ["2016-06-01", "甲镇", "甲一村", "产业", "甲一村缺少产业路", "未解决", "", "", "2"],
        ["2016-05-10", "甲镇", "", "政策", "全镇政策宣传不到位", "未解决", "", "", "0"],
        ["2016-05-01", "甲镇", "甲一村", "人才", "已解决的问题", "已解决", "2016-05-20", "已培训", "0"],
    ]


def test_csv_export_follows_the_filters(client, secretary_a, listed):
    client.force_login(secretary_a)
    rows = csv_rows(client.get(LIST, {"status": "closed", "export": "csv"}))
    assert [row[4] for row in rows[1:]] == ["已解决的问题"]


def test_supervisor_export_has_every_township(client, supervisor, listed):
    client.force_login(supervisor)
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert sorted(row[1] for row in rows[1:]) == ["乙乡", "甲镇", "甲镇", "甲镇"]


def test_village_cadre_export_has_only_his_village(client, resident_cadre, listed):
    client.force_login(resident_cadre)
    rows = csv_rows(client.get(LIST, {"export": "csv"}))
    assert [row[4] for row in rows[1:]] == ["甲一村缺少产业路", "已解决的问题"]


def test_list_is_paginated_by_25_and_pages_keep_the_filter(client, secretary_a, township_a, fixed_today):
    for n in range(30):
        Problem.objects.create(
            township=township_a,
            factor="industry",
            description=f"问题{n:02d}",
            raised_on=dt.date(2016, 5, 1) + dt.timedelta(days=n),
        )
    client.force_login(secretary_a)

    def descriptions(response):
        return [row.record.description for row in response.context["table"].page.object_list]

    first = client.get(LIST, {"status": "open"})
    assert descriptions(first) == [f"问题{n:02d}" for n in range(29, 4, -1)]
    page = first.content.decode()
    assert 'class="pagination' in page  # the task list's pagination
    assert "status=open" in page and "page=2" in page
    assert descriptions(client.get(LIST, {"status": "open", "page": 2})) == [
        f"问题{n:02d}" for n in range(4, -1, -1)
    ]
    assert descriptions(client.get(LIST, {"page": "x"})) == descriptions(first)


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
