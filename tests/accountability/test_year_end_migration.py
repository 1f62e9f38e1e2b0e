"""Scores stored before year-end versions existed are not lost: the migration makes each
year's rows its published version 1."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accountability", "0011_contract_constraint_messages")]
AFTER = [("accountability", "0014_yearend_run_required_and_permissions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Leave the database migrated to the end again: the next tests on this worker need every
    later migration (a schema left at AFTER lacks their columns)."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
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
