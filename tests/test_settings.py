"""Settings come from the environment; bad or missing values in production fail loudly, and
a production configuration passes Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
SETUP = "import django; django.setup(); from django.conf import settings; print('DEBUG', settings.DEBUG)"


def run(args, **env):
    """Run Python in a fresh process with exactly the settings variables given."""
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests (tests/e2e/conftest.py); a real
    # deployment must not have it, and check --deploy says so.
    ignored = {
        "DJANGO_DEBUG",
        "DJANGO_SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    clean.update(DJANGO_SETTINGS_MODULE="chishui.settings", **env)
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def production_env(**overrides):
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "sanding.chishui.example.cn",
        **overrides,
    }


def test_development_defaults_start_with_debug_on():
    result = run(["-c", SETUP])

    assert result.returncode == 0, result.stderr
    assert "DEBUG True" in result.stdout


def test_production_without_secret_key_refuses_to_start():
    result = run(["-c", SETUP], DJANGO_DEBUG="0", ALLOWED_HOSTS="sanding.chishui.example.cn")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    env = production_env()
    del env["ALLOWED_HOSTS"]

    result = run(["-c", SETUP], **env)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ALLOWED_HOSTS is required" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2", "debug"])
def test_debug_flag_that_is_not_a_boolean_refuses_to_start(value):
    result = run(["-c", SETUP], DJANGO_DEBUG=value)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"DJANGO_DEBUG must be a boolean (1/0, true/false, yes/no), got '{value}'" in result.stderr


@pytest.mark.parametrize(("value", "debug"), [("1", True), ("true", True), ("no", False), ("OFF", False)])
def test_debug_flag_reads_usual_booleans(value, debug):
    result = run(["-c", SETUP], **production_env(DJANGO_DEBUG=value))

    assert result.returncode == 0, result.stderr
    assert f"DEBUG {debug}" in result.stdout


def test_unparsable_database_url_refuses_to_start():
    result = run(["-c", SETUP], DATABASE_URL="nonsense://nowhere/db")

    assert result.returncode != 0
    assert "DATABASE_URL is not valid" in result.stderr


def test_database_url_selects_postgresql():
    code = "import django; django.setup(); from django.db import connection; print(connection.vendor)"

    result = run(["-c", code], DATABASE_URL="postgres://u:p@db.example:5432/chishui")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql"


def test_production_settings_pass_the_deployment_checks():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_deployment_checks_reject_a_weak_secret_key():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        **production_env(DJANGO_SECRET_KEY="short-key"),
    )

    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


@pytest.mark.parametrize("value", ["abc", "1.5", "-1", "３１５３６０００x"])
def test_hsts_seconds_that_is_not_a_whole_number_names_the_variable(value):
    result = run(["-c", SETUP], **production_env(DJANGO_HSTS_SECONDS=value))

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_HSTS_SECONDS must be" in result.stderr
    assert "ValueError" not in result.stderr


def test_db_conn_max_age_that_is_not_a_whole_number_names_the_variable():
    result = run(["-c", SETUP], DB_CONN_MAX_AGE="forever")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DB_CONN_MAX_AGE must be a whole number, got 'forever'" in result.stderr


def test_ssl_redirect_that_is_not_a_boolean_names_the_variable():
    result = run(["-c", SETUP], **production_env(DJANGO_SECURE_SSL_REDIRECT="sometimes"))

    assert result.returncode != 0
    assert "DJANGO_SECURE_SSL_REDIRECT must be a boolean" in result.stderr


def test_integer_settings_read_whole_numbers():
    code = (
        SETUP + "; print('HSTS', settings.SECURE_HSTS_SECONDS, settings.DATABASES['default']['CONN_MAX_AGE'])"
    )

    result = run(["-c", code], **production_env(DJANGO_HSTS_SECONDS=" 600 ", DB_CONN_MAX_AGE="60"))

    assert result.returncode == 0, result.stderr
    assert "HSTS 600 60" in result.stdout
