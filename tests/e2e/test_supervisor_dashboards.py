"""The county supervisor's path, in Chinese: open each dashboard (每周晒 / 每月晒 / 每季晒),
change the period, drill into a township, and export a table."""

import re

import pytest
from playwright.sync_api import expect

from devdata import synthetic
from tests.e2e.shots import shot

DASHBOARDS = [
    ("weekly", "2016-W23", "2016-W22", "每周晒任务进度", "units"),
    ("monthly", "2016-06", "2016-05", "每月晒目标成效", "units"),
    ("quarterly", "2016-Q2", "2016-Q1", "每季晒工作成果", "league"),
]


@pytest.fixture
def county(db):
    synthetic.build("small")


@pytest.mark.e2e
@pytest.mark.django_db(transaction=True)
def test_supervisor_opens_dashboards_changes_period_drills_down_and_exports(
    page, live_server, sign_in, supervisor, county
):
    sign_in(page, live_server, supervisor, "/")
    for name, period, previous, title, table in DASHBOARDS:
        param = {"weekly": "week", "monthly": "month", "quarterly": "quarter"}[name]
        page.goto(f"{live_server.url}/dashboard/{name}/?{param}={period}")
        expect(page.get_by_role("heading", level=1)).to_contain_text(title)
        expect(page.locator(".period")).to_have_attribute("data-period", period)
        # charts are drawn by plotly, served by the app itself
        expect(page.locator(".dashboard-charts .chart .main-svg").first).to_be_visible()

        page.get_by_role("link", name=re.compile("上一期")).click()
        expect(page.locator(".period")).to_have_attribute("data-period", previous)

        page.locator("#period-picker").fill(period)
        page.get_by_role("button", name="查看").click()
        expect(page.locator(".period")).to_have_attribute("data-period", period)

        page.locator(f"#table-{table}").get_by_role("link", name="S0镇").click()
        expect(page).to_have_url(re.compile(r"township=ST000"))
        expect(page.locator(".breadcrumbs")).to_contain_text("S0镇")

        with page.expect_download() as download_info:
            page.locator(f"#table-{table}").get_by_role("link", name="CSV").click()
        download = download_info.value
        assert download.suggested_filename == f"{name}-{period}-{table}.csv"
        content = download.path().read_text(encoding="utf-8-sig")
        assert content.splitlines()[0].startswith(("单位", "名次"))

    # on a 390-px phone: the quarter picker on one line, the key columns in view (the
    # secondary ones hidden), the task codes linked to the task page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/dashboard/quarterly/?quarter=2016-Q2")
    boxes = [
        page.locator(selector).bounding_box()
        for selector in (".period-picker label", "#period-picker", ".period-picker button")
    ]
    middles = [box["y"] + box["height"] / 2 for box in boxes]
    assert max(middles) - min(middles) < 8, boxes
    page.goto(f"{live_server.url}/dashboard/weekly/?week=2016-W23")
    overdue = page.locator("#table-overdue")
    expect(overdue.locator("th.secondary").first).to_be_hidden()
    expect(overdue.locator("td a[href^='/tasks/']").first).to_be_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    shot(page, "/tmp/chishui-e2e-weekly-phone.png", full_page=True)
    assert overflow <= 0, "the weekly dashboard scrolls sideways on a 390px phone"
