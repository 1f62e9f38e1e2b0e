"""Settings come from the environment; bad or missing values in production fail loudly, and
a production configuration passes Django's deployment checks.

The settings module is read the way a new process reads it, with exactly the variables
given (``load_settings``: ``chishui/settings.py`` executed afresh in this process, so a bad
value raises the ImproperlyConfigured that stops the app); the deployment checks run in a
fresh process (``run``), since they need Django set up with those settings."""

import os
import re
import runpy
import secrets
import subprocess
import sys
import traceback
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests (tests/e2e/conftest.py); a real
# deployment must not have it, and check --deploy says so.
IGNORED = {"DJANGO_DEBUG", "DJANGO_SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_env(**env):
    clean = {k: v for k, v in os.environ.items() if k not in IGNORED}
    clean.update(DJANGO_SETTINGS_MODULE="chishui.settings", **env)
    return clean


def run(args, **env):
    """Run Python in a fresh process with exactly the settings variables given."""
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(**env):
    """The names of chishui/settings.py executed afresh with exactly the settings variables
    given, as a new process would read them; a refused value raises its ImproperlyConfigured."""
    with mock.patch.dict(os.environ, clean_env(**env), clear=True):
        return runpy.run_path(str(BASE_DIR / "chishui" / "settings.py"), run_name="settings_under_test")


def refused(message, **env):
    """load_settings() must stop with ImproperlyConfigured saying ``message``; returns the
    traceback a new process would print."""
    with pytest.raises(ImproperlyConfigured, match=re.escape(message)) as refusal:
        load_settings(**env)
    return "".join(traceback.format_exception(refusal.value))


def production_env(**overrides):
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "sanding.chishui.example.cn",
        **overrides,
    }


def test_development_defaults_start_with_debug_on():
    assert load_settings()["DEBUG"] is True


def test_production_without_secret_key_refuses_to_start():
    refused(
        "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off",
        DJANGO_DEBUG="0",
        ALLOWED_HOSTS="sanding.chishui.example.cn",
    )


def test_production_without_allowed_hosts_refuses_to_start():
    env = production_env()
    del env["ALLOWED_HOSTS"]

    refused("ALLOWED_HOSTS is required", **env)


@pytest.mark.parametrize("value", ["maybe", "2", "debug"])
def test_debug_flag_that_is_not_a_boolean_refuses_to_start(value):
    refused(f"DJANGO_DEBUG must be a boolean (1/0, true/false, yes/no), got '{value}'", DJANGO_DEBUG=value)


@pytest.mark.parametrize(("value", "debug"), [("1", True), ("true", True), ("no", False), ("OFF", False)])
def test_debug_flag_reads_usual_booleans(value, debug):
    assert load_settings(**production_env(DJANGO_DEBUG=value))["DEBUG"] is debug


def test_unparsable_database_url_refuses_to_start():
    refused("DATABASE_URL is not valid", DATABASE_URL="nonsense://nowhere/db")


def test_database_url_selects_postgresql():
    settings = load_settings(DATABASE_URL="postgres://u:p@db.example:5432/chishui")

    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example", 5432, "chishui")


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
    printed = refused("DJANGO_HSTS_SECONDS must be", **production_env(DJANGO_HSTS_SECONDS=value))

    assert "ValueError" not in printed


def test_db_conn_max_age_that_is_not_a_whole_number_names_the_variable():
    refused("DB_CONN_MAX_AGE must be a whole number, got 'forever'", DB_CONN_MAX_AGE="forever")


def test_ssl_redirect_that_is_not_a_boolean_names_the_variable():
    refused(
        "DJANGO_SECURE_SSL_REDIRECT must be a boolean",
        **production_env(DJANGO_SECURE_SSL_REDIRECT="sometimes"),
    )


def test_integer_settings_read_whole_numbers():
    settings = load_settings(**production_env(DJANGO_HSTS_SECONDS=" 600 ", DB_CONN_MAX_AGE="60"))

    assert (settings["SECURE_HSTS_SECONDS"], settings["DATABASES"]["default"]["CONN_MAX_AGE"]) == (600, 60)


def test_postgresql_connections_run_without_jit_unless_asked():
    """JIT compiled the task list's count over 76,500 tasks for 198 of its 263 ms: off for
    the app's PostgreSQL connections (primary and replica), on again with DB_POSTGRES_JIT=on;
    other connection options are kept, and SQLite gets none."""
    url = "postgres://u:p@db:5432/chishui"
    names = load_settings(DATABASE_URL=url, DATABASE_REPLICA_URL="postgres://u:p@replica:5432/chishui")
    for alias in ("default", "replica"):
        assert names["DATABASES"][alias]["OPTIONS"]["options"] == "-c jit=off"

    assert "options" not in load_settings(DATABASE_URL=url, DB_POSTGRES_JIT="on")["DATABASES"]["default"].get(
        "OPTIONS", {}
    )
    assert "OPTIONS" not in load_settings(DATABASE_URL="sqlite:////tmp/x.sqlite3")["DATABASES"]["default"]
