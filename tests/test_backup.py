"""`manage.py backup` and `manage.py restore` (issue 14): a backup restored into an emptied
database and MEDIA_ROOT gives the same rows of every model and the same file bytes; a
database with data is refused unless forced; a broken archive is refused and nothing is
written."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError

from accountability.dashboards import summaries
from accountability.models import Evidence, Problem, ProgressReport, Task
from chishui import backups
from tests.accountability.tasks_factories import JPEG, PDF, THIS_WEEK, make_report, make_task
from villages.models import Township

# restore empties tables (TRUNCATE on PostgreSQL), which a test's enclosing transaction with
# pending constraint checks would refuse: these tests commit for real
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def media(transactional_db, settings, tmp_path):
    # transactional_db by name: conftest puts the role groups back after each test's flush
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def site(secretary_a, secretary_b, village_a, supervisor, media):
    """A little of everything: tasks, a report with two evidence files (history included),
    a problem and the summary tables."""
    task = make_task(secretary_a, "T-A-001", village=village_a, target=200)
    make_task(secretary_b, "T-B-001")
    report = make_report(task, THIS_WEEK, "50", secretary_a, note="修了两条产业路")
    for name, content in (("photo.jpg", JPEG), ("minutes.pdf", PDF)):
        evidence = Evidence(report=report, name=name, size=len(content), uploaded_by=secretary_a)
        evidence.file.save(name, ContentFile(content), save=True)
    Problem.objects.create(
        township=village_a.township,
        village=village_a,
        factor="industry",
        description="甲一村缺少产业路",
        raised_by=secretary_a,
        raised_on=dt.date(2016, 6, 1),
    )
    summaries.rebuild()
    return task


def snapshot():
    """Every dumped model's rows as comparable values, and the media files' bytes."""
    rows = {}
    for model in backups._dumped_models():
        rows[backups._label(model)] = sorted(
            (tuple(sorted((k, str(v)) for k, v in row.items())) for row in model._default_manager.values()),
        )
    files = {
        path.relative_to(backups.settings.MEDIA_ROOT).as_posix(): path.read_bytes()
        for path in backups.media_files()
    }
    return rows, files


def test_backup_restored_into_an_emptied_database_gives_the_same_rows_and_files(site, media, tmp_path):
    before_counts = backups.row_counts()
    before_rows, before_files = snapshot()
    archive = tmp_path / "backup.zip"

    call_command("backup", str(archive))
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(media)
    assert not Task.objects.exists() and not User.objects.exists() and not media.exists()

    call_command("restore", str(archive))

    assert backups.row_counts() == before_counts
    assert snapshot() == (before_rows, before_files)
    assert len(before_files) == 2 and before_counts["accountability.progressreport"] == 1
    assert before_counts["accountability.weeklysummary"] > 0
    # the restored site works: a user logs in by his old password, files open by their path
    assert User.objects.get(username="secretary_a").check_password("test-password-123")
    evidence = Evidence.objects.get(name="photo.jpg")
    assert evidence.file.read() == JPEG


def test_restore_into_a_freshly_migrated_database_is_allowed(site, tmp_path):
    """A new database after `migrate` holds the role groups and permissions only."""
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive))
    before = backups.row_counts()
    call_command("flush", interactive=False, verbosity=0)
    Group.objects.create(name="乡镇党委书记")  # what the roles migration makes

    call_command("restore", str(archive))

    assert backups.row_counts() == before


def test_restore_refuses_a_database_with_data_and_changes_nothing(site, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive))
    Township.objects.create(code="T-C", name="丙镇", kind=Township.Kind.TOWN)
    before = snapshot()

    with pytest.raises(CommandError, match="the database is not empty"):
        call_command("restore", str(archive))

    assert snapshot() == before


def test_forced_restore_replaces_the_data(site, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive))
    expected = backups.row_counts()
    Township.objects.create(code="T-C", name="丙镇", kind=Township.Kind.TOWN)
    ProgressReport.objects.all().delete()

    call_command("restore", str(archive), force=True)

    assert backups.row_counts() == expected
    assert not Township.objects.filter(code="T-C").exists()


def test_backup_archive_holds_the_manifest_the_data_and_the_files(site, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive))

    with zipfile.ZipFile(archive) as zf:
        names = set(zf.namelist())
    assert {"manifest.json", "db.xml"} <= names
    assert len([n for n in names if n.startswith("media/")]) == 2
    assert not Path(str(archive) + ".partial").exists()


def test_not_an_archive_is_refused(db, tmp_path):
    bad = tmp_path / "notes.zip"
    bad.write_text("not a zip")

    with pytest.raises(CommandError, match="not a backup archive"):
        call_command("restore", str(bad))


def test_an_archive_without_the_database_is_refused(db, tmp_path):
    bad = tmp_path / "other.zip"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("readme.txt", "hello")

    with pytest.raises(CommandError, match="db.xml is missing"):
        call_command("restore", str(bad))


def test_an_archive_writing_outside_media_root_is_refused_before_anything_is_written(site, media, tmp_path):
    archive = tmp_path / "backup.zip"
    call_command("backup", str(archive))
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("media/../../escaped.txt", "x")
    call_command("flush", interactive=False, verbosity=0)

    with pytest.raises(CommandError, match="outside MEDIA_ROOT"):
        call_command("restore", str(archive))

    assert not Task.objects.exists()
    assert not (tmp_path / "escaped.txt").exists()
