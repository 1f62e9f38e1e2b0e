"""My tasks (/tasks/): the township's tasks with latest progress, this week's status, the
deadline and the overdue flag; filters, sorting, pagination and CSV export."""

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse

from tests.accountability.tasks_factories import LAST_WEEK, THIS_WEEK, freeze_today, make_report, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


URL = reverse("accountability:task_list")


@pytest.fixture
def tasks(secretary_a, secretary_b, village_a, village_b, fixed_today):
    """Township A: done, in progress (reported this week), not started and overdue, not
    started; township B: one task."""
    done = make_task(secretary_a, "A-01", village=village_a, title="修通组路", target=10)
    make_report(done, LAST_WEEK, "10", secretary_a)
    going = make_task(secretary_a, "A-02", title="产业覆盖", target=100)
    make_report(going, LAST_WEEK, "20", secretary_a)
    make_report(going, THIS_WEEK, "35", secretary_a)
    late = make_task(secretary_a, "A-03", title="危房改造", due_on=dt.date(2016, 6, 1))
    fresh = make_task(secretary_a, "A-04", title="技能培训", village=village_a, factor="talent")
    other = make_task(secretary_b, "B-01", title="乙乡的任务", village=village_b)
    return {"done": done, "going": going, "late": late, "fresh": fresh, "other": other}


def codes(response):
    return [row.record.code for row in response.context["table"].page.object_list]


def test_secretary_sees_his_townships_tasks_this_weeks_work_first(client, secretary_a, tasks):
    client.force_login(secretary_a)
    response = client.get(URL)
    assert response.status_code == 200
    # A-04 still to report this week, A-03 overdue, A-02 reported already, A-01 done: last
    assert codes(response) == ["A-04", "A-03", "A-02", "A-01"]
    assert "乙乡的任务" not in response.content.decode()


def test_rows_carry_latest_percent_this_weeks_status_and_overdue_flag(client, secretary_a, tasks):
    client.force_login(secretary_a)
    rows = {r.record.code: r.record for r in client.get(URL).context["table"].page.object_list}
    assert rows["A-01"].latest_percent == 100 and rows["A-01"].status == "done"
    assert rows["A-02"].latest_percent == 35 and rows["A-02"].reported_this_week
    assert rows["A-02"].status == "in_progress" and not rows["A-01"].reported_this_week
    assert rows["A-03"].is_overdue and rows["A-03"].status == "not_started"
    assert not rows["A-04"].is_overdue
    page = client.get(URL).content.decode()
    assert "已逾期" in page and "已填报" in page and "未填报" in page and "35.0%" in page
    assert reverse("accountability:task_detail", args=[tasks["going"].pk]) in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "done"}, ["A-01"]),
        ({"status": "in_progress"}, ["A-02"]),
        ({"status": "not_started"}, ["A-04", "A-03"]),
        ({"overdue": "yes"}, ["A-03"]),
        ({"overdue": "no"}, ["A-04", "A-02", "A-01"]),
        ({"reported": "yes"}, ["A-02"]),
        ({"reported": "no"}, ["A-04", "A-03", "A-01"]),
        ({"factor": "talent"}, ["A-04"]),
        ({"status": "not_started", "overdue": "no"}, ["A-04"]),
    ],
)
def test_filters_narrow_the_list(client, secretary_a, tasks, query, expected):
    client.force_login(secretary_a)
    assert codes(client.get(URL, query)) == expected


def test_village_filter_offers_only_villages_in_scope(client, secretary_a, tasks, village_a, village_b):
    client.force_login(secretary_a)
    response = client.get(URL, {"village": village_a.pk})
    assert codes(response) == ["A-04", "A-01"]
    choices = [str(label) for _, label in response.context["filter"].form.fields["village"].choices]
    assert "甲一村" in choices and "乙一村" not in choices


def test_bad_filter_value_gets_a_chinese_message_and_no_rows(client, secretary_a, tasks, village_b):
    client.force_login(secretary_a)
    for query in (
        {"status": "finished"},
        {"village": village_b.pk},
        {"village": "abc"},
        {"overdue": "maybe"},
    ):
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "筛选条件无效" in response.content.decode()
        assert codes(response) == []


def test_county_supervisor_filters_by_township_and_then_by_its_villages(
    client, supervisor, tasks, township_a, township_b, village_a, village_b
):
    client.force_login(supervisor)
    everything = client.get(URL)
    assert set(codes(everything)) == {"A-01", "A-02", "A-03", "A-04", "B-01"}
    form = everything.context["filter"].form
    assert [str(label) for _, label in form.fields["township"].choices] == ["全部", "甲镇", "乙乡"]
    assert {str(label) for _, label in form.fields["village"].choices} >= {"甲一村", "乙一村"}

    response = client.get(URL, {"township": township_b.pk})
    assert codes(response) == ["B-01"]
    villages = [str(label) for _, label in response.context["filter"].form.fields["village"].choices]
    assert "乙一村" in villages and "甲一村" not in villages
    assert f'<option value="{township_b.pk}" selected>乙乡</option>' in response.content.decode()
    assert codes(client.get(URL, {"township": township_a.pk, "village": village_a.pk})) == ["A-04", "A-01"]

    # the export follows the township too
    exported = client.get(URL, {"township": township_b.pk, "export": "csv"}).content.decode("utf-8-sig")
    assert "B-01" in exported and "A-01" not in exported


