"""In the browser, in Chinese: a supervisor records a cadre's 全年述职, finding the cadre
with the searchable picker (among the backbone cadres only) instead of a dropdown of every
cadre of the county."""

import re

import pytest
from playwright.sync_api import expect

from accountability.models import AnnualReport
from villages.models import Cadre

pytestmark = pytest.mark.e2e


def test_supervisor_records_an_annual_report_with_the_cadre_picker(
    page, live_server, sign_in, supervisor, secretary_a, village_secretary, township_a
):
    Cadre.objects.create(
        code="K-ORD", name="普通干部secretary", role=Cadre.Role.ORDINARY, township=township_a
    )
    sign_in(page, live_server, supervisor, "/year-end/2015/annual-reports/new/")

    picker = page.get_by_label("干部")
    expect(page.locator("select[name=cadre]")).to_be_hidden()
    picker.fill("secretary")
    results = page.locator(".picker-results button")
    # the ordinary cadre of the same name gives no annual report: not offered
    expect(results).to_have_text(
        ["secretary_a · 甲镇 · C-secretary_a", "village_secretary · 甲镇 甲一村 · C-village_secretary"]
    )
    results.filter(has_text="village_secretary").click()
    expect(picker).to_have_value("village_secretary · 甲镇 甲一村 · C-village_secretary")
    page.get_by_label("述职日期").fill("2015-12-20")
    page.get_by_label("述职要点").fill("本村脱贫攻坚")
    page.get_by_label("评议结果").select_option("good")
    page.get_by_role("button", name="保存全年述职").click()

    expect(page).to_have_url(re.compile(r"/year-end/2015/"))
    report = AnnualReport.objects.get()
    assert (report.year, report.cadre, report.summary) == (2015, village_secretary.cadre, "本村脱贫攻坚")
