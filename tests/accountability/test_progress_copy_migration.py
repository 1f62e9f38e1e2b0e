"""The migration that adds each task's copy of its latest report (``Task.progress_*``) fills
it for the tasks and reports already there, as ``refresh_progress`` would.

As in test_year_end_migration.py, the migrations run inside the test's transaction (both
databases roll DDL back), so the rollback leaves the schema at the latest migration."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.accountability.test_year_end_migration import (  # noqa: F401 (fixtures)
    constraints_checked_at_once,
    foreign_keys_off_outside_the_transaction,
    migrate,
)

BEFORE = [("accountability", "0019_dashboard_list_indexes")]
AFTER = [("accountability", "0020_task_latest_progress_copy")]


@pytest.mark.usefixtures("constraints_checked_at_once")
def test_existing_tasks_get_the_copy_of_their_latest_report():
    old = migrate(BEFORE)
    Township = old.get_model("villages", "Township")
    Cadre = old.get_model("villages", "Cadre")
    User = old.get_model("auth", "User")
    Task = old.get_model("accountability", "Task")
    Report = old.get_model("accountability", "ProgressReport")
    township = Township.objects.create(code="T-PC", name="甲镇", kind="town")
    owner = Cadre.objects.create(code="C-PC", name="张三", role="township_secretary", township=township)
    user = User.objects.create(username="pc-reporter")
    tasks = {
        code: Task.objects.create(
            code=code,
            title=code,
            factor="industry",
            township=township,
            owner=owner,
            due_on=dt.date(2016, 9, 30),
            target=Decimal(200),
        )
        for code in ("reported", "silent")
    }
    for week, value in [(dt.date(2016, 3, 7), 20), (dt.date(2016, 4, 4), 90), (dt.date(2016, 3, 21), 50)]:
        Report.objects.create(
            task=tasks["reported"], week=week, value=Decimal(value), percent=Decimal(value) / 2, reporter=user
        )

    new = migrate(AFTER)
    Task = new.get_model("accountability", "Task")
    fields = ("code", "progress_week", "progress_percent", "progress_value")
    copies = {code: rest for code, *rest in Task.objects.values_list(*fields)}
    assert copies == {
        "reported": [dt.date(2016, 4, 4), Decimal("45.0"), Decimal("90.00")],
        "silent": [None, None, None],
    }
