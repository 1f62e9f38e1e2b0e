"""A NUL character anywhere in a query string or a form (PostgreSQL refuses it in strings)
is a Chinese 400 before any view runs, and writes nothing; an absurdly long place code on a
dashboard is a 404 without a lookup."""

import pytest

from accountability.models import Problem

pytestmark = pytest.mark.django_db

MESSAGE = "请求中含有无效字符（NUL）"
DASHBOARDS = ["/dashboard/weekly/", "/dashboard/monthly/", "/dashboard/quarterly/"]


@pytest.mark.parametrize("url", DASHBOARDS)
@pytest.mark.parametrize(
    "query", ["township=%00", "village=%00", "township=T%00&village=V", "week=2016-W01%00"]
)
def test_a_nul_in_a_dashboard_query_is_a_clear_400(client, supervisor, url, query):
    client.force_login(supervisor)

    response = client.get(f"{url}?{query}")

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/tasks/?village=%00", "/problems/?status=%00", "/inspections/?held_from=%00", "/actions/?%00=1"]
)
def test_a_nul_in_a_list_filter_or_parameter_name_is_a_clear_400(client, supervisor, url):
    client.force_login(supervisor)

    response = client.get(url)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_a_nul_in_the_admin_search_is_a_clear_400(client, admin_user):
    client.force_login(admin_user)

    response = client.get("/admin/villages/household/?q=%00")

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()


def test_a_nul_in_a_posted_form_is_refused_and_writes_nothing(client, secretary_a):
    client.force_login(secretary_a)

    response = client.post("/problems/", {"factor": "industry", "description": "产业路\x00未通"})

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Problem.objects.count() == 0
    assert Problem.history.count() == 0


def test_the_message_is_english_for_an_english_user(client, supervisor, compiled_translations):
    client.force_login(supervisor)
    client.cookies["django_language"] = "en"

    response = client.get("/dashboard/weekly/?township=%00")

    assert response.status_code == 400
    assert "invalid character (NUL)" in response.content.decode()


@pytest.mark.parametrize("url", DASHBOARDS)
@pytest.mark.parametrize("param", ["township", "village"])
def test_an_absurdly_long_place_code_is_a_404_without_a_lookup(
    client, supervisor, url, param, django_assert_max_num_queries
):
    client.force_login(supervisor)
    client.get(url)  # warm the session and the user

    with django_assert_max_num_queries(3):
        response = client.get(url, {param: "T" * 100_000})

    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
