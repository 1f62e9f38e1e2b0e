"""In the browser, in Chinese: a county supervisor computes the 2016 year-end scores,
publishes them, recomputes after a rating changed and sees what publishing the new draft
would change, while the published league stays as it was."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accountability.models import Evaluation, YearEndRun
from tests.e2e.shots import shot

pytestmark = pytest.mark.e2e


def rate(village, score, evaluator):
    Evaluation.objects.create(
        level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
        cycle=Evaluation.Cycle.QUARTERLY,
        year=2016,
        period=2,
        evaluator=evaluator,
        village=village,
        score=Decimal(score),
        grade="good",
        evaluated_on=dt.date(2016, 7, 8),
    )


def test_supervisor_publishes_recomputes_and_compares(
    page, live_server, sign_in, supervisor, secretary_a, secretary_b, village_a, village_b
):
    rate(village_a, "85", secretary_a.cadre)
    rate(village_b, "72", secretary_b.cadre)
    sign_in(page, live_server, supervisor, "/year-end/2016/")
    expect(page.locator("h1")).to_have_text("2016年年终考评")

    page.get_by_role("button", name="计算2016年年终考评").click()
    expect(page.locator(".messages")).to_contain_text("已计算为第1版草稿")
    expect(page.locator("#shown-version")).to_contain_text("第1版（草稿）")
    page.get_by_role("button", name="发布第1版").click()
    expect(page.locator(".messages")).to_contain_text("2016年年终考评第1版已发布")
    expect(page.locator("#shown-version")).to_contain_text("第1版（已发布）")
    expect(page.locator("table.yearend-table").first).to_contain_text("乙乡")

    # township B's village is re-rated: recomputing makes a draft beside the published league
    Evaluation.objects.filter(village=village_b).update(score=Decimal("95"))
    page.get_by_role("button", name="计算2016年年终考评").click()
    expect(page.locator(".messages")).to_contain_text("已计算为第2版草稿")
    expect(page.locator("#changes h2")).to_have_text("与已发布版本（第1版）相比")
    expect(page.locator("#changes .change-summary")).to_contain_text("等次变动2个")
    changes = page.locator("table.yearend-changes")
    expect(changes).to_contain_text("乙乡")
    expect(changes).to_contain_text("+23.0")
    expect(changes).to_contain_text("优秀")
    shot(page, "/tmp/chishui-e2e-year-end-compare.png", full_page=True)

    # the published league has not moved; both versions are listed with who computed them
    page.goto(f"{live_server.url}/year-end/2016/")
    expect(page.locator("#shown-version")).to_contain_text("第1版（已发布）")
    expect(page.locator("#changes")).to_have_count(0)
    expect(page.locator("table.yearend-versions")).to_contain_text("第2版")
    expect(page.locator("table.yearend-versions")).to_contain_text("supervisor")
    assert list(YearEndRun.objects.order_by("number").values_list("number", "status")) == [
        (1, YearEndRun.Status.PUBLISHED),
        (2, YearEndRun.Status.DRAFT),
    ]
