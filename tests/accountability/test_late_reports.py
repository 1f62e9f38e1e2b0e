"""A report typed for a week that ended before it was sent (a form left open over the
weekend, or kept without signal by static/js/report-form.js and sent after the week): past
weeks are read-only (``services.check_report_week``), so nothing is written, and the task
page gives back what was typed as this week's form, saying why, for the secretary to check
and submit. The browser side is tests/e2e/test_secretary_phone.py."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from accountability.models import ProgressReport, WeekLock
from tests.accountability.tasks_factories import LAST_WEEK, THIS_WEEK, freeze_today, make_report, make_task

pytestmark = pytest.mark.django_db

MESSAGE = (
    "没有保存：这份进度是2016年第22周填写的，该周已经结束，往周进度不能再填报或修改。"
    "您填写的内容已放入本周的表单，请核对后作为本周进度提交（佐证材料请重新选择）。"
)


@pytest.fixture
def task(secretary_a, village_a, monkeypatch, today):
    freeze_today(monkeypatch, today)  # Wednesday of 2016-W23
    return make_task(secretary_a, "T-LATE", village=village_a, target=200)


def post(client, task, **data):
    data = {"week": "2016-W22", "version": 0, "value": "120", "note": "上周没信号", **data}
    return client.post(reverse("accountability:task_detail", args=[task.pk]), data)


def hidden(page, name):
    return re.search(rf'name="{name}" value="([^"]*)"', page).group(1)


def test_a_report_for_a_closed_week_comes_back_as_this_weeks_form_and_nothing_is_written(
    client, secretary_a, task
):
    client.force_login(secretary_a)

    response = post(client, task)

    assert response.status_code == 400
    page = response.content.decode()
    assert MESSAGE in page
    assert 'id="error-summary"' in page
    assert (hidden(page, "week"), hidden(page, "version")) == ("2016-W23", "0")
    assert 'value="120"' in page and "上周没信号</textarea>" in page
    assert not ProgressReport.objects.exists()
    assert not ProgressReport.history.exists()

    # submitted as it came back: this week's report
    response = post(client, task, week=hidden(page, "week"), version=hidden(page, "version"))
    assert response.status_code == 302
    report = ProgressReport.objects.get()
    assert (report.week, report.value, report.note, report.reporter) == (
        THIS_WEEK,
        Decimal("120"),
        "上周没信号",
        secretary_a,
    )


def test_over_this_weeks_report_the_form_carries_its_version(client, secretary_a, task):
    """This week was reported meanwhile (another phone): the form comes back on its version,
    so submitting it replaces this week's report knowingly, not as a conflict."""
    make_report(task, THIS_WEEK, "80", secretary_a, note="本周")
    client.force_login(secretary_a)

    page = post(client, task).content.decode()

    assert MESSAGE in page and hidden(page, "version") == "1"
    assert ProgressReport.objects.get().value == Decimal("80")
    response = post(client, task, week="2016-W23", version="1")
    assert response.status_code == 302
    assert (ProgressReport.objects.get().value, ProgressReport.objects.get().version) == (Decimal("120"), 2)


def test_with_this_week_locked_the_report_is_refused_as_before(client, secretary_a, supervisor, task):
    WeekLock.objects.create(week=THIS_WEEK, locked_by=supervisor)
    client.force_login(secretary_a)

    response = post(client, task)

    assert response.status_code == 400
    page = response.content.decode()
    assert "往周进度只读，只能填报或修改本周进度。" in page and MESSAGE not in page
    assert hidden(page, "week") == "2016-W22"
    assert not ProgressReport.objects.exists()


def test_a_past_week_report_already_filed_is_not_changed(client, secretary_a, task):
    make_report(task, LAST_WEEK, "50", secretary_a, note="上周")
    client.force_login(secretary_a)

    response = post(client, task, version="1")

    assert response.status_code == 400
    last = ProgressReport.objects.get(week=LAST_WEEK)
    assert (last.value, last.note, last.version) == (Decimal("50"), "上周", 1)
    assert not ProgressReport.objects.filter(week=THIS_WEEK).exists()
