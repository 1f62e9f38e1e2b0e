"""The task list below its 提醒 panel is kept in the cache (accountability/tasks/views.py,
docs/performance.md "The task list"): per data version, the viewer's scope, the query
string, the language and the day. A cached list is the list built afresh, and it is never
stale after a write through the app."""

import datetime as dt
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.urls import reverse

from accountability.admin import TaskAdmin
from accountability.models import Task
from accountability.tasks import services
from tests.accountability.tasks_factories import LAST_WEEK, THIS_WEEK, freeze_today, make_report, make_task
from villages.admin import CadreAdmin
from villages.models import Cadre

pytestmark = pytest.mark.django_db

URL = reverse("accountability:task_list")
# the cached list's page: session, user, groups, cadre, the week's lock, the 提醒 panel's two
# counts (tests/accountability/test_tasks_queries.py pins the list built afresh)
CACHED_QUERIES = 7


@pytest.fixture
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


@pytest.fixture
def tasks(secretary_a, village_a, fixed_today):
    going = make_task(secretary_a, "A-01", village=village_a, title="产业覆盖")
    make_report(going, LAST_WEEK, "20", secretary_a)
    make_task(secretary_a, "A-02", title="危房改造", due_on=dt.date(2016, 6, 1))
    return going


def page(client, query=None, **headers):
    """The page's HTML without its CSRF tokens (new with every response)."""
    html = client.get(URL, query or {}, **headers).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def fresh(client, query=None, **headers):
    """The page with its list built afresh (the cache emptied first)."""
    cache.clear()
    return page(client, query, **headers)


def test_the_cached_list_is_the_list_built_afresh(client, secretary_a, tasks, django_assert_num_queries):
    client.force_login(secretary_a)
    for query in [None, {"sort": "-latest_percent"}, {"status": "in_progress"}, {"village": "abc"}]:
        built = fresh(client, query)
        with django_assert_num_queries(CACHED_QUERIES):
            assert page(client, query) == built


def test_the_cached_list_changes_when_a_report_is_filed(
    client, secretary_a, tasks, django_assert_num_queries
):
    client.force_login(secretary_a)
    before = page(client)
    assert "本周待填报 1 项" in before
    with django_assert_num_queries(CACHED_QUERIES):
        assert page(client) == before

    services.file_report(tasks, secretary_a, THIS_WEEK, Decimal("40"), "本周进度")

    after = page(client)
    assert after != before
    assert "本周待填报 0 项" in after and "40.0%" in after
    assert after == fresh(client)  # what the list built from the database shows


def test_the_cached_list_changes_when_its_owner_is_renamed_in_the_admin(
    client, rf, admin_user, secretary_a, tasks
):
    client.force_login(secretary_a)
    before = page(client)
    cadre = secretary_a.cadre
    assert cadre.name in before and "新书记" not in before

    # what the admin's change form does after its validation: the row, then the related rows
    request = rf.post("/admin/villages/cadre/")
    request.user = admin_user
    cadre_admin = CadreAdmin(Cadre, admin.site)
    cadre.name = "新书记"
    cadre_admin.save_model(request, cadre, form=None, change=True)
    cadre_admin.save_related(request, SimpleNamespace(save_m2m=lambda: None), [], change=True)

    after = page(client)
    assert "新书记" in after
    assert after == fresh(client)


def test_the_cached_list_changes_when_a_task_is_edited_in_the_admin(
    client, rf, admin_user, secretary_a, tasks
):
    client.force_login(secretary_a)
    before = page(client)
    assert "产业覆盖" in before

    request = rf.post("/admin/accountability/task/")
    request.user = admin_user
    task_admin = TaskAdmin(Task, admin.site)
    tasks.title = "产业全覆盖"
    task_admin.save_model(request, tasks, form=None, change=True)
    task_admin.save_related(request, SimpleNamespace(instance=tasks, save_m2m=lambda: None), [], change=True)

    after = page(client)
    assert "产业全覆盖" in after
    assert after == fresh(client)


def test_viewers_of_other_tasks_do_not_share_a_list(client, secretary_a, secretary_b, supervisor, tasks):
    make_task(secretary_b, "B-01", title="乙镇任务")
    lists = {}
    for user in (secretary_a, secretary_b, supervisor):
        client.force_login(user)
        lists[user.username] = page(client)
    assert "乙镇任务" not in lists[secretary_a.username]
    assert "乙镇任务" in lists[secretary_b.username] and "产业覆盖" not in lists[secretary_b.username]
    assert "乙镇任务" in lists[supervisor.username] and "产业覆盖" in lists[supervisor.username]


def test_the_list_is_kept_per_language_query_and_day(
    client, secretary_a, tasks, monkeypatch, django_assert_num_queries
):
    client.force_login(secretary_a)
    chinese = page(client)
    english = page(client, HTTP_ACCEPT_LANGUAGE="en")
    assert "本周待填报" in chinese and "本周待填报" not in english
    assert english == fresh(client, HTTP_ACCEPT_LANGUAGE="en")

    # the same filters, read from the cache; in another order, a list of its own (the
    # order shows in its links: sorting, pages, export)
    filtered = page(client, {"status": "in_progress", "overdue": "no"})
    with django_assert_num_queries(CACHED_QUERIES):
        assert page(client, {"status": "in_progress", "overdue": "no"}) == filtered
    reordered = page(client, {"overdue": "no", "status": "in_progress"})
    assert "?overdue=no&amp;status=in_progress&amp;export=csv" in reordered
    assert reordered == fresh(client, {"overdue": "no", "status": "in_progress"})
    assert filtered != page(client, {"status": "in_progress", "overdue": "yes"})

    # a week later nothing was reported for the new week, and A-02 is further overdue
    freeze_today(monkeypatch, THIS_WEEK + dt.timedelta(days=7))
    next_week = page(client)
    assert next_week != chinese
    assert next_week == fresh(client)
