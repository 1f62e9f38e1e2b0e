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
"""

import fcntl
import os
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


@contextmanager
def shared_migrations(path):
    """While active, a full ``migrate`` of an empty SQLite database copies ``path`` when it
    exists, else migrates and writes the result to ``path``."""
    path = Path(path)
    original = migrate.Command.handle

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite" or options.get("app_label") or options.get("migration_name"):
            return original(self, *args, **options)
        with _locked(path):
            if not _is_empty(connection):
                return original(self, *args, **options)
            if path.exists():
                copy_into(path, connection)
                return None
            result = original(self, *args, **options)
            save(connection, path)
            return result

    with mock.patch.object(migrate.Command, "handle", handle):
        yield path
