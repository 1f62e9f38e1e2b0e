"""The township secretary's path, in Chinese: log in, open 我的任务, open a task, file this
week's report with a photo, and see it in the history; at desktop size and on a phone.

Data is built relative to the real current date (the live server uses the real "today"):
the task's deadline lies ahead and the current week is not locked."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accountability.models import ProgressReport, Task
from tests.accountability.tasks_factories import PNG


@pytest.fixture
def desktop_page(new_context):
    return new_context(viewport={"width": 1366, "height": 900}).new_page()


@pytest.fixture
def task(secretary_a, village_a):
    return Task.objects.create(
        code="E2E-001",
        title="甲一村产业路硬化",
        factor="industry",
        township=village_a.township,
        village=village_a,
        owner=secretary_a.cadre,
        due_on=timezone.localdate() + dt.timedelta(days=60),
        target=200,
        unit="米",
    )


@pytest.mark.parametrize("page_fixture", ["desktop_page", "phone_page"])
def test_secretary_files_a_weekly_report_and_sees_it_in_the_history(
    request, page_fixture, live_server, sign_in, secretary_a, task, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    page = request.getfixturevalue(page_fixture)
    sign_in(page, live_server, secretary_a, "/tasks/")
    expect(page.get_by_role("heading", name="我的任务")).to_be_visible()
    expect(page.get_by_role("cell", name="未填报")).to_be_visible()
    expect(page.get_by_text("您负责的 1 项任务本周尚未填报进度")).to_be_visible()  # the 提醒 panel
    page.get_by_role("link", name="甲一村产业路硬化", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/tasks/{task.pk}/$"))
    expect(page.get_by_role("heading", name="甲一村产业路硬化")).to_be_visible()
    expect(page.get_by_text("本周尚未填报。")).to_be_visible()
    page.get_by_label("累计完成值").fill("50")
    expect(page.locator("#percent-preview")).to_have_text("25")  # 50 of 200, computed as he types
    page.get_by_label("进展与困难").fill("完成路基50米，雨天停工两天")
    page.get_by_label("佐证材料").set_input_files(
        files=[{"name": "路基.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.get_by_role("button", name="提交本周进度").click()

    expect(page.get_by_text("本周进度已保存。")).to_be_visible()
    history = page.locator("#history")
    expect(history).to_contain_text("secretary_a")
    expect(history).to_contain_text("新填报")
    expect(history).to_contain_text("完成路基50米，雨天停工两天")
    expect(page.locator("#reports")).to_contain_text("路基.png")
    expect(page.locator("#reports")).to_contain_text("25.0%")

    report = ProgressReport.objects.get(task=task)
    assert (report.value, report.percent, report.reporter) == (50, 25, secretary_a)
    assert report.evidence.count() == 1
