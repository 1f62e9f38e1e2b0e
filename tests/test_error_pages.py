"""Error pages are Chinese, use the site shell, and the 400/500 pages render without a
request (Django renders them with an empty context)."""

import pytest
from django.template.loader import get_template
from django.test import override_settings
from django.urls import path

from tests.conftest import PASSWORD


def boom(request):
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("boom/", boom)]


@pytest.mark.parametrize(("name", "heading"), [("400.html", "请求有误"), ("500.html", "服务器错误")])
def test_error_page_renders_without_a_request(name, heading):
    html = get_template(name).render()

    assert heading in html
    assert '<html lang="zh-hans">' in html
    assert "退出" not in html  # no user, no navigation


def test_unknown_page_is_a_chinese_404(client, secretary_a):
    client.login(username="secretary_a", password=PASSWORD)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "页面不存在" in html
    assert "退出" in html  # the site shell with the user's navigation


@override_settings(ROOT_URLCONF=__name__)
def test_server_error_is_a_chinese_500(client, db):
    client.raise_request_exception = False

    response = client.get("/boom/")

    assert response.status_code == 500
    assert "服务器错误" in response.content.decode()


def test_forbidden_page_is_chinese(client, db):
    from django.contrib.auth.models import AnonymousUser
    from django.core.exceptions import PermissionDenied
    from django.test import RequestFactory
    from django.views.defaults import permission_denied

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    response = permission_denied(request, PermissionDenied())

    assert response.status_code == 403
    assert "没有权限" in response.content.decode()
