"""Password reset (issue 13): with a mail server the login page links to it and the whole
flow works in Chinese through the product's templates (Django's locmem mail backend stands
in for the server); without one there is no link and every reset URL is a 404."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail

from tests.conftest import PASSWORD

NEW_PASSWORD = "Chishui-xin-mima-2016"


@pytest.fixture
def mail_server(settings):
    # the reset pages come from tests/reset_urls.py (chishui/urls.py reads the setting once, at
    # import: overriding PASSWORD_RESET_ENABLED here would leak into the project's URLs)
    settings.EMAIL_ENABLED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def secretary_with_email(secretary_a):
    secretary_a.email = "secretary_a@chishui.example.cn"
    secretary_a.save(update_fields=["email"])
    return secretary_a


@pytest.mark.urls("tests.reset_urls")
def test_a_user_resets_his_password_by_email(client, mail_server, secretary_with_email):
    login = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in login and "忘记密码？" in login

    form = client.get("/accounts/password_reset/").content.decode()
    assert "找回密码" in form and "电子邮箱" in form

    response = client.post(
        "/accounts/password_reset/", {"email": "secretary_a@chishui.example.cn"}, follow=True
    )
    assert "邮件已发送" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["secretary_a@chishui.example.cn"]
    assert message.subject == "赤水市三定责任管理：重设密码"
    assert "您好，secretary_a" in message.body
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", message.body)[1]

    page = client.get(link, follow=True)
    assert "设置新密码" in page.content.decode() and "新密码" in page.content.decode()
    set_url = page.redirect_chain[-1][0]
    mismatch = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": "something-else-2016"})
    assert mismatch.status_code == 200 and "输入的两个密码不一致" in mismatch.content.decode()

    done = client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}, follow=True)
    assert "密码已重设" in done.content.decode()
    assert authenticate(username="secretary_a", password=NEW_PASSWORD) is not None
    assert authenticate(username="secretary_a", password=PASSWORD) is None

    used = client.get(link, follow=True).content.decode()  # a link works once
    assert "重设密码的链接无效或已被使用" in used


@pytest.mark.urls("tests.reset_urls")
def test_an_unknown_address_gets_the_same_page_and_no_mail(client, mail_server, secretary_with_email):
    response = client.post("/accounts/password_reset/", {"email": "nobody@chishui.example.cn"}, follow=True)

    assert "邮件已发送" in response.content.decode()  # no hint whether the address has an account
    assert mail.outbox == []


def test_without_a_mail_server_reset_is_neither_linked_nor_served(client, secretary_with_email):
    assert "password_reset" not in client.get("/accounts/login/").content.decode()
    for url in (
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/done/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post("/accounts/password_reset/", {"email": "secretary_a@chishui.example.cn"}).status_code
        == 404
    )
    assert mail.outbox == []
