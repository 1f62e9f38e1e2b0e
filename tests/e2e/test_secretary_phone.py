"""The township secretary on a 390 × 844 phone (issue 12): the first screen of 我的任务 shows
this week's work; after a save the confirmation is on the screen; a refused upload says so
on the screen; a report typed without signal is kept, shown as 未发送 and sent when the
connection returns.

The live server uses the real "today": tasks are built relative to it."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accountability import periods
from accountability.models import Evidence, ProgressReport, Task
from tests.accountability.tasks_factories import JPEG
from tests.conftest import PASSWORD
from tests.e2e.conftest import signed_in

HEIGHT = 844


@pytest.fixture
def phone(new_context):
    context = new_context(viewport={"width": 390, "height": HEIGHT}, is_mobile=True, has_touch=True)
    return context, context.new_page()


def make_task(secretary, village, code, title, due_on, target=200):
    return Task.objects.create(
        code=code,
        title=title,
        factor="industry",
        township=village.township,
        village=village,
        owner=secretary.cadre,
        starts_on=min(timezone.localdate() - dt.timedelta(days=60), due_on),
        due_on=due_on,
        target=target,
        unit="米",
    )


@pytest.fixture
def task(secretary_a, village_a):
    today = timezone.localdate()
    return make_task(secretary_a, village_a, "E2E-WEEK", "甲一村产业路硬化", today + dt.timedelta(days=30))


def assert_on_screen(locator):
    """The element is inside the 390 × 844 viewport, without scrolling."""
    expect(locator).to_be_visible()
    box = locator.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, box


def open_task(page, live_server, secretary, task):
    signed_in(page, live_server, secretary, f"/tasks/{task.pk}/")
    expect(page.get_by_role("heading", name=task.title)).to_be_visible()


def test_first_screen_of_my_tasks_lists_the_task_due_this_week(
    phone, live_server, sign_in, secretary_a, village_a
):
    today = timezone.localdate()
    for n in range(11):  # long overdue: they come after this week's work
        make_task(
            secretary_a, village_a, f"E2E-OLD-{n:02d}", f"往年任务{n}", today - dt.timedelta(days=400 + n)
        )
    sunday = today + dt.timedelta(days=6 - today.weekday())
    due = make_task(secretary_a, village_a, "E2E-DUE", "本周到期：甲一村饮水工程", sunday)
    _, page = phone
    sign_in(page, live_server, secretary_a, "/tasks/")
    expect(page.get_by_text("本周待填报 1 项")).to_be_visible()
    card = page.locator("tr", has=page.get_by_role("link", name=due.title))
    assert_on_screen(page.get_by_role("link", name=due.title))
    for label in ("完成时限", "最新进度", "本周填报"):
        assert_on_screen(card.locator(f'td[data-label="{label}"]'))
    expect(card).to_contain_text(sunday.isoformat())
    # nothing scrolls sideways: the page is as wide as the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the filters are folded behind one control
    expect(page.get_by_label("脱贫要素")).not_to_be_visible()
    page.get_by_text("筛选任务").click()
    expect(page.get_by_label("脱贫要素")).to_be_visible()


def test_after_saving_the_confirmation_is_on_the_screen(phone, live_server, secretary_a, task):
    _, page = phone
    open_task(page, live_server, secretary_a, task)
    page.get_by_label("累计完成值").fill("80")
    page.get_by_label("进展与困难").fill("路基完成80米")
    page.get_by_role("button", name="提交本周进度").click()
    assert_on_screen(page.get_by_text("本周进度已保存。"))
    assert ProgressReport.objects.get(task=task).value == 80


def test_a_value_over_the_target_asks_for_confirmation(phone, live_server, secretary_a, task):
    _, page = phone
    open_task(page, live_server, secretary_a, task)
    confirm = page.get_by_label("确认超过目标")
    expect(confirm).not_to_be_visible()
    page.get_by_label("累计完成值").fill("300")
    expect(confirm).to_be_visible()  # warned while typing
    page.get_by_role("button", name="提交本周进度").click()
    assert_on_screen(page.locator("#error-summary"))
    expect(page.locator("#error-summary")).to_contain_text("超过目标值 200.00 米（150.0%）")
    assert not ProgressReport.objects.filter(task=task).exists()
    page.get_by_label("确认超过目标").check()
    page.get_by_role("button", name="提交本周进度").click()
    assert_on_screen(page.get_by_text("本周进度已保存。"))
    assert ProgressReport.objects.get(task=task).percent == 100


def test_a_refused_upload_says_so_on_the_screen(phone, live_server, secretary_a, task, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _, page = phone
    open_task(page, live_server, secretary_a, task)
    page.get_by_label("累计完成值").fill("50")
    page.get_by_label("进展与困难").fill("附现场照片")
    # looks like a JPEG (its first bytes), but is no picture: the server refuses it
    broken = JPEG[:20] + b"\x00" * 2000
    page.get_by_label("佐证材料").set_input_files(
        files=[{"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": broken}]
    )
    page.get_by_role("button", name="提交本周进度").click()
    message = page.locator("#id_evidence_errors")
    expect(message).to_contain_text("文件“现场.jpg”无法作为图片打开")
    assert_on_screen(message)
    expect(page.get_by_label("佐证材料")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text("无法作为图片打开")
    expect(page.get_by_label("累计完成值")).to_have_value("50")  # what he typed is kept
    assert not ProgressReport.objects.filter(task=task).exists() and not Evidence.objects.exists()


def test_a_wrong_file_is_refused_in_the_browser_before_the_upload(phone, live_server, secretary_a, task):
    context, page = phone
    open_task(page, live_server, secretary_a, task)
    posts = []
    page.on("request", lambda request: posts.append(request) if request.method == "POST" else None)
    page.get_by_label("累计完成值").fill("50")
    page.get_by_label("佐证材料").set_input_files(
        files=[{"name": "说明.docx", "mimeType": "application/octet-stream", "buffer": b"PK\x03\x04"}]
    )
    message = page.locator(".errorlist.in-browser")
    expect(message).to_contain_text("文件“说明.docx”的类型不允许")
    assert_on_screen(message)
    page.get_by_role("button", name="提交本周进度").click()
    assert_on_screen(message)
    assert posts == [] and not ProgressReport.objects.filter(task=task).exists()


def test_a_report_typed_offline_is_sent_after_reconnecting(phone, live_server, secretary_a, task):
    context, page = phone
    open_task(page, live_server, secretary_a, task)
    context.set_offline(True)
    page.get_by_label("累计完成值").fill("120")
    page.get_by_label("进展与困难").fill("山里没信号，先记下：完成120米")
    page.get_by_role("button", name="提交本周进度").click()
    pending = page.locator("#draft-status")
    expect(pending).to_contain_text("未发送")
    assert_on_screen(pending)
    assert not ProgressReport.objects.filter(task=task).exists()

    context.set_offline(False)
    assert_on_screen(page.get_by_text("本周进度已保存。"))
    expect(page.locator("#history")).to_contain_text("山里没信号，先记下：完成120米")
    expect(page.locator("#draft-status")).to_be_hidden()
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.reporter) == (120, secretary_a)
    # sent once, and the kept copy is gone: the next visit sends nothing again
    page.reload()
    expect(page.get_by_text("本周已填报（第1版")).to_be_visible()
    assert page.evaluate("Object.keys(localStorage).length") == 0
    assert ProgressReport.history.filter(task_id=task.pk).count() == 1


def test_a_report_kept_offline_survives_an_expired_login(phone, live_server, secretary_a, task):
    """Offline long enough for the session to end: sending it meets the login page, not a
    save. The values stay in the browser, and after logging in again they are sent."""
    context, page = phone
    open_task(page, live_server, secretary_a, task)
    context.set_offline(True)
    page.get_by_label("累计完成值").fill("90")
    page.get_by_label("进展与困难").fill("离线填写，登录已过期")
    page.get_by_role("button", name="提交本周进度").click()
    expect(page.locator("#draft-status")).to_contain_text("未发送")
    context.clear_cookies(name="sessionid")  # the session is gone
    context.set_offline(False)

    expect(page.get_by_label("用户名")).to_be_visible()  # sent to the login page
    assert not ProgressReport.objects.filter(task=task).exists()
    page.get_by_label("用户名").fill(secretary_a.get_username())
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    assert_on_screen(page.get_by_text("本周进度已保存。"))
    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.note) == (90, "离线填写，登录已过期")


def test_a_refused_send_that_is_not_the_task_page_keeps_the_report(phone, live_server, secretary_a, task):
    """Every cookie gone (CSRF too): the server answers 403, not the task page. The values
    stay in the browser, the status line says so, and after logging in they are sent."""
    context, page = phone
    open_task(page, live_server, secretary_a, task)
    context.set_offline(True)
    page.get_by_label("累计完成值").fill("70")
    page.get_by_role("button", name="提交本周进度").click()
    expect(page.locator("#draft-status")).to_contain_text("未发送")
    context.clear_cookies()
    context.set_offline(False)
    expect(page.locator("#draft-status")).to_contain_text("发送失败，请稍后重试。 (HTTP 403)")
    assert not ProgressReport.objects.filter(task=task).exists()

    page.reload()  # the login page, then back to the task
    page.get_by_label("用户名").fill(secretary_a.get_username())
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    assert_on_screen(page.get_by_text("本周进度已保存。"))
    assert ProgressReport.objects.get(task=task).value == 70


def last_weeks_copy(page, week):
    """What the browser would hold had the report been typed in ``week`` (since ended):
    the kept copy, moved to that week's key and marked for it."""
    page.evaluate(
        """(week) => {
            const key = Object.keys(localStorage)[0];
            const draft = JSON.parse(localStorage.getItem(key));
            draft.week = week;
            localStorage.removeItem(key);
            localStorage.setItem(key.slice(0, key.lastIndexOf(":") + 1) + week, JSON.stringify(draft));
        }""",
        week,
    )


