"""The migrated database kept between runs (tests/migrated.py): its key follows what the
migrations' result depends on, and one database is kept."""

import django

from tests import migrated


def test_the_key_follows_the_project_files_and_djangos_version(tmp_path, monkeypatch):
    monkeypatch.setattr(migrated, "ROOT", tmp_path)
    monkeypatch.setattr(migrated, "PROJECT", ("fixtures",))
    (tmp_path / "fixtures").mkdir()
    items = tmp_path / "fixtures" / "items.json"
    items.write_text('[{"code": "L1"}]')
    first = migrated.migrations_key()
    assert migrated.migrations_key() == first

    items.write_text('[{"code": "L2"}]')
    changed = migrated.migrations_key()
    assert changed != first

    monkeypatch.setattr(django, "__version__", "0.0")
    assert migrated.migrations_key() not in {first, changed}


def test_the_key_reads_the_migrations_of_the_project_and_of_django(monkeypatch):
    from django.apps import apps

    expected = {
        migrated.Path(apps.get_app_config(label).path) / "migrations" / "0001_initial.py"
        for label in ("villages", "accountability", "auth", "contenttypes")
    }
    read = set()
    original = migrated.Path.read_bytes
    monkeypatch.setattr(migrated.Path, "read_bytes", lambda self: read.add(self) or original(self))

    migrated.migrations_key()

    assert expected <= read


def test_one_migrated_database_is_kept(tmp_path):
    source = tmp_path / "migrated.sqlite3"
    source.write_bytes(b"new")
    kept_dir = tmp_path / "kept"
    kept_dir.mkdir()
    (kept_dir / "migrated-old.sqlite3").write_bytes(b"old")

    migrated.keep(source, kept_dir / "migrated-new.sqlite3")

    assert [f.name for f in kept_dir.iterdir()] == ["migrated-new.sqlite3"]
    assert (kept_dir / "migrated-new.sqlite3").read_bytes() == b"new"