def test_a_bad_township_or_a_village_outside_it_gets_a_message_and_no_rows(
    client, supervisor, tasks, township_a, village_b
):
    client.force_login(supervisor)
    for query in (
        {"township": "abc"},
        {"township": "999999"},
        {"township": township_a.pk, "village": village_b.pk},
    ):
        response = client.get(URL, query)
        assert response.status_code == 200
        assert "筛选条件无效" in response.content.decode()
        assert codes(response) == []


def test_one_townships_cadre_is_offered_no_township_filter(client, secretary_a, tasks, township_b):
    """A secretary sees his township's tasks only: nothing to choose, and a township in the
    address changes nothing."""
    client.force_login(secretary_a)
    response = client.get(URL, {"township": township_b.pk})
    assert "township" not in response.context["filter"].form.fields
    assert 'name="township"' not in response.content.decode()
    assert codes(response) == ["A-04", "A-03", "A-02", "A-01"]


def test_list_sorts_by_a_column(client, secretary_a, tasks):
    client.force_login(secretary_a)
    assert codes(client.get(URL, {"sort": "-latest_percent"}))[:2] == ["A-01", "A-02"]
    assert codes(client.get(URL, {"sort": "code"})) == ["A-01", "A-02", "A-03", "A-04"]
    assert codes(client.get(URL, {"sort": "-code"})) == ["A-04", "A-03", "A-02", "A-01"]


def test_list_is_paginated_by_25(client, secretary_a, fixed_today):
    for n in range(30):
        make_task(secretary_a, f"P-{n:02d}", due_on=dt.date(2016, 7, 1) + dt.timedelta(days=n))
    client.force_login(secretary_a)
    first = client.get(URL)
    assert len(codes(first)) == 25
    second = client.get(URL, {"page": 2})
    assert codes(second) == [f"P-{n:02d}" for n in range(25, 30)]
    assert codes(client.get(URL, {"page": "x"})) == codes(first)


