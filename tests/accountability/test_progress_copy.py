"""Each task keeps a copy of its latest report (``Task.progress_week``, ``progress_percent``,
``progress_value``) so that 我的任务's order, counts and rows read no report
(docs/performance.md). A stored copy of a rule must be exact on every write path: the report
service (new, corrected, a week before the latest), a full save of the task (the admin), a
registry load of tasks, a task turned from a problem, the demo-like bulk builders and
``rebuild_summaries`` after a change behind the app's back. Each test compares the copy with
the live subqueries over the reports (``Task.objects.with_latest_progress``)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from accountability.dashboards import summaries
from accountability.models import Factor, Problem, ProgressReport, Task
from accountability.periods import Week
from accountability.tasks import services
from accountability.tasks.selectors import tasks_for_list
from tests.accountability.tasks_factories import assert_progress_copy_exact, freeze_today, make_task
from tests.villages.files import write_csv
from villages import registry

pytestmark = pytest.mark.django_db

W10, W12, W14 = Week(2016, 10).start, Week(2016, 12).start, Week(2016, 14).start


def copy_of(task):
    return Task.objects.values_list("progress_week", "progress_percent", "progress_value").get(pk=task.pk)


def test_a_new_task_has_no_copy(secretary_a):
    task = make_task(secretary_a, "T-new")
    assert copy_of(task) == (None, None, None)
    assert_progress_copy_exact()


def test_filing_and_correcting_a_report_updates_the_copy(secretary_a, monkeypatch):
    task = make_task(secretary_a, "T-file", target=200)
    freeze_today(monkeypatch, W10 + dt.timedelta(days=2))
    report = services.file_report(task, secretary_a, W10, Decimal(50), "开工")
    assert copy_of(task) == (W10, Decimal("25.0"), Decimal("50.00"))
    services.file_report(task, secretary_a, W10, Decimal(30), "更正", expected_version=report.version)
    assert copy_of(task) == (W10, Decimal("15.0"), Decimal("30.00"))
    freeze_today(monkeypatch, W12)
    services.file_report(task, secretary_a, W12, Decimal(200), "完成")
    assert copy_of(task) == (W12, Decimal("100.0"), Decimal("200.00"))
    assert assert_progress_copy_exact() == 1


def test_the_copy_is_the_latest_week_not_the_latest_write(secretary_a, monkeypatch):
    """A report written after a later week's (today set back) leaves the later week's copy."""
    task = make_task(secretary_a, "T-order")
    freeze_today(monkeypatch, W14)
    services.file_report(task, secretary_a, W14, Decimal(60), "")
    freeze_today(monkeypatch, W10)
    services.file_report(task, secretary_a, W10, Decimal(20), "")
    assert copy_of(task) == (W14, Decimal("60.0"), Decimal("60.00"))
    assert assert_progress_copy_exact() == 1


def test_a_refused_report_leaves_the_copy_as_it_was(secretary_a, monkeypatch):
    task = make_task(secretary_a, "T-refused")
    freeze_today(monkeypatch, W10)
    services.file_report(task, secretary_a, W10, Decimal(10), "")
    with pytest.raises(services.ValidationError):
        services.file_report(task, secretary_a, W10, Decimal(-1), "", expected_version=1)
    assert copy_of(task) == (W10, Decimal("10.0"), Decimal("10.00"))
    assert ProgressReport.objects.get().value == Decimal(10)


def test_a_full_save_of_a_task_read_before_a_report_is_put_right(secretary_a, monkeypatch):
    """The admin saves every field of the task it read: a report filed in between would be
    lost from the copy; ``summaries.changed``, which the admin calls, copies it again."""
    task = make_task(secretary_a, "T-stale")
    stale = Task.objects.get(pk=task.pk)
    freeze_today(monkeypatch, W10)
    services.file_report(task, secretary_a, W10, Decimal(40), "")
    stale.title = "改名"
    stale.save()
    assert copy_of(task) == (None, None, None)  # what the save alone does
    summaries.changed([stale])
    assert copy_of(task) == (W10, Decimal("40.0"), Decimal("40.00"))
    assert_progress_copy_exact()


def test_admin_edit_of_a_task_keeps_the_copy(secretary_a, admin_user, client, monkeypatch):
    task = make_task(secretary_a, "T-admin")
    freeze_today(monkeypatch, W10)
    services.file_report(task, secretary_a, W10, Decimal(40), "")
    client.force_login(admin_user)
    url = f"/admin/accountability/task/{task.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert "progress_percent" not in page.context["adminform"].form.fields  # not editable
    Task.objects.filter(pk=task.pk).update(progress_percent=None)  # broken behind the app's back
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"title": "新名称", "due_on": "2016-10-31", "starts_on": "", "closed_on": ""})
    data.update({"reports-TOTAL_FORMS": "1", "reports-INITIAL_FORMS": "1"})
    data.update({"reports-MIN_NUM_FORMS": "0", "reports-MAX_NUM_FORMS": "1000"})
    data["reports-0-id"] = str(ProgressReport.objects.get().pk)
    data["reports-0-task"] = str(task.pk)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:1500]
    assert copy_of(task) == (W10, Decimal("40.0"), Decimal("40.00"))


def test_a_task_from_a_problem_and_a_registry_load_keep_the_copy(secretary_a, monkeypatch, tmp_path):
    task = make_task(secretary_a, "T-reg")
    freeze_today(monkeypatch, W10)
    services.file_report(task, secretary_a, W10, Decimal(40), "")
    problem = Problem.objects.create(
        township=task.township, factor=Factor.PROJECT, description="道路未硬化", raised_on=W10
    )
    new = services.problem_to_task(
        problem, secretary_a, "硬化道路", secretary_a.cadre, dt.date(2016, 8, 1), 5
    )
    assert copy_of(new) == (None, None, None)
    sheet = write_csv(
        tmp_path / "tasks.csv",
        [
            ["code", "title", "factor", "township", "owner", "due_on", "target"],
            [task.code, "改名", task.factor, task.township.code, task.owner.code, "2016-12-31", "80"],
            ["T-reg-2", "新任务", task.factor, task.township.code, task.owner.code, "2016-12-31", "10"],
        ],
    )
    assert registry.load([("tasks.csv", sheet)]).written
    assert copy_of(task) == (W10, Decimal("40.0"), Decimal("40.00"))  # the report's, unchanged
    assert copy_of(Task.objects.get(code="T-reg-2")) == (None, None, None)
    assert assert_progress_copy_exact() == 1


def test_rebuild_summaries_puts_right_a_copy_changed_behind_the_apps_back(secretary_a, monkeypatch):
    task = make_task(secretary_a, "T-sql")
    freeze_today(monkeypatch, W10)
    services.file_report(task, secretary_a, W10, Decimal(40), "")
    ProgressReport.objects.filter(task=task).update(percent=Decimal(90), value=Decimal(90))  # raw SQL
    with pytest.raises(AssertionError):
        assert_progress_copy_exact()
    call_command("rebuild_summaries")
    assert copy_of(task) == (W10, Decimal("90.0"), Decimal("90.00"))
    assert_progress_copy_exact()


def test_reported_this_week_reads_the_reports_only_beyond_the_copy(secretary_a, monkeypatch):
    """A task whose latest report is of a later week than this one (data ahead of today) is
    reported this week only if it has this week's report."""
    with_both = make_task(secretary_a, "T-both")
    later_only = make_task(secretary_a, "T-later")
    freeze_today(monkeypatch, W10)
    services.file_report(with_both, secretary_a, W10, Decimal(10), "")
    freeze_today(monkeypatch, W12)
    services.file_report(with_both, secretary_a, W12, Decimal(20), "")
    services.file_report(later_only, secretary_a, W12, Decimal(20), "")
    listed = {t.code: t.reported_this_week for t in tasks_for_list(secretary_a, today=W10)}
    assert listed == {"T-both": True, "T-later": False}
    listed = {t.code: t.reported_this_week for t in tasks_for_list(secretary_a, today=W12)}
    assert listed == {"T-both": True, "T-later": True}
    listed = {t.code: t.reported_this_week for t in tasks_for_list(secretary_a, today=W14)}
    assert listed == {"T-both": False, "T-later": False}
