"""The read-replica router (chishui/db_router.py): reads to ``replica`` when configured,
writes to ``default``, reads after a write pinned to the primary for the rest of the request
and, through a cookie, for the writer's next requests.

The routing rules are tested in-process; the real thing — two database aliases, two SQLite
files, the replica a stale copy of the primary — runs in a subprocess, because the replica
alias is configured from the environment when the settings load. The primary starts as a
copy of the run's migrated SQLite database (tests/migrated.py) rather than migrating again;
without one (a PostgreSQL run) the subprocess migrates it."""

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from django.http import HttpResponse
from django.test import RequestFactory

from chishui import db_router

ROOT = Path(__file__).resolve().parents[1]


def test_without_a_replica_everything_goes_to_the_primary(settings):
    router = db_router.PrimaryReplicaRouter()
    assert "replica" not in settings.DATABASES
    assert router.db_for_read(None) == "default"
    assert router.db_for_write(None) == "default"


def test_reads_go_to_the_replica_until_the_first_write(settings, monkeypatch):
    monkeypatch.setattr(db_router, "has_replica", lambda: True)
    router = db_router.PrimaryReplicaRouter()
    seen = {}

    def view(request):
        seen["before"] = router.db_for_read(None)
        seen["write"] = router.db_for_write(None)
        seen["after"] = router.db_for_read(None)
        return HttpResponse("ok")

    response = db_router.PinToPrimaryMiddleware(view)(RequestFactory().get("/"))
    assert seen == {"before": "replica", "write": "default", "after": "default"}
    # the writer's next requests read from the primary for a while
    cookie = response.cookies[db_router.PIN_COOKIE]
    assert cookie["max-age"] == settings.REPLICA_PIN_SECONDS and cookie["httponly"]


def test_a_request_that_only_reads_sets_no_cookie_and_a_pinned_request_reads_the_primary(monkeypatch):
    monkeypatch.setattr(db_router, "has_replica", lambda: True)
    router = db_router.PrimaryReplicaRouter()
    reads = []

    def view(request):
        reads.append(router.db_for_read(None))
        return HttpResponse("ok")

    middleware = db_router.PinToPrimaryMiddleware(view)
    factory = RequestFactory()
    response = middleware(factory.get("/"))
    assert db_router.PIN_COOKIE not in response.cookies
    pinned = factory.get("/")
    pinned.COOKIES[db_router.PIN_COOKIE] = "1"
    middleware(pinned)
    middleware(factory.post("/"))  # a form post reads what it is about to write: the primary
    middleware(factory.get("/"))  # the pin of one request does not leak into the next
    assert reads == ["replica", "default", "default", "replica"]


def test_only_the_primary_is_migrated():
    router = db_router.PrimaryReplicaRouter()
    assert router.allow_migrate("default", "villages") is True
    assert router.allow_migrate("replica", "villages") is False


SCRIPT = textwrap.dedent(
    """
    import shutil, sys
    import django
    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connections
    from django.http import HttpResponse
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from chishui import db_router
    from villages import roles

    primary, replica, migrated = sys.argv[1], sys.argv[2], sys.argv[3] == "migrated"
    if not migrated:
        call_command("migrate", verbosity=0)
    user = User.objects.create_user(username="router-supervisor")
    user.groups.add(Group.objects.get(name=roles.COUNTY_SUPERVISOR))
    client = Client()
    client.force_login(user)
    for alias in connections:
        connections[alias].close()
    shutil.copyfile(primary, replica)  # replication: the replica now has the user and session

    def count(call):
        with CaptureQueriesContext(connections["default"]) as on_primary:
            with CaptureQueriesContext(connections["replica"]) as on_replica:
                result = call()
        return result, len(on_primary), len(on_replica)

    response, on_primary, on_replica = count(lambda: client.get("/dashboard/weekly/?week=2016-W23"))
    assert response.status_code == 200, response.status_code
    assert on_primary == 0 and on_replica > 0, (on_primary, on_replica)

    def write_then_read(request):
        Group.objects.create(name="written-on-the-primary")
        found = Group.objects.filter(name="written-on-the-primary").exists()
        return HttpResponse("found" if found else "missing")

    middleware = db_router.PinToPrimaryMiddleware(write_then_read)
    response = middleware(RequestFactory().post("/"))
    assert response.content == b"found"  # read after the write: from the primary
    assert not Group.objects.using("replica").filter(name="written-on-the-primary").exists()

    def read(request):
        return HttpResponse(str(Group.objects.filter(name="written-on-the-primary").exists()))

    pinned = RequestFactory().get("/")
    pinned.COOKIES[db_router.PIN_COOKIE] = response.cookies[db_router.PIN_COOKIE].value
    assert db_router.PinToPrimaryMiddleware(read)(pinned).content == b"True"
    assert db_router.PinToPrimaryMiddleware(read)(RequestFactory().get("/")).content == b"False"
    print("ok")
    """
)


def test_two_database_aliases_reads_from_the_replica_and_reads_after_a_write_from_the_primary(
    tmp_path, django_db_setup, migrated_sqlite
):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    migrated = migrated_sqlite.exists()  # made when the SQLite test databases were created
    if migrated:
        shutil.copyfile(migrated_sqlite, primary)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chishui.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
    }
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(primary), str(replica), "migrated" if migrated else "empty"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip().endswith("ok")
