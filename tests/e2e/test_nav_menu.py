"""The header menu: the pages in labelled groups (干部定责, 组织定位, 群众定效, 督查问责, 看板与数据;
chishui/menu.py), each a disclosure (<details>) opened by a click, a tap or the keyboard,
with the current page's group marked. On a phone the groups, the user's name, the language
switcher and 退出 fold behind 菜单, and the current page's group is open in it; on a wide
screen the groups are one row, each opening a list below it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.shots import shot

SHOTS = "/tmp/chishui-e2e-menu-{who}-{size}.png"


def menu(page):
    return page.locator(".site-header summary", has_text="菜单")


def group(page, label):
    return page.locator(".site-nav .nav-group summary", has_text=label)


def test_phone_header_is_one_row_until_the_menu_opens(phone_page, live_server, sign_in, secretary_a):
    sign_in(phone_page, live_server, secretary_a, "/tasks/")

    nav = phone_page.locator(".site-nav")
    expect(menu(phone_page)).to_be_visible()
    expect(nav.get_by_role("link", name="问题清单")).to_be_hidden()
    expect(nav.get_by_role("button", name="退出")).to_be_hidden()
    header = phone_page.locator(".site-header").bounding_box()
    assert header["height"] < 80, f"the closed header is {header['height']}px tall on a phone"
    shot(phone_page, "/tmp/chishui-e2e-menu-phone.png")

    menu(phone_page).click()

    # the current page's group is open, its link marked; the other groups are closed
    expect(nav.get_by_role("link", name="我的任务")).to_have_attribute("aria-current", "page")
    expect(nav.locator(".nav-group.is-current summary")).to_contain_text("干部定责")
    expect(nav.get_by_role("link", name="周看板")).to_be_hidden()
    expect(nav.get_by_role("button", name="退出")).to_be_visible()
    shot(phone_page, "/tmp/chishui-e2e-menu-phone-open.png")
    nav.get_by_role("link", name="问题清单").click()

    expect(phone_page).to_have_url(re.compile(r"/problems/$"))
    expect(nav.get_by_role("link", name="问题清单")).to_be_hidden()  # closed again on the new page


def test_menu_and_groups_open_and_close_from_the_keyboard(phone_page, live_server, sign_in, secretary_a):
    sign_in(phone_page, live_server, secretary_a, "/tasks/")
    nav = phone_page.locator(".site-nav")

    menu(phone_page).focus()
    phone_page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="我的任务")).to_be_visible()
    phone_page.keyboard.press("Tab")
    expect(group(phone_page, "干部定责")).to_be_focused()
    phone_page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="我的任务")).to_be_focused()

    group(phone_page, "看板与数据").focus()
    phone_page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="周看板")).to_be_visible()
    expect(nav.get_by_role("link", name="我的任务")).to_be_hidden()  # one group open at a time
    phone_page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="周看板")).to_be_focused()

    phone_page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="周看板")).to_be_hidden()
    expect(menu(phone_page)).to_be_focused()
    phone_page.keyboard.press("Space")
    expect(group(phone_page, "看板与数据")).to_be_visible()


def test_wide_screen_shows_the_groups_in_one_row(page, live_server, sign_in, supervisor):
    """The county supervisor's twenty pages: five groups in one row, each a list below it;
    Escape or a click elsewhere closes it."""
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, supervisor, "/inspections/")
    nav = page.locator(".site-nav")

    expect(menu(page)).to_be_hidden()
    labels = ["干部定责", "组织定位", "群众定效", "督查问责", "看板与数据"]
    expect(nav.locator(".nav-group > details > summary, .nav-group > a")).to_contain_text(labels)
    tops = {round(nav.locator(".nav-group").nth(i).bounding_box()["y"]) for i in range(5)}
    assert len(tops) == 1, "the groups wrap to a second row"
    expect(nav.locator(".nav-group.is-current")).to_contain_text("督查问责")
    expect(nav.get_by_role("link", name="督查记录")).to_be_hidden()
    expect(nav.get_by_role("button", name="退出")).to_be_visible()

    group(page, "督查问责").click()
    expect(nav.get_by_role("link", name="督查记录")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="年终考评")).to_be_visible()
    shot(page, SHOTS.format(who="supervisor", size="1366-open"))
    group(page, "看板与数据").click()
    expect(nav.get_by_role("link", name="周看板")).to_be_visible()
    expect(nav.get_by_role("link", name="督查记录")).to_be_hidden()
    page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="周看板")).to_be_hidden()
    expect(group(page, "看板与数据")).to_be_focused()
    group(page, "干部定责").click()
    expect(nav.get_by_role("link", name="任务进度")).to_be_visible()
    page.locator("main h1").click()
    expect(nav.get_by_role("link", name="任务进度")).to_be_hidden()
    nav.get_by_role("link", name="组织定位").click()  # a group of one page is its link
    expect(page).to_have_url(re.compile(r"/organization/$"))

    page.set_viewport_size({"width": 390, "height": 844})  # a window narrowed to phone width
    expect(menu(page)).to_be_visible()
    expect(group(page, "干部定责")).to_be_hidden()
    page.set_viewport_size({"width": 1024, "height": 768})  # and widened again
    expect(menu(page)).to_be_hidden()
    expect(group(page, "干部定责")).to_be_visible()


def test_menu_label_is_translated(phone_page, live_server, login, secretary_a):
    login(phone_page, live_server, secretary_a)
    phone_page.wait_for_load_state()
    phone_page.locator(".site-menu > summary").click()
    phone_page.locator(".language-switcher select").select_option("en")
    phone_page.locator(".language-switcher").get_by_role("button").click()

    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page.locator(".site-menu > summary")).to_have_text("Menu")
    expect(phone_page.locator(".site-nav")).to_have_attribute("aria-label", "Main menu")
    phone_page.locator(".site-menu > summary").click()
    expect(group(phone_page, "Cadre duty")).to_be_visible()


@pytest.mark.parametrize("who", ["supervisor", "secretary_a", "survey_worker", "admin_user"])
def test_each_roles_menu_fits_a_wide_screen_and_a_phone(new_context, live_server, login, request, who):
    """Each role's menu, opened at its current group on a wide screen and behind 菜单 on a
    phone, is no wider than the screen. With ``E2E_SCREENSHOTS=1`` the two views are saved
    for review (SHOTS)."""
    user = request.getfixturevalue(who)
    if who == "admin_user":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    page = new_context(viewport={"width": 1366, "height": 768}).new_page()
    login(page, live_server, user)
    page.goto(f"{live_server.url}/tasks/" if who != "survey_worker" else live_server.url)
    for size, viewport in [("1366", {"width": 1366, "height": 768}), ("390", {"width": 390, "height": 844})]:
        page.set_viewport_size(viewport)
        if size == "390":
            menu(page).click()
        current = page.locator(".site-nav .nav-group.is-current summary")
        if size == "1366" and current.count():
            current.click()
        shot(page, SHOTS.format(who=who, size=size))
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{who}'s menu is wider than the {size}px screen"
