"""This week's report on the task page: filing, correcting, optimistic locking, bad input
(nothing written), evidence files, the week lock and the audit history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accountability.models import Evidence, ProgressReport, WeekLock
from accountability.tasks import services
from tests.accountability.tasks_factories import (
    JPEG,
    LAST_WEEK,
    NEXT_WEEK,
    PDF,
    PNG,
    THIS_WEEK,
    freeze_today,
    make_report,
    make_task,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def task(secretary_a, village_a):
    return make_task(secretary_a, "T-A-001", village=village_a, target=200)


def url(task):
    return reverse("accountability:task_detail", args=[task.pk])


def post(client, task, value="50", week="2016-W23", version=0, note="修了两条产业路", **extra):
    data = {"week": week, "version": version, "value": value, "note": note, **extra}
    return client.post(url(task), data)


def assert_nothing_written(task):
    assert ProgressReport.objects.filter(task=task).count() == 0
    assert ProgressReport.history.filter(task_id=task.pk).count() == 0
    assert Evidence.objects.count() == 0


def test_secretary_files_this_weeks_report_with_derived_percent(
    client, secretary_a, task, fixed_today, media
):
    client.force_login(secretary_a)
    response = post(client, task, value="50")
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert report.week == THIS_WEEK
    assert report.value == Decimal("50")
    assert report.percent == Decimal("25.0")  # 50 of a target of 200
    assert report.note == "修了两条产业路"
    assert report.reporter == secretary_a
    assert report.version == 1


def test_percent_is_derived_from_value_and_ignores_a_posted_percent(client, secretary_a, task, fixed_today):
    client.force_login(secretary_a)
    post(client, task, value="500", percent="150", confirm_over="on")
    report = ProgressReport.objects.get(task=task)
    assert report.percent == Decimal("100.0")  # capped: 500 of 200 is complete, never above 100


def test_secretary_corrects_this_weeks_report_and_history_keeps_every_version(
    client, secretary_a, task, fixed_today
):
    client.force_login(secretary_a)
    post(client, task, value="50", note="第一次")
    response = post(client, task, value="80", note="更正", version=1)
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.percent, report.version) == (Decimal("80"), Decimal("40.0"), 2)
    history = list(ProgressReport.history.filter(id=report.pk).order_by("history_date"))
    assert [h.value for h in history] == [Decimal("50"), Decimal("80")]
    assert [h.history_type for h in history] == ["+", "~"]
    assert {h.history_user for h in history} == {secretary_a}


def test_second_save_of_a_stale_form_is_refused_with_a_conflict(
    client, secretary_a, village_secretary, task, fixed_today
):
    make_report(task, THIS_WEEK, "50", village_secretary, note="村里填的")
    client.force_login(secretary_a)
    assert post(client, task, value="60", version=1).status_code == 302  # first save wins: version 2
    response = post(client, task, value="70", version=1, note="我的旧表单")  # opened on version 1
    assert response.status_code == 409
    assert "保存冲突" in response.content.decode()
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.version) == (Decimal("60"), 2)
    assert ProgressReport.history.filter(id=report.pk).count() == 2
    # the re-shown form carries the saved version: a deliberate second save goes through
    assert 'name="version" value="2"' in response.content.decode()


def test_new_report_on_a_form_opened_before_someone_else_filed_is_a_conflict(
    client, secretary_a, village_secretary, task, fixed_today
):
    make_report(task, THIS_WEEK, "30", village_secretary)
    client.force_login(secretary_a)
    response = post(client, task, value="90", version=0)
    assert response.status_code == 409
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.version, report.reporter) == (Decimal("30"), 1, village_secretary)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-5", "累计完成值不能为负数。"),
        ("2001", "超过目标值"),  # more than 10 times the target of 200
        ("abc", "累计完成值必须是数字。"),
        ("", "请填写累计完成值。"),
        ("1e30", "累计完成值过大"),
        ("NaN", "累计完成值必须是数字。"),
    ],
)
def test_bad_value_is_refused_next_to_the_field_and_nothing_is_written(
    client, secretary_a, task, fixed_today, value, message
):
    client.force_login(secretary_a)
    response = post(client, task, value=value)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="id_value_errors"' in response.content.decode()
    assert_nothing_written(task)


def test_value_of_exactly_ten_times_the_target_is_accepted(client, secretary_a, task, fixed_today):
    client.force_login(secretary_a)
    assert post(client, task, value="2000", confirm_over="on").status_code == 302
    assert ProgressReport.objects.get(task=task).percent == Decimal("100.0")


@pytest.mark.parametrize(
    ("week", "message"),
    [
        ("2016-W24", "不能填报未来周的进度。"),
        ("2016-W22", "该周已经结束，往周进度不能再填报或修改"),
        ("2016-W99", "2016年没有第99周。"),
        ("next week", "周的格式应为"),
    ],
)
def test_report_for_another_week_is_refused(client, secretary_a, task, fixed_today, week, message):
    client.force_login(secretary_a)
    response = post(client, task, week=week)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_written(task)


def test_report_for_a_week_before_the_task_starts_is_refused(client, secretary_a, task, fixed_today):
    task.starts_on = NEXT_WEEK  # this week ends on Sunday 2016-06-12, the day before
    task.save(update_fields=["starts_on"])
    reports, history = ProgressReport.objects.count(), ProgressReport.history.count()
    client.force_login(secretary_a)
    response = post(client, task)
    assert response.status_code == 400
    page = response.content.decode()
    this_week = page[page.index('id="this-week"') : page.index("</section>", page.index('id="this-week"'))]
    assert "任务尚未开始（开始日期 2016-06-13），不能填报进度。" in this_week
    assert (ProgressReport.objects.count(), ProgressReport.history.count()) == (reports, history)
    with pytest.raises(services.ValidationError) as refused:
        services.file_report(task, secretary_a, THIS_WEEK, Decimal(10), "", [], 0)
    assert "week" in refused.value.message_dict
    assert_nothing_written(task)


def test_a_task_starting_within_this_week_takes_its_report(client, secretary_a, task, fixed_today):
    task.starts_on = THIS_WEEK + dt.timedelta(days=6)  # starts on this week's Sunday
    task.save(update_fields=["starts_on"])
    client.force_login(secretary_a)
    assert post(client, task).status_code == 302
    assert ProgressReport.objects.filter(task=task, week=THIS_WEEK).count() == 1


def test_an_overdue_task_still_reports_progress(client, secretary_a, village_a, fixed_today):
    late = make_task(secretary_a, "T-A-LATE", village=village_a, due_on=dt.date(2016, 6, 1))
    late.starts_on = dt.date(2016, 3, 1)
    late.save(update_fields=["starts_on"])
    client.force_login(secretary_a)
    assert post(client, late, value="30").status_code == 302
    assert ProgressReport.objects.get(task=late).value == Decimal("30")


def test_earlier_weeks_stay_read_only_even_when_a_report_exists(client, secretary_a, task, fixed_today):
    make_report(task, LAST_WEEK, "40", secretary_a)
    client.force_login(secretary_a)
    response = post(client, task, week="2016-W22", value="45", version=1)
    assert response.status_code == 400
    report = ProgressReport.objects.get(task=task, week=LAST_WEEK)
    assert (report.value, report.version) == (Decimal("40"), 1)


def test_locked_week_refuses_every_change_and_hides_the_form(
    client, secretary_a, supervisor, task, fixed_today
):
    make_report(task, THIS_WEEK, "40", secretary_a)
    WeekLock.objects.create(week=THIS_WEEK, locked_by=supervisor)
    client.force_login(secretary_a)
    page = client.get(url(task)).content.decode()
    assert "本周已锁定" in page
    assert 'name="value"' not in page
    response = post(client, task, value="45", version=1)
    assert response.status_code == 400
    assert "本周已锁定" in response.content.decode()
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.version) == (Decimal("40"), 1)
    assert ProgressReport.history.filter(id=report.pk).count() == 1


def test_evidence_photos_and_pdf_are_stored_with_the_report(client, secretary_a, task, fixed_today, media):
    client.force_login(secretary_a)
    files = [
        SimpleUploadedFile("现场.jpg", JPEG, content_type="image/jpeg"),
        SimpleUploadedFile("村委会.png", PNG, content_type="image/png"),
        SimpleUploadedFile("验收单.pdf", PDF, content_type="application/pdf"),
    ]
    response = post(client, task, evidence=files)
    assert response.status_code == 302
    report = ProgressReport.objects.get(task=task)
    stored = list(report.evidence.order_by("name"))
    assert sorted(e.name for e in stored) == ["村委会.png", "现场.jpg", "验收单.pdf"]
    for item in stored:
        assert item.uploaded_by == secretary_a
        assert (media / item.file.name).is_file()
    assert {e.size for e in stored} == {len(JPEG), len(PNG), len(PDF)}
    page = client.get(url(task)).content.decode()
    assert "现场.jpg" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("setup.exe", b"MZ\x90\x00", "类型不允许"),
        ("notes.txt", b"hello", "类型不允许"),
        ("photo.jpg", b"%PDF-1.4 not a photo", "内容与扩展名不符"),
        ("report.pdf", b"<html>fake</html>", "内容与扩展名不符"),
        ("empty.png", b"", "空文件"),
    ],
)
def test_wrong_evidence_file_is_refused_and_nothing_is_written(
    client, secretary_a, task, fixed_today, media, name, content, message
):
    client.force_login(secretary_a)
    good = SimpleUploadedFile("ok.jpg", JPEG)
    response = post(client, task, evidence=[good, SimpleUploadedFile(name, content)])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'id="id_evidence_errors"' in response.content.decode()
    assert_nothing_written(task)
    assert not media.exists() or not any(media.rglob("*.*"))


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("big.jpg", JPEG + b"\x00" * Evidence.MAX_IMAGE_BYTES, "超过 20 MB"),
        ("big.png", PNG + b"\x00" * Evidence.MAX_IMAGE_BYTES, "超过 20 MB"),
        ("big.pdf", PDF + b"\x00" * Evidence.MAX_BYTES, "超过 5 MB"),
    ],
)
def test_oversized_evidence_file_is_refused(
    client, secretary_a, task, fixed_today, media, name, content, message
):
    """Photos up to 20 MB are taken (and downscaled: test_evidence_photos.py); a PDF keeps
    the 5 MB limit."""
    client.force_login(secretary_a)
    response = post(client, task, evidence=[SimpleUploadedFile(name, content)])
    assert response.status_code == 400
    assert message in response.content.decode()
    assert_nothing_written(task)


def test_evidence_file_is_served_only_within_scope(
    client, secretary_a, secretary_b, task, fixed_today, media
):
    client.force_login(secretary_a)
    post(client, task, evidence=[SimpleUploadedFile("现场.jpg", JPEG)])
    evidence = Evidence.objects.get()
    file_url = reverse("accountability:evidence_file", args=[evidence.pk])
    response = client.get(file_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == JPEG
    client.force_login(secretary_b)
    assert client.get(file_url).status_code == 404


def test_history_on_the_task_page_shows_every_change_with_who_and_when(
    client, secretary_a, village_secretary, task, fixed_today
):
    make_report(task, LAST_WEEK, "20", village_secretary, note="上周")
    client.force_login(secretary_a)
    post(client, task, value="50", note="初报")
    post(client, task, value="60", note="更正后", version=1)
    page = client.get(url(task)).content.decode()
    history = page[page.index('id="history"') :]
    entries = history.split('<div class="history-head">')[1:]
    assert len(entries) == 3
    # newest first: the correction, then the first report, then last week's
    correction, first, last_week = entries
    assert "secretary_a" in correction and "修改" in correction
    assert "<del>50.00</del> → <ins>60.00</ins>" in correction
    assert "<del>初报</del> → <ins>更正后</ins>" in correction
    assert "secretary_a" in first and "新填报" in first and "<ins>初报</ins>" in first
    assert "village_secretary" in last_week and "<ins>上周</ins>" in last_week
    assert "2016年第22周" in last_week and "2016年第23周" in correction


def test_service_refuses_a_user_who_may_not_edit_the_task(supervisor, task, fixed_today):
    with pytest.raises(services.PermissionDenied):
        services.file_report(task, supervisor, THIS_WEEK, Decimal(10), "", [], 0)
    assert_nothing_written(task)


def test_village_secretary_reports_on_a_task_he_owns(client, village_secretary, village_a, fixed_today):
    own = make_task(village_secretary, "T-V-001", village=village_a)
    client.force_login(village_secretary)
    assert post(client, own, value="10").status_code == 302
    assert ProgressReport.objects.get(task=own).reporter == village_secretary


def test_village_secretary_cannot_report_on_a_village_task_owned_by_someone_else(
    client, village_secretary, task, fixed_today
):
    client.force_login(village_secretary)
    assert client.get(url(task)).status_code == 200  # his village's task: visible
    assert post(client, task).status_code == 403
    assert_nothing_written(task)


# --- the week lock ------------------------------------------------------------------------


def lock(client, week):
    return client.post(reverse("accountability:week_lock"), {"week": week})


def test_supervisor_locks_a_week(client, supervisor, fixed_today):
    client.force_login(supervisor)
    response = lock(client, "2016-W22")
    assert response.status_code == 302
    assert WeekLock.objects.get().week == LAST_WEEK
    assert WeekLock.objects.get().locked_by == supervisor
    page = client.get(reverse("accountability:week_lock")).content.decode()
    assert "已锁定" in page


@pytest.mark.parametrize(
    ("week", "message"),
    [("2016-W24", "不能锁定未来的周。"), ("2016/23", "周的格式应为"), ("", "请填写要锁定的周。")],
)
def test_bad_week_lock_is_refused_and_nothing_is_written(client, supervisor, fixed_today, week, message):
    client.force_login(supervisor)
    response = lock(client, week)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not WeekLock.objects.exists()


def test_locking_a_locked_week_again_is_refused(client, supervisor, fixed_today):
    WeekLock.objects.create(week=THIS_WEEK, locked_by=supervisor)
    client.force_login(supervisor)
    response = lock(client, "2016-W23")
    assert response.status_code == 400
    assert "该周已经锁定。" in response.content.decode()
    assert WeekLock.objects.count() == 1
