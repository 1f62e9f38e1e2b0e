"""Logging in and out, and where "/" sends each role."""

import pytest
from django.conf import settings

from tests.conftest import PASSWORD

LOGIN = "/accounts/login/"
LOGOUT = "/accounts/logout/"

# The contract of villages.views.ROLE_HOME, as paths: other pages link to these.
ROLE_TARGETS = [
    ("admin_user", "/admin/"),
    ("supervisor", "/dashboard/weekly/"),
    ("secretary_a", "/tasks/"),
    ("village_secretary", "/tasks/"),
    ("resident_cadre", "/tasks/"),
]


def log_in(client, user, password=PASSWORD):
    return client.post(LOGIN, {"username": user.get_username(), "password": password})


def test_login_page_is_chinese(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "用户名" in html and "密码" in html


def test_wrong_password_shows_chinese_error_and_starts_no_session(client, secretary_a):
    response = log_in(client, secretary_a, password="wrong-password")

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unknown_user_gets_the_same_error(client, db):
    response = client.post(LOGIN, {"username": "nobody", "password": PASSWORD})

    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_redirects_to_home(client, secretary_a):
    response = log_in(client, secretary_a)

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(secretary_a.pk)


def test_login_follows_a_safe_next_but_not_an_external_one(client, secretary_a):
    response = client.post(
        LOGIN, {"username": "secretary_a", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"

    client.logout()
    response = client.post(LOGIN, {"username": "secretary_a", "password": PASSWORD, "next": "/tasks/"})
    assert response["Location"] == "/tasks/"


@pytest.mark.parametrize(("user_fixture", "target"), ROLE_TARGETS)
def test_home_sends_each_role_to_its_start_page(client, db, request, user_fixture, target):
    user = request.getfixturevalue(user_fixture)
    log_in(client, user)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == target


def test_user_without_role_gets_403_page_in_chinese(client, no_role_user):
    log_in(client, no_role_user)

    response = client.get("/")

    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()
    assert [t.name for t in response.templates][0] == "no_role.html"


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/"


def test_logout_ends_the_session(client, secretary_a):
    log_in(client, secretary_a)

    response = client.post(LOGOUT)

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"] == f"{LOGIN}?next=/"


def test_logout_by_get_is_refused_and_keeps_the_session(client, secretary_a):
    log_in(client, secretary_a)

    response = client.get(LOGOUT)

    assert response.status_code == 405
    assert client.session["_auth_user_id"] == str(secretary_a.pk)


def test_nav_shows_role_links_and_logout(client, admin_user):
    log_in(client, admin_user)

    html = client.get(LOGIN).content.decode()  # any page with the site header; admins get 管理后台

    assert "管理后台" in html
    assert 'action="/accounts/logout/"' in html
    assert 'action="/i18n/setlang/"' in html


def test_nav_hides_admin_links_from_secretaries(client, secretary_a):
    log_in(client, secretary_a)

    html = client.get(LOGIN).content.decode()

    assert "管理后台" not in html
    assert "退出" in html


def test_language_switch_sets_cookie_and_returns(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": LOGIN})

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_login_page_in_english_with_language_cookie(client, db, compiled_translations):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(LOGIN).content.decode()

    assert '<html lang="en">' in html
    assert "Log in" in html
    assert "Username" in html


def test_login_page_in_english_with_accept_language(client, db, compiled_translations):
    html = client.get(LOGIN, headers={"accept-language": "en-US,en;q=0.9"}).content.decode()

    assert '<html lang="en">' in html
    assert "Log in" in html


def test_wrong_password_error_in_english(client, secretary_a, compiled_translations):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = log_in(client, secretary_a, password="wrong-password")

    assert "Please enter a correct" in response.content.decode()
    assert "_auth_user_id" not in client.session


NAV_LINKS = {
    "我的任务": "/tasks/",
    "问题清单": "/problems/",
    "周看板": "/dashboard/weekly/",
    "月看板": "/dashboard/monthly/",
    "季度看板": "/dashboard/quarterly/",
    "登记导入": "/registry/import/",
    "管理后台": "/admin/",
}
EVERYONE = {"问题清单", "周看板", "月看板", "季度看板"}


@pytest.mark.parametrize(
    ("user_fixture", "expected"),
    [
        ("admin_user", EVERYONE | {"登记导入", "管理后台"}),
        ("supervisor", EVERYONE),
        ("secretary_a", EVERYONE | {"我的任务"}),
        ("village_secretary", EVERYONE | {"我的任务"}),
        ("resident_cadre", EVERYONE | {"我的任务"}),
        ("no_role_user", set()),
    ],
)
def test_nav_links_depend_on_role(client, db, request, user_fixture, expected):
    client.force_login(request.getfixturevalue(user_fixture))

    html = client.get(LOGIN).content.decode()
    nav = html.split('<ul class="nav-groups">', 1)[1].split('<div class="nav-tools">', 1)[0]

    shown = {label for label, url in NAV_LINKS.items() if f'href="{url}"' in nav and label in nav}
    assert shown == expected


def test_uploaded_files_have_no_public_url_even_when_debugging(settings):
    """Evidence is served only by the permission-checked view: no /media/ route, whatever DEBUG."""
    import importlib

    from django.urls import clear_url_caches

    import chishui.urls

    settings.DEBUG = True
    try:
        patterns = importlib.reload(chishui.urls).urlpatterns
        assert not [p for p in patterns if "media" in str(getattr(p, "pattern", ""))]
    finally:
        settings.DEBUG = False
        importlib.reload(chishui.urls)
        clear_url_caches()
