"""The survey worker's path on a phone (390 px), in Chinese: log in, land on 满意度测评, find
a household of his village by its head's name, answer the 23 items on one screen, save, and
see it gone from the households not yet surveyed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.shots import shot
from tests.villages.satisfaction_factories import ITEMS, household, load_items, survey_round
from villages.models import SurveyAnswer

SCREENSHOT = "/tmp/survey-entry-390.png"


@pytest.fixture
def survey(survey_worker):
    items = load_items()
    village = survey_worker.cadre.village
    return {
        "items": items,
        "round": survey_round(),
        "household": household(village, "H-E2E", head="罗大山"),
        "other": household(village, "H-E2F", head="罗小河"),
    }


def test_survey_worker_enters_one_household_on_a_phone(phone_page, live_server, login, survey_worker, survey):
    page = phone_page
    login(page, live_server, survey_worker)
    expect(page.get_by_role("heading", name="满意度测评")).to_be_visible()  # his start page
    expect(page.get_by_text("2016年第1轮", exact=True)).to_be_visible()  # the round he surveys
    expect(page.get_by_role("link", name="2016年第1轮：还有 2 户未测评")).to_be_visible()  # his 提醒 panel

    page.get_by_label("户编号或户主姓名").fill("罗大")
    page.get_by_role("button", name="查找").click()
    page.get_by_role("link", name="H-E2E 罗大山").click()
    expect(page.get_by_role("heading", name="罗大山")).to_be_visible()

    groups = page.get_by_role("radiogroup")
    expect(groups).to_have_count(ITEMS)
    for index in range(ITEMS):
        level = "基本满意" if index == 4 else "满意"
        groups.nth(index).get_by_text(level, exact=True).click()
    groups.nth(0).get_by_text("不满意", exact=True).click()  # a second thought
    # one screen wide: nothing sticks out sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, SCREENSHOT, full_page=True)
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_text("已保存 H-E2E 罗大山 的测评（2016年第1轮）。")).to_be_visible()
    levels = dict(
        SurveyAnswer.objects.filter(household=survey["household"]).values_list("item__code", "level")
    )
    assert len(levels) == ITEMS
    assert levels["housing"] == 1 and levels[survey["items"][4].code] == 2 and levels["roads"] == 3

    page.get_by_role("link", name="甲镇 甲一村").click()
    expect(page.get_by_text("H-E2F 罗小河")).to_be_visible()
    expect(page.get_by_text("H-E2E")).to_have_count(0)
