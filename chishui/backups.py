"""Backup and restore of the whole site (issue 14): one zip archive holding the database as
Django's portable serialization (``db.xml``, the same on SQLite and PostgreSQL), the
uploaded files under MEDIA_ROOT (``media/…``) and a manifest with the row count of every
model. ``manage.py backup PATH`` writes it; ``manage.py restore PATH`` loads it into an
empty database (one where only what migrations create exists), in one transaction, and
checks the counts against the manifest. docs/deployment.md says how to run them.

The data is Django's XML serialization: its JSON one rounds times to milliseconds, XML
keeps every microsecond (history entries are ordered by them)."""

import json
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

FORMAT = 1
DATA = "db.xml"
MANIFEST = "manifest.json"
MEDIA = "media"
# Rebuilt by migrate (content types, permissions), or not worth keeping (sessions, the
# lockout counters of django-axes); everything else is dumped.
NOT_DUMPED = ["contenttypes", "auth.permission", "sessions", "axes.accessattempt"]
# Rows migrations create in a fresh database: their presence does not make it "not empty".
MIGRATION_ROWS = {"contenttypes.contenttype", "auth.permission", "auth.group"}


def _label(model):
    return model._meta.label_lower


def _dumped_models():
    skipped = {name for name in NOT_DUMPED if "." in name}
    skipped_apps = {name for name in NOT_DUMPED if "." not in name}
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label not in skipped_apps and _label(model) not in skipped
    ]


def row_counts():
    """``{app_label.model: rows}`` for every model a backup holds."""
    return {_label(model): model._default_manager.count() for model in _dumped_models()}


def media_files(root=None):
    root = Path(root or settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file())


def write_backup(path):
    """Write the archive to ``path``; returns the manifest."""
    path = Path(path)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / DATA
        with transaction.atomic():  # one consistent snapshot of every table (PostgreSQL)
            call_command(
                "dumpdata",
                natural_foreign=True,
                format="xml",
                exclude=NOT_DUMPED,
                output=str(data),
                verbosity=0,
            )
            counts = row_counts()
        files = media_files(media_root)
        manifest = {
            "format": FORMAT,
            "created": timezone.now().isoformat(),
            "django": django.get_version(),
            "counts": counts,
            "files": len(files),
        }
        partial = path.with_name(path.name + ".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
            archive.write(data, DATA)
            for file in files:
                archive.write(file, f"{MEDIA}/{file.relative_to(media_root).as_posix()}")
        partial.replace(path)  # a crash never leaves a half archive under the real name
    return manifest


def occupied_models():
    """Models holding rows beyond what migrations create."""
    return [
        _label(model)
        for model in apps.get_models()
        if _label(model) not in MIGRATION_ROWS
        and _label(model) not in {"sessions.session", "axes.accessattempt"}
        and model._default_manager.exists()
    ]


def _media_members(archive):
    members = []
    for name in archive.namelist():
        if not name.startswith(f"{MEDIA}/") or name.endswith("/"):
            continue
        relative = PurePosixPath(name).relative_to(MEDIA)
        if relative.is_absolute() or ".." in relative.parts:
            raise CommandError(f"archive member {name!r} points outside MEDIA_ROOT")
        members.append((name, relative))
    return members


def restore_backup(path, force=False):
    """Load the archive at ``path``. Refuses a database with data in it unless ``force``
    (then everything in it is replaced). Returns the manifest."""
    path = Path(path)
    if not zipfile.is_zipfile(path):
        raise CommandError(f"{path} is not a backup archive (zip) made by `manage.py backup`")
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if not {MANIFEST, DATA} <= names:
            raise CommandError(f"{path} is not a backup archive: {MANIFEST} or {DATA} is missing")
        manifest = json.loads(archive.read(MANIFEST))
        if manifest.get("format") != FORMAT:
            raise CommandError(f"unknown backup format {manifest.get('format')!r}")
        occupied = occupied_models()
        if occupied and not force:
            raise CommandError(
                "the database is not empty (rows in "
                + ", ".join(occupied[:5])
                + (" …" if len(occupied) > 5 else "")
                + "); restore into a freshly migrated database, or pass --force to replace everything"
            )
        media = _media_members(archive)
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / DATA
            with archive.open(DATA) as source, open(data, "wb") as target:
                shutil.copyfileobj(source, target)
            with transaction.atomic():
                # empty every table (the migrations' groups too: the archive has them with
                # their ids); flush recreates content types and permissions
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(data), verbosity=0)
                counts = row_counts()
                if counts != manifest["counts"]:
                    differ = sorted(
                        label
                        for label in set(counts) | set(manifest["counts"])
                        if counts.get(label, 0) != manifest["counts"].get(label, 0)
                    )
                    raise CommandError("restored row counts differ from the backup's: " + ", ".join(differ))
        media_root = Path(settings.MEDIA_ROOT)
        for name, relative in media:
            target = media_root.joinpath(*relative.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(name) as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    return manifest
