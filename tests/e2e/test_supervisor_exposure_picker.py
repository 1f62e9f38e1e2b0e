"""In the browser, in Chinese: a supervisor records a TV exposure (电视问政) of a lagging task,
finding the task with the searchable picker instead of a county-wide dropdown, then corrects
its title and sees the change in the record's history."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accountability.models import Exposure
from tests.accountability.tasks_factories import make_task
from tests.e2e.shots import shot

pytestmark = pytest.mark.e2e


def test_supervisor_records_an_exposure_with_the_task_picker(
    page, live_server, sign_in, supervisor, secretary_a, secretary_b, township_a
):
    task = make_task(secretary_a, "T-A-7", title="修建产业路2公里")
    make_task(secretary_b, "T-B-7", title="修建产业园")
    sign_in(page, live_server, supervisor, "/exposures/")
    page.get_by_role("link", name="录入电视问政").click()

    page.get_by_label("类型").select_option(label="曝光滞后")
    page.get_by_label("播出日期").fill(dt.date.today().isoformat())
    page.get_by_label("栏目/节目名称").fill("赤水电视台《电视问政》")
    page.get_by_label("乡镇").select_option(label="甲镇")
    page.get_by_label("标题").fill("产业路进度滞后")
    picker = page.get_by_label("任务")
    expect(page.locator("select[name=task]")).to_be_hidden()
    picker.fill("产业")
    results = page.locator(".picker-results button")
    expect(results).to_have_text(["T-A-7 修建产业路2公里", "T-B-7 修建产业园"])
    results.filter(has_text="T-A-7").click()
    expect(picker).to_have_value("T-A-7 修建产业路2公里")
    expect(page.locator("select[name=task]")).to_have_value(str(task.pk))
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(r"/exposures/\?year=\d{4}$"))
    expect(page.locator(".messages")).to_contain_text("已保存")
    expect(page.locator("table.exposure-table")).to_contain_text("赤水电视台《电视问政》")
    expect(page.locator("table.exposure-table")).to_contain_text("T-A-7")
    exposure = Exposure.objects.get()
    assert (exposure.task, exposure.township, exposure.programme) == (
        task,
        township_a,
        "赤水电视台《电视问政》",
    )

    page.locator("table.exposure-table").get_by_role("link", name="修改").click()
    expect(page.get_by_label("任务")).to_have_value("T-A-7 修建产业路2公里")
    page.get_by_label("标题").fill("产业路进度严重滞后")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存")
    page.locator("table.exposure-table").get_by_role("link", name="修改").click()
    expect(page.locator("table.record-history")).to_contain_text("标题：产业路进度滞后 → 产业路进度严重滞后")
    expect(page.locator("table.record-history")).to_contain_text("supervisor")
    shot(page, "/tmp/chishui-e2e-exposure.png", full_page=True)
