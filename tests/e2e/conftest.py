"""Browser tests: pytest-playwright driving Debian's Chromium (/usr/bin/chromium) against
pytest-django's live_server. Never `playwright install`.

Every test in tests/e2e is marked ``e2e``. Without Chromium the tests are skipped locally
with the reason, and fail in CI (env CI=true), where a skipped browser test would hide a
broken setup.

Fixtures for tests:

- ``login``: ``login(page, live_server, user)`` logs ``user`` in through the Chinese login
  form (users of tests/conftest.py all have the password ``tests.conftest.PASSWORD``).
- ``sign_in``: ``sign_in(page, live_server, user, path)`` opens ``path`` as ``user`` already
  signed in (a session made by Django's test client, its cookie given to the browser): for
  tests about what comes after the login, which the form would only slow down.
- ``phone_page``: a page with a phone's viewport (390×844, touch), for the township
  secretaries who report from the field.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

# Debian's Chromium; CHROMIUM_PATH overrides it (e.g. to check the skip/fail behaviour).
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_MISSING = "Chromium not installed: apt-get install chromium"
HERE = Path(__file__).resolve().parent

# live_server runs Django in a thread while sync Playwright runs an event loop in this one;
# Django's async-safety check would otherwise refuse the ORM calls of the test itself.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


def pytest_runtest_setup(item):
    if HERE not in Path(item.path).resolve().parents:
        return
    if not Path(CHROMIUM).exists():
        if _in_ci():
            pytest.fail(f"{CHROMIUM_MISSING} (CI=true: browser tests must run, not be skipped)")
        pytest.skip(CHROMIUM_MISSING)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    """Chinese users on Chinese browsers: the Accept-Language header and the page locale."""
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "extra_http_headers": {"Accept-Language": "zh-CN,zh;q=0.9"},
    }


@pytest.fixture
def phone_page(new_context):
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    return context.new_page()


def log_in(page, live_server, user, password=PASSWORD):
    """Fill the Chinese login form and wait until the browser has left the login page."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(user.get_username())
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    return page


def signed_in(page, live_server, user, path="/"):
    """Open ``path`` as ``user``, signed in without the form: the session cookie of Django's
    test client's login is given to the browser's context."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.goto(f"{live_server.url}{path}")
    return page


@pytest.fixture
def sign_in():
    """``sign_in(page, live_server, user, path)``: ``path`` opened as ``user``, signed in."""
    return signed_in


@pytest.fixture
def login():
    """``login(page, live_server, user)``: log ``user`` in through the Chinese login form."""
    return log_in
