"""In the browser, in Chinese: a supervisor records a five must-checks inspection with two
problems (the other categories fine or skipped with a reason) and then a warning talk from
it; a township secretary rates his villages for a quarter."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from accountability.models import AccountabilityAction, Evaluation, Finding, Inspection
from tests.e2e.shots import shot
from villages.models import Village

pytestmark = pytest.mark.e2e


def test_supervisor_records_an_inspection_with_two_findings_and_an_action(
    page, live_server, sign_in, supervisor, resident_cadre, village_a
):
    sign_in(page, live_server, supervisor, "/inspections/")
    page.get_by_role("link", name="录入督查").click()

    page.get_by_label("督查类型").select_option(label="五必查")
    page.get_by_label("督查日期").fill(dt.date.today().isoformat())
    page.get_by_label("村", exact=True).select_option(label="甲镇 甲一村")
    page.get_by_label("督查情况").fill("到村检查五必查")
    rows = page.locator("fieldset.finding-row")
    first, fourth = rows.nth(0), rows.nth(3)
    first.get_by_label("问题程度").select_option(label="严重问题")
    first.get_by_label("发现情况").fill("3户识别不精准")
    first.get_by_label("整改时限").fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    fourth.get_by_label("问题程度").select_option(label="一般问题")
    fourth.get_by_label("发现情况").fill("驻村干部1人不在岗")
    fourth.get_by_label("整改时限").fill((dt.date.today() + dt.timedelta(days=10)).isoformat())
    # a must-check covers the five categories: the others are fine or skipped with a reason
    for index in (1, 2):
        rows.nth(index).get_by_label("问题程度").select_option(label="未检查（写明原因）")
        rows.nth(index).get_by_label("发现情况").fill("本季度已专项检查")
    rows.nth(4).get_by_label("问题程度").select_option(label="未发现问题")
    page.get_by_role("button", name="保存督查").click()

    expect(page.locator(".messages")).to_contain_text("督查记录已保存")
    expect(page.locator("table.findings")).to_contain_text("3户识别不精准")
    expect(page.locator("table.findings")).to_contain_text("干部到位情况")
    inspection = Inspection.objects.get()
    assert inspection.township == village_a.township
    problems = Finding.objects.filter(severity__in=Finding.PROBLEMS).values_list("category", flat=True)
    assert set(problems) == {"identification", "cadres_on_post"}
    assert Finding.objects.filter(severity="not_checked").count() == 2

    page.get_by_role("link", name="据此录入问责").click()
    page.get_by_label("问责方式").select_option(label="警示约谈")
    page.get_by_label("被问责干部").fill("resident")  # the searchable picker (js/picker.js)
    page.locator(".picker-results button", has_text="resident_cadre").click()
    expect(page.get_by_label("职级类别")).to_have_count(0)  # the cadre's own rank class is taken
    page.get_by_label("事由").fill("驻村期间不在岗")
    page.get_by_role("button", name="保存问责").click()

    expect(page).to_have_url(re.compile(r"/actions/\?year=\d{4}$"))
    expect(page.locator(".messages")).to_contain_text("问责记录已保存")
    expect(page.locator(".totals")).to_contain_text("警示约谈干部人数")
    action = AccountabilityAction.objects.get()
    assert (action.inspection, action.cadre, action.rank) == (inspection, resident_cadre.cadre, "ordinary")
    shot(page, "/tmp/chishui-e2e-actions.png", full_page=True)


def test_township_secretary_rates_his_villages_for_a_quarter(
    page, live_server, sign_in, secretary_a, village_a
):
    Village.objects.create(code="V-A2", township=village_a.township, name="甲二村")
    sign_in(page, live_server, secretary_a, "/evaluations/")
    page.get_by_role("link", name="进行评定").click()
    page.get_by_label("测评类型").select_option(label="季度测评")
    page.get_by_role("button", name="打开评定表").click()

    expect(page.locator(".rating-grid")).to_contain_text("甲一村")
    page.get_by_label("甲一村", exact=True).fill("150")
    page.get_by_role("button", name="保存评定").click()
    expect(page.locator(".rating-grid .errorlist")).to_contain_text("得分应在0到100之间。")
    assert not Evaluation.objects.exists()

    page.get_by_label("甲一村", exact=True).fill("92")
    page.get_by_label("甲一村的评语").fill("产业推进有力")
    page.get_by_label("甲二村", exact=True).fill("78.5")
    page.get_by_role("button", name="保存评定").click()

    expect(page.locator(".messages")).to_contain_text("新增2条")
    expect(page.locator("table")).to_contain_text("优秀")
    expect(page.locator("table")).to_contain_text("合格")
    grades = dict(Evaluation.objects.values_list("village__name", "grade"))
    assert grades == {"甲一村": "excellent", "甲二村": "qualified"}
    shot(page, "/tmp/chishui-e2e-ratings.png", full_page=True)
