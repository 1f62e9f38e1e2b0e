"""Hardening (issue 14): login throttling and its log line, the Content-Security-Policy and
no inline script, Cache-Control on what logged-in users see, the trusted proxy, and no
password reset without a mail server."""

import logging
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import NoReverseMatch, reverse

from chishui import security
from tests.conftest import PASSWORD
from tests.test_settings import load_settings, production_env, refused, run

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def log_in(client, username, password, ip="10.0.0.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def fail(client, username, times, ip="10.0.0.7"):
    """``times`` wrong passwords; the fifth one already gets the lockout page."""
    for n in range(1, times + 1):
        response = log_in(client, username, "wrong-password", ip)
        assert response.status_code == (429 if n >= 5 else 200)


def test_sixth_attempt_after_five_wrong_passwords_is_refused_even_with_the_right_one(client, secretary_a):
    fail(client, "secretary_a", 5)

    response = log_in(client, "secretary_a", PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert "登录已暂时锁定" in page and "30 分钟后再试" in page
    assert "_auth_user_id" not in client.session


def test_four_wrong_passwords_do_not_lock(client, secretary_a):
    fail(client, "secretary_a", 4)

    assert log_in(client, "secretary_a", PASSWORD).status_code == 302


def test_a_locked_out_user_does_not_lock_out_others(client, secretary_a, secretary_b):
    fail(client, "secretary_a", 5)

    other = Client()
    assert log_in(other, "secretary_b", PASSWORD).status_code == 302
    # the same user from another address (e.g. his office) still gets in
    assert log_in(Client(), "secretary_a", PASSWORD, ip="10.0.0.8").status_code == 302


def test_lockout_page_is_in_english_for_english_users(client, secretary_a):
    client.cookies["django_language"] = "en"
    fail(client, "secretary_a", 5)

    response = log_in(client, "secretary_a", PASSWORD)

    assert response.status_code == 429
    assert "temporarily locked" in response.content.decode()


def test_each_failed_login_is_logged_with_username_and_address(client, secretary_a, caplog):
    with caplog.at_level(logging.WARNING, logger="chishui.security"):
        log_in(client, "secretary_a", "wrong-password", ip="10.0.0.9")

    lines = [r.getMessage() for r in caplog.records if r.name == "chishui.security"]
    assert lines == ["failed login: username='secretary_a' ip=10.0.0.9"]


@pytest.mark.parametrize("login", [LOGIN, "/admin/login/"])
def test_an_overlong_username_is_a_failed_login_counted_under_its_first_characters(client, login):
    response = client.post(login, {"username": "x" * 5000, "password": "wrong-password"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "x" * 255 and attempt.failures_since_start == 1


def test_forwarded_for_is_ignored_unless_the_proxy_is_trusted(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")

    settings.TRUSTED_PROXY = False
    assert security.client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY = True
    assert security.client_ip(request) == "203.0.113.5"  # the entry nginx wrote, not the browser's
    assert security.client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1")) == "127.0.0.1"


def test_behind_the_trusted_proxy_lockout_follows_the_forwarded_address(client, secretary_a, settings):
    settings.TRUSTED_PROXY = True
    for _ in range(5):
        client.post(
            LOGIN,
            {"username": "secretary_a", "password": "wrong"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )

    locked = client.post(
        LOGIN, {"username": "secretary_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    other = Client().post(
        LOGIN, {"username": "secretary_a", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )

    assert (locked.status_code, other.status_code) == (429, 302)


# --- Content-Security-Policy -----------------------------------------------------------------


def test_pages_carry_a_content_security_policy_without_inline_script(client, supervisor):
    client.force_login(supervisor)

    response = client.get(reverse("accountability:dashboard_weekly"))

    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "http" not in policy  # no external source at all


SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


def test_no_template_has_an_inline_script_or_event_handler():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for attributes in SCRIPT.findall(text):
            if "src=" not in attributes and 'type="application/json"' not in attributes:
                offenders.append(f"{path.relative_to(TEMPLATES)}: <script{attributes}>")
        offenders += [f"{path.relative_to(TEMPLATES)}: {m.group().strip()}" for m in HANDLER.finditer(text)]
    assert offenders == []


def test_the_template_scan_finds_an_inline_script(tmp_path):
    # the scan itself must be able to fail
    sample = '<script>alert(1)</script><script type="application/json">{}</script><a onclick="x()">'
    assert [a for a in SCRIPT.findall(sample) if "src=" not in a and "application/json" not in a] == [""]
    assert HANDLER.search(sample)


# --- Cache-Control -----------------------------------------------------------------------------


def test_pages_and_exports_for_logged_in_users_are_not_stored(client, secretary_a):
    client.force_login(secretary_a)

    for response in (
        client.get(reverse("accountability:task_list")),
        client.get(reverse("accountability:task_list") + "?export=csv"),
        client.get(reverse("accountability:problem_list") + "?export=csv"),
    ):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


# --- password reset ----------------------------------------------------------------------------


def test_password_reset_is_not_offered_without_a_mail_server(client):
    with pytest.raises(NoReverseMatch):
        reverse("password_reset")
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.get(LOGIN).status_code == 200  # the rest of accounts/ stays


def test_password_reset_is_offered_with_a_mail_server():
    code = "import django; django.setup(); from django.urls import reverse; print(reverse('password_reset'))"

    without = run(["-c", code])
    with_mail = run(["-c", code], EMAIL_HOST="smtp.chishui.example.cn")

    assert without.returncode != 0 and "NoReverseMatch" in without.stderr
    assert with_mail.returncode == 0, with_mail.stderr
    assert with_mail.stdout.strip() == "/accounts/password_reset/"


# --- proxy headers -----------------------------------------------------------------------------


def test_forwarded_proto_is_trusted_only_when_configured():
    untrusted = load_settings(**production_env())
    trusted = load_settings(**production_env(DJANGO_TRUSTED_PROXY="1"))

    assert untrusted.get("SECURE_PROXY_SSL_HEADER") is None  # unset: Django's default, None
    assert trusted["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_production_behind_the_proxy_passes_the_deployment_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(DJANGO_TRUSTED_PROXY="1", EMAIL_HOST="smtp.chishui.example.cn"),
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_trusted_proxy_flag_that_is_not_a_boolean_refuses_to_start():
    refused("DJANGO_TRUSTED_PROXY must be a boolean", **production_env(DJANGO_TRUSTED_PROXY="nginx"))