def test_csv_export_follows_the_filters(client, secretary_a, tasks):
    client.force_login(secretary_a)
    response = client.get(URL, {"status": "not_started", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["任务编号", "任务名称"]
    assert [r[0] for r in rows[1:]] == ["A-03", "A-04"]
    assert rows[1][-1] == "是" and rows[2][-1] == "否"


def test_supervisor_sees_every_township_and_a_link_to_lock_the_week(client, supervisor, tasks):
    client.force_login(supervisor)
    response = client.get(URL)
    assert sorted(codes(response)) == ["A-01", "A-02", "A-03", "A-04", "B-01"]
    assert reverse("accountability:week_lock") in response.content.decode()


def test_resident_cadre_sees_his_village_tasks_and_his_own(client, resident_cadre, village_a, tasks):
    own = make_task(resident_cadre, "R-01", title="驻村干部任务")
    client.force_login(resident_cadre)
    assert sorted(codes(client.get(URL))) == ["A-01", "A-04", own.code]


@pytest.mark.parametrize(
    ("who", "heading"),
    [
        ("secretary_a", "我的任务"),
        ("village_secretary", "我的任务"),
        ("resident_cadre", "我的任务"),
        ("supervisor", "任务进度"),
        ("admin_user", "任务进度"),
    ],
)
def test_heading_matches_the_nav_label_of_the_role(request, client, who, heading, tasks):
    """Secretaries and cadres see their own tasks (我的任务); supervisors and admins follow
    every township's (任务进度), as the nav calls the page for them."""
    client.force_login(request.getfixturevalue(who))
    page = client.get(URL).content.decode()
    other = {"我的任务": "任务进度", "任务进度": "我的任务"}[heading]
    assert f"<h1>{heading}</h1>" in page and f"<title>{heading} · " in page
    assert other not in page
    detail = client.get(reverse("accountability:task_detail", args=[tasks["fresh"].pk])).content.decode()
    assert f"← {heading}</a>" in detail


def test_order_is_to_report_this_week_then_overdue_then_the_rest_then_finished(
    client, secretary_a, fixed_today
):
    """Each group by deadline: what needs a report this week (started by Sunday, unfinished,
    not overdue, not reported yet), then overdue tasks, then tasks reported already or not
    started yet, finished tasks last."""
    later = make_task(secretary_a, "T-LATER", due_on=dt.date(2016, 12, 31))
    soon = make_task(secretary_a, "T-SOON", due_on=dt.date(2016, 6, 12))
    sunday = make_task(secretary_a, "T-SUNDAY", due_on=dt.date(2016, 8, 1))
    sunday.starts_on = THIS_WEEK + dt.timedelta(days=6)  # starts within this week: reportable
    sunday.save(update_fields=["starts_on"])
    future = make_task(secretary_a, "T-FUTURE", due_on=dt.date(2016, 7, 1))
    future.starts_on = THIS_WEEK + dt.timedelta(days=7)  # starts next week: nothing to report
    future.save(update_fields=["starts_on"])
    old_late = make_task(secretary_a, "T-OLD", due_on=dt.date(2015, 12, 31))
    late_reported = make_task(secretary_a, "T-LATE-REP", due_on=dt.date(2016, 6, 1))
    make_report(late_reported, THIS_WEEK, "40", secretary_a)  # reported, but still overdue
    reported = make_task(secretary_a, "T-REPORTED", due_on=dt.date(2016, 6, 10))
    make_report(reported, THIS_WEEK, "50", secretary_a)
    done_late = make_task(secretary_a, "T-DONE", due_on=dt.date(2016, 1, 31))
    make_report(done_late, LAST_WEEK, "100", secretary_a)
    client.force_login(secretary_a)
    response = client.get(URL)
    assert codes(response) == [
        soon.code,
        sunday.code,
        later.code,
        old_late.code,
        late_reported.code,
        reported.code,
        future.code,
        done_late.code,
    ]
    assert response.context["counts"] == {"to_report": 3, "overdue": 2}
    assert "本周待填报 3 项" in response.content.decode()
    assert "已逾期 2 项" in response.content.decode()


def test_counts_at_the_top_are_of_every_task_not_the_filtered_ones(client, secretary_a, tasks):
    client.force_login(secretary_a)
    response = client.get(URL, {"status": "done"})
    assert codes(response) == ["A-01"]
    assert response.context["counts"] == {"to_report": 1, "overdue": 1}
    assert "本周待填报 1 项" in response.content.decode()


def cell(page, code, name):
    """The HTML of one cell (by its ``cell-<name>`` class) in the row of task ``code``."""
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*>{code}</a>.*?</tr>", page, re.S)[0]
    return re.search(rf'<td[^>]*class="cell-{name}[^"]*"[^>]*>(.*?)</td>', row, re.S)[1]


def test_a_finished_task_shows_done_not_unreported(client, secretary_a, tasks):
    client.force_login(secretary_a)
    page = client.get(URL).content.decode()
    assert "已完成" in cell(page, "A-01", "week") and "未填报" not in cell(page, "A-01", "week")
    assert "badge ok" in cell(page, "A-01", "week")
    assert "未填报" in cell(page, "A-04", "week")
    assert "已填报" in cell(page, "A-02", "week")


def test_cells_carry_the_labels_of_the_phone_cards(client, secretary_a, tasks):
    client.force_login(secretary_a)
    page = client.get(URL).content.decode()
    for label in ("完成时限", "最新进度", "本周填报"):
        assert f'data-label="{label}"' in page
    assert re.search(r'<tr class="to-report (even|odd)"', page)
    assert re.search(r'<tr class="done (even|odd)"', page)


def test_filters_fold_on_a_phone_unless_one_is_in_use(client, secretary_a, tasks):
    client.force_login(secretary_a)
    assert 'data-fold-narrow="yes"' in client.get(URL).content.decode()
    assert 'data-fold-narrow="yes"' in client.get(URL, {"sort": "code", "page": 1}).content.decode()
    filtered = client.get(URL, {"factor": "talent"}).content.decode()
    assert 'data-fold-narrow="no"' in filtered and "已筛选" in filtered


def test_a_task_closed_out_at_the_years_end_is_not_this_weeks_work(client, secretary_a, tasks, fixed_today):
    """A task closed out unfinished (Task.closure) is neither to report nor overdue: it is
    listed after the finished ones, says how it was closed, and is not in the counts."""
    closed = make_task(secretary_a, "A-05", title="往年未完成", due_on=dt.date(2015, 6, 30))
    make_report(closed, LAST_WEEK, "60", secretary_a)
    closed.closure, closed.closed_on = "unfinished", dt.date(2016, 1, 6)
    closed.save(update_fields=["closure", "closed_on"])
    client.force_login(secretary_a)
    response = client.get(URL)
    page = response.content.decode()
    assert codes(response)[-2:] == ["A-01", "A-05"]  # finished, then closed out
    assert response.context["counts"] == {"to_report": 1, "overdue": 1}  # as without it
    assert "未完成结项" in cell(page, "A-05", "week") and "未填报" not in cell(page, "A-05", "week")
    rows = list(csv.reader(io.StringIO(client.get(URL, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert any(row[0] == "A-05" and "未完成结项" in row for row in rows)
