"""``manage.py benchmark --scale small --json`` builds its own database, serves every
dashboard at least 20 times and prints one JSON object; the user's database is untouched.
That test runs the command in a subprocess because the separate database is the point. On
SQLite the subprocess's ``migrate`` of its new database copies the run's migrated database
(tests/migrated.py) instead of running every migration a third time; the command still makes,
fills and drops its database itself."""

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from devdata import load

ROOT = Path(__file__).resolve().parents[2]

# manage.py, with the run's migrated SQLite database (argv[1]) standing in for the migrations
MANAGE_WITH_MIGRATED = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chishui.settings")
import django
django.setup()
from django.core.management import execute_from_command_line
from tests.migrated import shared_migrations
with shared_migrations(sys.argv[1]):
    execute_from_command_line(["manage.py", *sys.argv[2:]])
"""


@pytest.mark.django_db
def test_benchmark_small_prints_one_json_object_with_import_figures_and_leaves_the_database_alone(
    migrated_sqlite,
):
    from django.db import connection

    arguments = ["benchmark", "--scale", "small", "--json", "--import-rows", "300"]
    if migrated_sqlite.exists():
        command = [sys.executable, "-c", MANAGE_WITH_MIGRATED, str(migrated_sqlite), *arguments]
    else:
        command = [sys.executable, "manage.py", *arguments]
    result = subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ.copy(),
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"scale", "database", "summary_tables", "rows", "pages", "import"}
    assert report["summary_tables"] is True
    figures = report["import"]
    assert figures["households"] == 300 and figures["rows"] > 300
    assert figures["import_rows_per_second"] > 0 and figures["loaddata_rows_per_second"] > 0
    assert report["scale"] == "small" and "bench" in report["database"]
    assert report["rows"]["township"] == 3 and report["rows"]["progressreport"] > 0
    assert {
        "weekly",
        "weekly_json",
        "monthly",
        "quarterly",
        "yearly",
        "organization",
        "satisfaction",
        "year_end",
        "task_list",
        "task_list_secretary",  # the task list as a township secretary meets it
        "task",
        "weekly_cold",
        "satisfaction_cold",
        "organization_cold",
        "monthly_households_cold",
        "yearly_households_cold",
        "task_list_cold",  # the task list's first build after a write (the list is cached)
        "task_list_secretary_cold",
    } <= set(report["pages"])
    # from the cache: session, user and groups only; cold: the selector's queries too
    for name in ("weekly", "satisfaction", "organization", "task_list", "task_list_secretary"):
        assert report["pages"][name]["queries"] < report["pages"][f"{name}_cold"]["queries"]
    # cold after a weekly report the headline comes from the cache (the households version);
    # after a write of households it is built again: its two queries
    for name in ("monthly", "yearly"):
        pages = report["pages"]
        assert pages[f"{name}_households_cold"]["queries"] == pages[f"{name}_cold"]["queries"] + 2
    for page in report["pages"].values():
        assert page["runs"] >= 20
        assert isinstance(page["queries"], int) and page["queries"] > 0
        assert 0 < page["median_ms"] <= page["p95_ms"]
    bench_name = report["database"].split(":", 1)[1]
    if connection.vendor == "postgresql":  # the benchmark database was dropped afterwards
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [bench_name])
            assert cursor.fetchone() is None
    else:
        assert not Path(bench_name).exists()


def test_benchmark_refuses_fewer_than_20_runs():
    # the argument check comes before any database is made: no subprocess needed
    with pytest.raises(CommandError, match="at least 20"):
        call_command("benchmark", "--scale", "small", "--runs", "5")


@pytest.mark.parametrize("option", ["--keep", "--reuse"])
def test_benchmark_keeps_or_reuses_only_a_postgresql_database(option):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("on PostgreSQL the option is allowed")
    # refused before any database is made: SQLite's benchmark database is a temporary file
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command("benchmark", "--scale", "small", option)


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--clients", "0", "--clients"), ("--clients", "201", "--clients"), ("--seconds", "121", "--seconds")],
)
def test_benchmark_load_refuses_unbounded_runs(option, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("benchmark", "--scale", "small", "--load", option, value)


class Answer(BaseHTTPRequestHandler):
    """200 for /ok, 500 for anything else; keeps connections open (HTTP/1.1)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 200 if self.path == "/ok" and "sessionid=abc" in self.headers.get("Cookie", "") else 500
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()


def test_the_load_driver_counts_answers_and_errors_of_concurrent_clients(server):
    good = load.drive(server, "/ok", "sessionid=abc", clients=3, seconds=0.5)
    assert good["requests"] > 3 and good["errors"] == 0 and good["requests_per_second"] > 0
    assert 0 < good["p50_ms"] <= good["p95_ms"]
    bad = load.drive(server, "/missing", "sessionid=abc", clients=2, seconds=0.3)
    assert bad["requests"] == 0 and bad["errors"] > 0
