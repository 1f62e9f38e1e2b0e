"""Scores stored before year-end versions existed are not lost: the migration makes each
year's rows its published version 1.

The migrations run inside the test's transaction (both databases roll DDL back), so the
rollback at the end of the test leaves the schema at the latest migration again: no
migrating forward afterwards, no flush."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

BEFORE = [("accountability", "0011_contract_constraint_messages")]
AFTER = [("accountability", "0014_yearend_run_required_and_permissions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(scope="module", autouse=True)
def foreign_keys_off_outside_the_transaction(django_db_setup, django_db_blocker):
    """SQLite's schema editor needs foreign key checks off, and SQLite turns them off only
    outside a transaction: before the test's transaction begins (the check of the rows that
    Django's test case runs before its rollback still applies)."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            assert connection.disable_constraint_checking()
        applied = set(MigrationRecorder(connection).applied_migrations())
        yield
        connection.enable_constraint_checking()
        # the rollback took the migrations back: the recorder lists what it listed before
        assert set(MigrationRecorder(connection).applied_migrations()) == applied


@pytest.fixture
def constraints_checked_at_once(db):
    """PostgreSQL refuses to alter a table with deferred foreign key checks pending (rows
    written by the test or a data migration in the same transaction): check them at once."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@pytest.mark.usefixtures("constraints_checked_at_once")
def test_existing_scores_become_the_published_version_1_of_their_year():
    old = migrate(BEFORE)
    Township = old.get_model("villages", "Township")
    Score = old.get_model("accountability", "YearEndScore")
    a = Township.objects.create(code="T-MA", name="甲镇", kind="town")
    b = Township.objects.create(code="T-MB", name="乙乡", kind="township")
    for year, township, total in [(2015, a, "81.5"), (2016, a, "90.1"), (2016, b, "72.0")]:
        Score.objects.create(
            year=year, township=township, work_score=Decimal(total), total=Decimal(total), rating="competent"
        )

    new = migrate(AFTER)
    Run = new.get_model("accountability", "YearEndRun")
    Score = new.get_model("accountability", "YearEndScore")
    runs = list(Run.objects.order_by("year").values_list("year", "number", "status"))
    assert runs == [(2015, 1, "published"), (2016, 1, "published")]
    assert all(r.published_at is not None for r in Run.objects.all())
    by_run = sorted(Score.objects.values_list("run__year", "year", "township__code", "total"))
    assert by_run == [
        (2015, 2015, "T-MA", Decimal("81.5")),
        (2016, 2016, "T-MA", Decimal("90.1")),
        (2016, 2016, "T-MB", Decimal("72.0")),
    ]
    assert not Score.objects.exclude(ratings_score=None).exists()  # parts were not stored then
    Group = new.get_model("auth", "Group")
    supervisor_perms = set(
        Group.objects.get(name="county_supervisor").permissions.values_list("codename", flat=True)
    )
    assert {"publish_yearendscore", "record_halfyearreview", "record_annualreport"} <= supervisor_perms
    admin_perms = set(Group.objects.get(name="admin").permissions.values_list("codename", flat=True))
    assert "publish_yearendscore" not in admin_perms  # admins manage data, not the league
