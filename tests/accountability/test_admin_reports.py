"""The admin is no back door for weekly reports and their evidence: they are filed on the
task page only, through ``services.file_report`` (this week, by its reporter, the over-target
confirmation, the file checks, the week lock, the version, the history and the summary
refresh). The admin reads them and their history; every write it is asked for is refused
and nothing is written."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.dashboards import summaries
from accountability.models import Evidence, ProgressReport
from accountability.tasks import services
from tests.accountability.tasks_factories import JPEG, LAST_WEEK, freeze_today, make_report, make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def report(secretary_a, village_a, fixed_today):
    task = make_task(secretary_a, "T-ADM", village=village_a, target=200, unit="米")
    report = make_report(task, LAST_WEEK, "50", secretary_a, note="上周")
    Evidence.objects.create(
        report=report,
        file=SimpleUploadedFile("photo.jpg", JPEG),
        name="photo.jpg",
        size=len(JPEG),
        uploaded_by=secretary_a,
    )
    return report


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def url(model, view, *args):
    return reverse(f"admin:accountability_{model._meta.model_name}_{view}", args=args)


def unchanged(report):
    """The report, its history and its evidence are as the fixture wrote them."""
    fresh = ProgressReport.objects.get(pk=report.pk)
    assert (fresh.value, fresh.week, fresh.note, fresh.version) == (Decimal("50"), LAST_WEEK, "上周", 1)
    assert ProgressReport.history.filter(id=report.pk).count() == 1
    assert ProgressReport.objects.count() == 1
    assert list(Evidence.objects.values_list("name", flat=True)) == ["photo.jpg"]


def test_admin_reads_reports_evidence_and_history(admin_client, report):
    evidence = Evidence.objects.get()
    for page in [
        url(ProgressReport, "changelist"),
        url(ProgressReport, "change", report.pk),
        url(ProgressReport, "history", report.pk),
        url(Evidence, "changelist"),
        url(Evidence, "change", evidence.pk),
    ]:
        response = admin_client.get(page)
        assert response.status_code == 200, page
    page = admin_client.get(url(ProgressReport, "change", report.pk)).content.decode()
    assert 'name="value"' not in page and 'name="_save"' not in page  # nothing to submit


@pytest.mark.parametrize("model", [ProgressReport, Evidence])
def test_admin_cannot_open_the_add_pages(admin_client, report, model):
    assert admin_client.get(url(model, "add")).status_code == 403


def test_admin_cannot_add_a_report_the_page_would_refuse(admin_client, report):
    """A report for a past week, over the target without the confirmation: the task page
    refuses both; the admin refuses any report."""
    response = admin_client.post(
        url(ProgressReport, "add"),
        {
            "task": report.task_id,
            "week": (LAST_WEEK - dt.timedelta(days=7)).isoformat(),
            "value": "900",
            "percent": "100",
            "note": "补报",
            "reporter": report.reporter_id,
        },
    )
    assert response.status_code == 403
    unchanged(report)


def test_admin_cannot_change_a_report(admin_client, report):
    response = admin_client.post(
        url(ProgressReport, "change", report.pk),
        {
            "task": report.task_id,
            "week": LAST_WEEK.isoformat(),
            "value": "900",
            "percent": "100",
            "note": "管理员改动",
            "reporter": report.reporter_id,
        },
    )
    assert response.status_code == 403
    unchanged(report)


def test_admin_cannot_delete_a_report_or_its_evidence(admin_client, report):
    evidence = Evidence.objects.get()
    assert admin_client.post(url(ProgressReport, "delete", report.pk), {"post": "yes"}).status_code == 403
    assert admin_client.post(url(Evidence, "delete", evidence.pk), {"post": "yes"}).status_code == 403
    response = admin_client.post(
        url(ProgressReport, "changelist"),
        {"action": "delete_selected", "_selected_action": [report.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)  # no such action: the list again
    unchanged(report)


def test_admin_cannot_revert_a_report_to_an_old_version(admin_client, report, secretary_a):
    first = report.history.get()
    report.value, report.note, report.version = Decimal("80"), "更正", 2
    report._history_user = secretary_a
    report.save()
    history_url = reverse(
        "admin:accountability_progressreport_simple_history", args=[report.pk, first.history_id]
    )
    assert admin_client.get(history_url).status_code == 200  # the old version can be read

    response = admin_client.post(history_url, {"_change_history": "on"})

    assert response.status_code == 403
    fresh = ProgressReport.objects.get(pk=report.pk)
    assert (fresh.value, fresh.note, fresh.version) == (Decimal("80"), "更正", 2)
    assert ProgressReport.history.filter(id=report.pk).count() == 2


def test_admin_cannot_attach_a_file_the_page_would_refuse(admin_client, report):
    """A file of a type the page refuses, and one over the size limit: no evidence."""
    for upload in [
        SimpleUploadedFile("run.exe", b"MZ" + b"\x00" * 64),
        SimpleUploadedFile("big.pdf", b"%PDF-" + b"\x00" * (Evidence.MAX_BYTES + 1)),
    ]:
        response = admin_client.post(
            url(Evidence, "add"),
            {"report": report.pk, "file": upload, "name": upload.name, "size": upload.size},
        )
        assert response.status_code == 403
    unchanged(report)


def test_the_task_page_is_the_one_way_in_and_it_goes_through_the_service(
    client, monkeypatch, secretary_a, report
):
    """What is accepted is filed by ``file_report``: this week's report, with its history
    (who and when) and the summary refresh."""
    filed, refreshed = [], []
    file_report = services.file_report
    changed = summaries.changed

    def spy_file_report(*args, **kwargs):
        filed.append(args[0].pk)
        return file_report(*args, **kwargs)

    def spy_changed(objects, before=()):
        refreshed.append(list(objects))
        return changed(objects, before)

    monkeypatch.setattr(services, "file_report", spy_file_report)
    monkeypatch.setattr(summaries, "changed", spy_changed)
    client.force_login(secretary_a)
    response = client.post(
        reverse("accountability:task_detail", args=[report.task_id]),
        {
            "week": "2016-W23",
            "version": 0,
            "value": "120",
            "note": "本周",
            "evidence": SimpleUploadedFile("photo.jpg", JPEG),
        },
    )
    assert response.status_code == 302
    saved = ProgressReport.objects.get(task=report.task, week=services.current_week())
    assert filed == [report.task_id]
    assert refreshed == [[saved]]
    assert saved.history.get().history_user == secretary_a
    assert saved.evidence.get().uploaded_by == secretary_a


def test_a_task_reported_on_cannot_be_deleted_in_the_admin(admin_client, report):
    """Deleting a task would delete its weekly reports with it: the admin's confirmation page
    names the reports that stand in the way, and a confirmed post deletes nothing. A task
    nobody reported on can still be deleted."""
    from accountability.models import Task

    task = report.task
    page = admin_client.get(url(Task, "delete", task.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "无法删除" in text and "周进度" in text
    response = admin_client.post(url(Task, "delete", task.pk), {"post": "yes"})
    assert response.status_code in (200, 403)
    assert Task.objects.filter(pk=task.pk).exists()
    unchanged(report)

    bulk = admin_client.post(
        reverse("admin:accountability_task_changelist"),
        {"action": "delete_selected", "_selected_action": [task.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert Task.objects.filter(pk=task.pk).exists()
    unchanged(report)

    spare = make_task(report.reporter, "T-ADM-2", village=task.village, target=10, unit="米")
    admin_client.post(url(Task, "delete", spare.pk), {"post": "yes"})
    assert not Task.objects.filter(pk=spare.pk).exists()
