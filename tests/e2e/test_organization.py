"""组织定位 in the browser, in Chinese: a county supervisor reads the overview on a phone
(390 px: numbers, charts, drill-down, the 2111 flags) and an admin adds a 1+X pairing project."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.villages import organization_factories as factories
from villages.models import Cadre, EconomicOrganization, Household, PairingProject, WorkTeam


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_supervisor_reads_the_overview_on_a_phone(phone_page, live_server, sign_in, supervisor, township_a):
    full, short = factories.build(township_a, 2)
    WorkTeam.objects.filter(village=short).update(ends_on=dt.date(2015, 3, 31))
    Cadre.objects.bulk_create(factories.team_members(short, ["graduate"] * 3, prefix="X"))
    page = phone_page
    sign_in(page, live_server, supervisor, "/")

    page.get_by_text("菜单").click()
    page.get_by_role("link", name="组织定位").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("组织定位")
    page.locator("#period-picker").fill("2016")
    page.get_by_role("button", name="查看").click()
    expect(page.locator(".period")).to_have_attribute("data-period", "2016")

    expect(page.locator("#stats-teams")).to_contain_text("1 / 2")
    expect(page.locator("#stats-collective")).to_contain_text("集体经济项目")
    expect(page.locator(".dashboard-charts .chart .main-svg").first).to_be_visible()
    teams = page.locator("#table-teams")
    expect(teams).to_contain_text("大学毕业生4人（应为1人）")
    expect(teams).to_contain_text("不足两年")
    # nothing wider than the phone except inside the scrolling tables
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.locator("#table-units").get_by_role("link", name="甲镇").click()
    expect(page).to_have_url(re.compile(r"township=T-A"))
    expect(page.locator(".breadcrumbs")).to_contain_text("甲镇")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_admin_adds_a_pairing_project(page, live_server, sign_in, admin_user, village_a):
    EconomicOrganization.objects.create(name="赤水竹业有限公司", kind="private_enterprise")
    Household.objects.create(
        code="H1",
        village=village_a,
        head="张三",
        size=3,
        assistance="industry",
        registered_on=dt.date(2015, 1, 1),
    )
    sign_in(page, live_server, admin_user, "/organization/pairing/")
    page.get_by_role("link", name="新增结对帮扶项目").click()
    page.get_by_label("项目编号").fill("X1")
    page.get_by_label("项目名称").fill("竹笋订单收购")
    page.get_by_label("企业").select_option(label="赤水竹业有限公司")
    page.get_by_label("结对村").select_option(label="甲一村")
    page.get_by_label("结对户编号").fill("NOPE")
    page.get_by_label("扶持资金（元）").fill("120000")
    page.get_by_label("开始日期").fill("2016-04-01")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errorlist")).to_contain_text("编号“NOPE”不存在")
    assert not PairingProject.objects.exists()

    page.get_by_label("结对户编号").fill("H1")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("已保存：竹笋订单收购")
    expect(page.locator("table")).to_contain_text("竹笋订单收购")
    assert PairingProject.objects.get(code="X1").household.code == "H1"
