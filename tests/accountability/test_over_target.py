"""A weekly value over the task's target is saved only when the reporter confirms it
(确认超过目标): more than 100% happens (a road longer than planned) but is more often a typing
error. The rule is ``services.check_over_target``, used by ``file_report``."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountability.models import ProgressReport
from accountability.tasks import services
from tests.accountability.tasks_factories import THIS_WEEK, freeze_today, make_report, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def task(secretary_a, village_a, fixed_today):
    return make_task(secretary_a, "T-OVER", village=village_a, target=200, unit="米")


def url(task):
    return reverse("accountability:task_detail", args=[task.pk])


def post(client, task, value, version=0, **extra):
    data = {"week": "2016-W23", "version": version, "value": value, "note": "超额完成", **extra}
    return client.post(url(task), data)


def test_value_over_the_target_without_confirmation_is_refused_and_nothing_written(client, secretary_a, task):
    client.force_login(secretary_a)
    response = post(client, task, "300")
    assert response.status_code == 400
    page = response.content.decode()
    assert "累计完成值 300 超过目标值 200.00 米（150.0%）" in page
    assert "请勾选“确认超过目标”后再保存" in page
    assert 'id="id_confirm_over_errors"' in page
    # the summary at the top links to the box, which is shown (not hidden)
    assert 'id="error-summary"' in page and 'href="#id_confirm_over"' in page
    assert '<div class="confirm-over" id="confirm-over">' in page
    assert not ProgressReport.objects.filter(task=task).exists()
    assert not ProgressReport.history.filter(task_id=task.pk).exists()


def test_value_over_the_target_with_confirmation_is_saved_at_100_percent(client, secretary_a, task):
    client.force_login(secretary_a)
    response = post(client, task, "300", confirm_over="on")
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.percent) == (Decimal("300"), Decimal("100.0"))


def test_the_target_itself_needs_no_confirmation(client, secretary_a, task):
    client.force_login(secretary_a)
    assert post(client, task, "200").status_code == 302
    assert ProgressReport.objects.get(task=task).percent == Decimal("100.0")


def test_correcting_a_report_over_the_target_asks_again_and_keeps_the_saved_one(client, secretary_a, task):
    report = make_report(task, THIS_WEEK, "250", secretary_a)
    client.force_login(secretary_a)
    page = client.get(url(task)).content.decode()
    assert '<div class="confirm-over" id="confirm-over">' in page  # the saved value is over: shown
    response = post(client, task, "260", version=report.version)
    assert response.status_code == 400
    report.refresh_from_db()
    assert (report.value, report.version) == (Decimal("250"), 1)
    assert ProgressReport.history.filter(id=report.pk).count() == 1


def test_the_box_is_hidden_while_the_value_is_within_the_target(client, secretary_a, task):
    make_report(task, THIS_WEEK, "150", secretary_a)
    client.force_login(secretary_a)
    page = client.get(url(task)).content.decode()
    assert '<div class="confirm-over" id="confirm-over" hidden>' in page


def test_an_absurd_value_is_refused_even_when_confirmed(client, secretary_a, task):
    client.force_login(secretary_a)
    response = post(client, task, "2001", confirm_over="on")
    assert response.status_code == 400
    assert "超过目标值 200.00 的10倍" in response.content.decode()
    assert not ProgressReport.objects.filter(task=task).exists()


def test_service_refuses_an_unconfirmed_value_over_the_target(secretary_a, task):
    with pytest.raises(ValidationError) as refused:
        services.file_report(task, secretary_a, THIS_WEEK, Decimal("200.01"), "")
    assert list(refused.value.message_dict) == ["confirm_over"]
    assert not ProgressReport.objects.filter(task=task).exists()
    report = services.file_report(task, secretary_a, THIS_WEEK, Decimal("200.01"), "", confirm_over=True)
    assert report.percent == Decimal("100.0")
