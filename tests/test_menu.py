"""The site menu (chishui/menu.py, templates/nav.html): the pages in labelled groups by the
three layers and the supervisor's work; each role sees the entries whose pages admit him
(the view's own role rule and the page's permission), and every one of them opens; the
current page's group is marked; the template asks for no role by name."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chishui import menu

pytestmark = pytest.mark.django_db

EXPECTED = {
    "supervisor": {
        "干部定责": ["任务进度", "问题清单", "责任书", "业绩评定"],
        "组织定位": ["组织定位"],
        "群众定效": ["群众满意度", "满意度测评", "表彰提拔"],
        "督查问责": ["督查记录", "问责记录", "电视问政", "锁定周报", "提醒记录", "年终考评"],
        "看板与数据": ["周看板", "月看板", "季度看板"],
    },
    "admin_user": {
        "干部定责": ["任务进度", "问题清单", "责任书", "业绩评定"],
        "组织定位": ["组织定位"],
        "群众定效": ["群众满意度", "表彰提拔"],
        "督查问责": ["督查记录", "问责记录", "电视问政", "锁定周报", "提醒记录", "年终考评"],
        "看板与数据": ["周看板", "月看板", "季度看板", "登记导入", "管理后台"],
    },
    "secretary_a": {
        "干部定责": ["我的任务", "问题清单", "责任书", "业绩评定"],
        "组织定位": ["组织定位"],
        "督查问责": ["督查记录", "问责记录", "电视问政", "年终考评"],
        "看板与数据": ["周看板", "月看板", "季度看板"],
    },
    "village_secretary": {
        "干部定责": ["我的任务", "问题清单", "责任书", "业绩评定"],
        "组织定位": ["组织定位"],
        "看板与数据": ["周看板", "月看板", "季度看板"],
    },
    "resident_cadre": {
        "干部定责": ["我的任务", "问题清单", "责任书", "业绩评定"],
        "组织定位": ["组织定位"],
        "看板与数据": ["周看板", "月看板", "季度看板"],
    },
    "survey_worker": {"满意度测评": ["满意度测评"]},  # a group of one link is that link
    "no_role_user": {},
}


def rendered_groups(html):
    """{group label: [link labels]} as the page shows them."""
    nav = html.split('<ul class="nav-groups">', 1)[1].split('<div class="nav-tools">', 1)[0]
    groups = {}
    for item in re.findall(r'<li class="nav-group.*?</li>\s*(?=<li class="nav-group|</ul>\s*$)', nav, re.S):
        links = re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', item)
        summary = re.search(r"<summary>([^<]+)", item)
        groups[summary.group(1) if summary else links[0]] = links
    return groups


@pytest.mark.parametrize("user_fixture", sorted(EXPECTED))
def test_each_role_sees_the_groups_of_the_pages_it_may_open(client, request, user_fixture):
    user = request.getfixturevalue(user_fixture)
    if user_fixture == "admin_user":
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    client.force_login(user)

    html = client.get("/accounts/login/").content.decode()

    assert rendered_groups(html) == EXPECTED[user_fixture]


@pytest.mark.parametrize("user_fixture", sorted(set(EXPECTED) - {"no_role_user"}))
def test_every_entry_shown_opens_for_that_user(client, request, user_fixture):
    """No link to a 403: what the menu shows, the page admits."""
    user = request.getfixturevalue(user_fixture)
    user.is_staff = user_fixture == "admin_user"
    user.save(update_fields=["is_staff"])
    client.force_login(user)
    for group in menu.for_user(user, "/"):
        for entry in group["entries"]:
            response = client.get(entry["url"], follow=True)  # /year-end/ goes on to its year
            assert response.status_code == 200, (user_fixture, entry["url"])


def test_the_current_pages_group_is_marked(client, supervisor):
    client.force_login(supervisor)

    html = client.get("/inspections/").content.decode()

    current = re.findall(
        r'<li class="nav-group[^"]*is-current[^"]*">\s*<details[^>]*>\s*<summary>([^<]+)', html
    )
    assert current == ["督查问责"]
    assert html.count('aria-current="page"') == 1
    assert '<a href="/inspections/" aria-current="page">督查记录</a>' in html
    assert "（当前页面所在）" in html


def test_a_form_under_an_entry_marks_its_group(client, supervisor):
    client.force_login(supervisor)
    html = client.get("/contracts/new/").content.decode()
    assert re.search(r'is-current">\s*<details data-nav-group="duty">', html)


def test_every_link_keeps_its_url(client, supervisor, admin_user):
    admin_user.is_staff = True
    admin_user.save(update_fields=["is_staff"])
    urls = set()
    for user in (supervisor, admin_user):
        client.force_login(user)
        urls |= {entry["url"] for group in menu.for_user(user, "/") for entry in group["entries"]}
    assert urls == {
        "/tasks/",
        "/problems/",
        "/contracts/",
        "/evaluations/",
        "/organization/",
        "/satisfaction/",
        "/satisfaction/survey/",
        "/commendations/",
        "/inspections/",
        "/actions/",
        "/exposures/",
        "/weeks/lock/",
        "/reminders/",
        "/year-end/",
        "/dashboard/weekly/",
        "/dashboard/monthly/",
        "/dashboard/quarterly/",
        "/registry/import/",
        "/admin/",
    }


def test_the_menu_asks_no_role_by_name():
    template = (Path(settings.BASE_DIR) / "templates" / "nav.html").read_text()
    assert "role" not in template


def test_the_menu_costs_no_query_beyond_the_users_role(client, supervisor):
    """The role and the permissions come in one query (roles.role_of), cached on the user;
    the menu adds none."""
    client.force_login(supervisor)
    user = client.get("/accounts/login/").wsgi_request.user
    with CaptureQueriesContext(connection) as queries:
        menu.for_user(user, "/")
    assert len(queries) == 0
