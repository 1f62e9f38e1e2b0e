"""Migrations run once per test run on SQLite, not once per database.

Running every migration takes about 15 CPU seconds (most of it Django rendering the
historical models). Each pytest-xdist worker creates its own in-memory test database, and a
few tests start a subprocess with a database of its own (tests/test_db_router.py, the
benchmark command of tests/accountability/test_benchmark.py). While ``shared_migrations``
is active, ``migrate`` on an empty SQLite database copies a database that was migrated
earlier in the run (SQLite's backup API, a few milliseconds) and otherwise migrates and keeps
a copy for the next one. The copy is the migrated database itself: the same tables, indexes,
data migrations (role groups and their grants), content types and permissions.

Only a full ``migrate`` (no app label, no target) of an empty database is replaced; the
tests that migrate to a given migration (tests/accountability/test_year_end_migration.py) and
PostgreSQL runs migrate as before.

The migrated database is also kept between runs (``kept``: ``.test-cache/`` of the project,
not committed), under a key made of everything the migrations' result depends on
(``migrations_key``: Django's and SQLite's versions, the migration files of every installed
app, and the project's code and fixtures, which the migrations import or load). A run whose
key is found copies it and migrates nothing; any change to those files migrates afresh.
"""

import fcntl
import hashlib
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.core.management.commands import migrate
from django.db import connections


@contextmanager
def _locked(path):
    """One process at a time (the xdist workers of a run share the copy)."""
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _is_empty(connection):
    return not connection.introspection.table_names()


def copy_into(source_path, connection):
    """Copy the SQLite database file ``source_path`` into ``connection``'s database."""
    connection.ensure_connection()
    source = sqlite3.connect(source_path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def save(connection, path):
    """Write ``connection``'s SQLite database to the file ``path`` (atomically)."""
    connection.ensure_connection()
    partial = f"{path}.partial"
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, path)


ROOT = Path(__file__).resolve().parents[1]
KEPT_DIR = ROOT / ".test-cache"
PROJECT = ("villages", "accountability", "chishui", "fixtures")


def migrations_key():
    """A digest of what a full ``migrate`` of an empty SQLite database depends on."""
    import django
    from django.apps import apps

    files = {}
    for app in apps.get_app_configs():
        folder = Path(app.path) / "migrations"
        if folder.is_dir():
            files.update((f"{app.label}/{f.relative_to(folder)}", f) for f in folder.rglob("*.py"))
    for package in PROJECT:
        found = (f for f in (ROOT / package).rglob("*") if f.suffix in {".py", ".json"})
        files.update((str(f.relative_to(ROOT)), f) for f in found)
    digest = hashlib.sha256(f"django {django.__version__} sqlite {sqlite3.sqlite_version}".encode())
    for name in sorted(files):
        digest.update(f"\0{name}\0".encode())
        digest.update(files[name].read_bytes())
    return digest.hexdigest()[:16]


def kept():
    """The migrated database kept between runs for the present migrations (it may not exist)."""
    return KEPT_DIR / f"migrated-{migrations_key()}.sqlite3"


def copy_file(path, target):
    """Copy the database file ``path`` to ``target`` (atomically)."""
    partial = target.with_name(f"{target.name}.{os.getpid()}.partial")
    shutil.copyfile(path, partial)
    os.replace(partial, target)


def keep(path, target):
    """Keep the migrated database ``path`` as ``target``, the only one kept (older keys go)."""
    target.parent.mkdir(exist_ok=True)
    copy_file(path, target)
    for old in target.parent.glob("migrated-*.sqlite3"):
        if old != target:
            old.unlink(missing_ok=True)


@contextmanager
def shared_migrations(path, kept_path=None):
    """While active, a full ``migrate`` of an empty SQLite database copies ``path`` when it
    exists, else ``kept_path`` when given and existing (and writes it to ``path`` for the
    other workers), else migrates and writes the result to ``path`` (and ``kept_path``)."""
    path = Path(path)
    original = migrate.Command.handle

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or options.get("app_label") or options.get("migration_name"):
            return original(self, *args, **options)
        with _locked(path):
            if not _is_empty(connection):
                return original(self, *args, **options)
            if not path.exists() and kept_path is not None and kept_path.exists():
                copy_file(kept_path, path)
            if path.exists():
                copy_into(path, connection)
                return None
            result = original(self, *args, **options)
            save(connection, path)
            if kept_path is not None:
                keep(path, kept_path)
            return result

    with mock.patch.object(migrate.Command, "handle", handle):
        yield path