def test_a_report_kept_past_its_week_is_offered_as_this_weeks(phone, live_server, secretary_a, task):
    """Typed without signal last week, and the page opened again this week: the copy is not
    lost under last week's key. While it cannot be sent the page says it is for a closed
    week; once sent, the server (past weeks are read-only) saves nothing and gives the values
    back in this week's form with the reason; the secretary checks them and submits."""
    context, page = phone
    open_task(page, live_server, secretary_a, task)
    context.set_offline(True)
    page.get_by_label("累计完成值").fill("130")
    page.get_by_label("进展与困难").fill("上周在山里填的")
    page.get_by_role("button", name="提交本周进度").click()
    expect(page.locator("#draft-status")).to_contain_text("未发送")
    last_week = periods.Week.of(timezone.localdate() - dt.timedelta(days=7))
    last_weeks_copy(page, str(last_week))
    context.set_offline(False)

    # the page opened again with the signal still too weak to send (the POST fails)
    page.route(
        "**/tasks/*/", lambda route: route.abort() if route.request.method == "POST" else route.continue_()
    )
    page.goto(page.url)  # opened again (a reload would restore the old scroll position)
    pending = page.locator("#draft-status")
    expect(pending).to_contain_text(
        f"暂存在本机的是{last_week.year}年第{last_week.number}周的进度，该周已经结束"
    )
    assert_on_screen(pending)
    expect(page.get_by_label("累计完成值")).to_have_value("130")
    assert page.evaluate("Object.keys(localStorage).length") == 1

    page.unroute("**/tasks/*/")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(f"这份进度是{last_week.year}年第{last_week.number}周填写的，该周已经结束")
    assert_on_screen(summary)
    expect(page.get_by_label("累计完成值")).to_have_value("130")
    expect(page.get_by_label("进展与困难")).to_have_value("上周在山里填的")
    assert not ProgressReport.objects.filter(task=task).exists()

    # not saved, so not forgotten: leaving the page and coming back shows the values again,
    # with what happened, and sends nothing by itself
    assert page.evaluate("Object.keys(localStorage).length") == 1
    page.get_by_label("进展与困难").fill("上周在山里填的，已核对")
    page.goto(f"{live_server.url}/tasks/")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    expect(page.locator("#draft-status")).to_contain_text("没有保存成功，已放回本周的表单")
    expect(page.get_by_label("累计完成值")).to_have_value("130")
    expect(page.get_by_label("进展与困难")).to_have_value("上周在山里填的，已核对")
    assert not ProgressReport.objects.filter(task=task).exists()

    page.get_by_role("button", name="提交本周进度").click()
    assert_on_screen(page.get_by_text("本周进度已保存。"))
    report = ProgressReport.objects.get(task=task)
    assert (report.week, report.value, report.note) == (
        periods.week_start(timezone.localdate()),
        130,
        "上周在山里填的，已核对",
    )
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_a_page_left_open_past_its_week_sends_into_this_weeks_form(phone, live_server, secretary_a, task):
    """The page stays open offline over the week's end: when the signal returns the copy is
    sent for its week, refused as closed, and its values come back as this week's form."""
    context, page = phone
    open_task(page, live_server, secretary_a, task)
    context.set_offline(True)
    page.get_by_label("累计完成值").fill("60")
    page.get_by_label("进展与困难").fill("周日晚上填的")
    page.get_by_role("button", name="提交本周进度").click()
    expect(page.locator("#draft-status")).to_contain_text("未发送")
    last_week = periods.Week.of(timezone.localdate() - dt.timedelta(days=7))
    # the form's week has ended: the kept copy (and the form) are for last week
    page.evaluate(
        """(week) => {
            const key = Object.keys(localStorage)[0];
            const draft = JSON.parse(localStorage.getItem(key));
            draft.week = week;
            localStorage.setItem(key, JSON.stringify(draft));
        }""",
        str(last_week),
    )

    context.set_offline(False)
    expect(page.locator("#error-summary")).to_contain_text("该周已经结束，往周进度不能再填报或修改")
    expect(page.get_by_label("累计完成值")).to_have_value("60")
    assert not ProgressReport.objects.filter(task=task).exists()
    page.get_by_role("button", name="提交本周进度").click()
    assert_on_screen(page.get_by_text("本周进度已保存。"))
    assert ProgressReport.objects.get(task=task).note == "周日晚上填的"
