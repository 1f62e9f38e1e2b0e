"""An admin loads the registry through the upload page in a real browser: preview, then
confirm; a file with errors shows every problem and writes nothing."""

import re

import pytest
from playwright.sync_api import expect

from accountability.models import Task
from tests.villages.files import SAMPLE, write_xlsx
from villages.models import Household, ImportLog, Township


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_admin_uploads_workbook_previews_and_confirms(page, live_server, sign_in, admin_user, tmp_path):
    workbook = write_xlsx(tmp_path / "赤水登记表.xlsx", SAMPLE)
    sign_in(page, live_server, admin_user, "/registry/import/")  # not the admin, where admins land
    page.locator(".site-nav summary", has_text="看板与数据").click()  # the current group
    expect(page.locator(".site-nav").get_by_role("link", name="登记导入")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="导入登记表")).to_be_visible()
    page.get_by_label("登记表文件").set_input_files(str(workbook))
    page.get_by_role("button", name="上传并预览").click()

    expect(page.get_by_role("heading", name="预览（尚未写入）")).to_be_visible()
    expect(page.locator("tr[data-kind=households] td.create")).to_have_text("3")
    expect(page.locator("tr[data-kind=tasks] td.create")).to_have_text("2")
    assert Township.objects.count() == 0  # nothing written before the confirmation

    page.get_by_role("button", name="确认导入").click()

    expect(page).to_have_url(re.compile(r"/registry/imports/$"))
    expect(page.locator(".messages")).to_contain_text("导入完成")
    expect(page.locator(".import-log-table")).to_contain_text("赤水登记表.xlsx")
    expect(page.locator(".import-log-table")).to_contain_text("成功")
    assert (Household.objects.count(), Task.objects.count()) == (3, 2)
    assert ImportLog.objects.get().user == admin_user


def test_admin_upload_with_errors_sees_every_problem_and_nothing_is_written(
    page, live_server, sign_in, admin_user, tmp_path
):
    bad = {
        "乡镇": [
            ["编码", "名称", "类型", "摘帽日期"],
            ["T1", "甲镇", "县", "2016-02-30"],
            ["T2", "", "乡", None],
        ]
    }
    sign_in(page, live_server, admin_user, "/registry/import/")
    page.get_by_label("登记表文件").set_input_files(str(write_xlsx(tmp_path / "bad.xlsx", bad)))
    page.get_by_role("button", name="上传并预览").click()

    errors = page.locator("ol.registry-errors li")
    expect(errors).to_have_count(3)
    expect(errors.nth(0)).to_contain_text("乡镇 row 2, 类型:")
    expect(errors.nth(1)).to_contain_text("乡镇 row 2, 摘帽日期:")
    expect(errors.nth(2)).to_contain_text("乡镇 row 3, 名称:")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert Township.objects.count() == 0
