"""Logging in and out in a real browser, in Chinese, on a desktop and on a phone."""

import re

from playwright.sync_api import expect

from tests.e2e.shots import shot


def test_user_logs_in_sees_chinese_page_and_logs_out(page, live_server, login, no_role_user):
    login(page, live_server, no_role_user)

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="尚未分配角色")).to_be_visible()
    expect(page.locator(".site-header")).to_contain_text("赤水市三定责任管理")
    expect(page.locator(".site-nav")).to_contain_text(no_role_user.get_username())
    shot(page, "/tmp/chishui-e2e-no-role.png", full_page=True)

    page.locator(".site-nav").get_by_role("button", name="退出").click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))


def test_admin_lands_on_chinese_admin_site(page, live_server, login, admin_user):
    login(page, live_server, admin_user)

    expect(page).to_have_url(re.compile(r"/admin/$"))
    expect(page.locator("#site-name")).to_contain_text("赤水市三定责任管理")
    expect(page.get_by_role("link", name="贫困户")).to_be_visible()


def test_wrong_password_shows_chinese_error_and_stays_logged_out(page, live_server, secretary_a):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(secretary_a.get_username())
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()

    expect(page.locator(".errorlist.nonfield")).to_contain_text("请输入一个正确的")
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    assert not [c for c in page.context.cookies() if c["name"] == "sessionid"]


def test_login_form_fits_a_phone_and_switches_to_english(phone_page, live_server):
    phone_page.goto(f"{live_server.url}/accounts/login/")
    expect(phone_page.get_by_role("button", name="登录")).to_be_visible()
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, "the login page scrolls sideways on a 390px phone"
    shot(phone_page, "/tmp/chishui-e2e-login-phone.png", full_page=True)

    phone_page.locator(".language-switcher select").select_option("en")
    phone_page.locator(".language-switcher").get_by_role("button").click()

    expect(phone_page.locator("html")).to_have_attribute("lang", "en")
    expect(phone_page.get_by_role("button", name="Log in")).to_be_visible()
