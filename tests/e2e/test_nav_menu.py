"""The header on a phone: the links, the user's name, the language switcher and 退出 fold
behind 菜单 (a <details>, opened by a tap or the keyboard); on a wide screen they are
always shown and 菜单 is not."""

import re

from playwright.sync_api import expect


def menu(page):
    return page.locator(".site-header summary", has_text="菜单")


def test_phone_header_is_one_row_until_the_menu_opens(phone_page, live_server, login, secretary_a):
    login(phone_page, live_server, secretary_a)
    phone_page.goto(f"{live_server.url}/tasks/")

    nav = phone_page.locator(".site-nav")
    expect(menu(phone_page)).to_be_visible()
    expect(nav.get_by_role("link", name="问题清单")).to_be_hidden()
    expect(nav.get_by_role("button", name="退出")).to_be_hidden()
    header = phone_page.locator(".site-header").bounding_box()
    assert header["height"] < 80, f"the closed header is {header['height']}px tall on a phone"
    phone_page.screenshot(path="/tmp/chishui-e2e-menu-phone.png")

    menu(phone_page).click()

    expect(nav.get_by_role("link", name="我的任务")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("button", name="退出")).to_be_visible()
    phone_page.screenshot(path="/tmp/chishui-e2e-menu-phone-open.png")
    nav.get_by_role("link", name="问题清单").click()

    expect(phone_page).to_have_url(re.compile(r"/problems/$"))
    expect(nav.get_by_role("link", name="问题清单")).to_be_hidden()  # closed again on the new page


def test_menu_opens_and_closes_from_the_keyboard(phone_page, live_server, login, secretary_a):
    login(phone_page, live_server, secretary_a)
    phone_page.wait_for_load_state()  # the page after the login redirect, with its script run
    nav = phone_page.locator(".site-nav")

    menu(phone_page).focus()
    phone_page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="周看板")).to_be_visible()
    phone_page.keyboard.press("Tab")
    expect(nav.get_by_role("link", name="我的任务")).to_be_focused()

    phone_page.keyboard.press("Escape")
    expect(nav.get_by_role("link", name="周看板")).to_be_hidden()
    expect(menu(phone_page)).to_be_focused()
    phone_page.keyboard.press("Space")
    expect(nav.get_by_role("link", name="周看板")).to_be_visible()


def test_wide_screen_shows_the_links_without_a_menu_button(page, live_server, login, secretary_a):
    page.set_viewport_size({"width": 1366, "height": 900})
    login(page, live_server, secretary_a)
    page.wait_for_load_state()

    expect(menu(page)).to_be_hidden()
    expect(page.locator(".site-nav").get_by_role("link", name="周看板")).to_be_visible()
    expect(page.locator(".site-nav").get_by_role("button", name="退出")).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})  # a window narrowed to phone width
    expect(menu(page)).to_be_visible()
    expect(page.locator(".site-nav").get_by_role("link", name="周看板")).to_be_hidden()

    page.set_viewport_size({"width": 1024, "height": 768})  # and widened again
    expect(menu(page)).to_be_hidden()
    expect(page.locator(".site-nav").get_by_role("link", name="周看板")).to_be_visible()


def test_menu_label_is_translated(phone_page, live_server, login, secretary_a):
    login(phone_page, live_server, secretary_a)
    phone_page.wait_for_load_state()
    phone_page.locator(".site-menu > summary").click()
    phone_page.locator(".language-switcher select").select_option("en")
    phone_page.locator(".language-switcher").get_by_role("button").click()

    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page.locator(".site-menu > summary")).to_have_text("Menu")
    expect(phone_page.locator(".site-nav")).to_have_attribute("aria-label", "Main menu")
