"""Closing out a year's unfinished tasks (``Task.closure``, ``services.close_out_year``): from
the closing on a task is neither active nor overdue, the weeks before keep counting it, and
a refused close-out writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accountability.dashboards import measures, selectors, summaries
from accountability.models import Task
from accountability.periods import Week
from accountability.tasks import services
from accountability.tasks.selectors import tasks_for_list
from tests.accountability.tasks_factories import freeze_today, make_report, make_task

pytestmark = pytest.mark.django_db

COUNTY = selectors.Scope(None, None)
CLOSED_ON = dt.date(2017, 1, 6)


@pytest.fixture
def year_2016(secretary_a, monkeypatch):
    """Three tasks of 2016: one finished, one behind, one never reported; one of 2017."""
    freeze_today(monkeypatch, dt.date(2027, 3, 3))
    early = Week(2016, 20).start
    done = make_task(secretary_a, "done", due_on=dt.date(2016, 9, 1))
    make_report(done, early, 100, secretary_a)
    behind = make_task(secretary_a, "behind", due_on=dt.date(2016, 9, 1))
    make_report(behind, early, 40, secretary_a)
    silent = make_task(secretary_a, "silent", due_on=dt.date(2016, 11, 30))
    later = make_task(secretary_a, "later", due_on=dt.date(2017, 2, 1))
    return {"done": done, "behind": behind, "silent": silent, "later": later}


def closures():
    return dict(Task.objects.values_list("code", "closure"))


def test_close_out_closes_the_years_unfinished_tasks_only(year_2016, supervisor):
    assert services.close_out_year(2016, supervisor, CLOSED_ON) == 2
    assert closures() == {"done": "", "behind": "unfinished", "silent": "unfinished", "later": ""}
    assert set(Task.objects.exclude(closure="").values_list("closed_on", flat=True)) == {CLOSED_ON}
    # the closing is in the audit history, by the supervisor
    record = Task.history.filter(code="behind").latest("history_date")
    assert (record.closure, record.history_user) == ("unfinished", supervisor)
    # a second close-out finds nothing left to close
    assert services.close_out_year(2016, supervisor, CLOSED_ON) == 0


def test_a_closed_task_is_overdue_until_its_closing_and_not_after(year_2016, supervisor):
    services.close_out_year(2016, supervisor, CLOSED_ON)
    before, after = Week(2016, 52), Week(2017, 10)
    assert set(Task.objects.overdue(on=before.end).values_list("code", flat=True)) == {"behind", "silent"}
    assert set(Task.objects.overdue(on=after.end).values_list("code", flat=True)) == {"later"}
    assert not Task.objects.filter(measures.active_q(after), closure="unfinished").exists()
    assert Task.objects.filter(measures.active_q(before), closure="unfinished").count() == 2
    listed = {t.code: t.is_overdue for t in tasks_for_list(supervisor)}
    assert listed == {"done": False, "behind": False, "silent": False, "later": True}


def test_the_weekly_dashboard_and_its_table_stop_counting_closed_tasks(year_2016, supervisor):
    summaries.rebuild()
    services.close_out_year(2016, supervisor, CLOSED_ON)
    for week in (Week(2016, 52), Week(2017, 10)):
        stored = selectors.weekly_dashboard(COUNTY, week)
        assert stored == selectors.weekly_dashboard(COUNTY, week, use_summaries=False), week
    assert selectors.weekly_dashboard(COUNTY, Week(2016, 52))["summary"]["overdue"] == 2
    later = selectors.weekly_dashboard(COUNTY, Week(2017, 10))
    assert [row["code"] for row in later["overdue"]] == ["later"]
    assert later["summary"]["active"] == 1


@pytest.mark.parametrize(
    ("who", "closed_on", "error", "message"),
    [
        ("secretary_a", CLOSED_ON, PermissionDenied, "只有市督查人员可以为年度任务结项"),
        ("supervisor", dt.date(2016, 12, 31), ValidationError, "结项日期须在该年度结束之后"),
        ("supervisor", dt.date(2027, 3, 4), ValidationError, "结项日期不能晚于今天"),
    ],
)
def test_a_refused_close_out_writes_nothing(year_2016, request, who, closed_on, error, message):
    before = closures()
    history = Task.history.count()
    with pytest.raises(error, match=message):
        services.close_out_year(2016, request.getfixturevalue(who), closed_on)
    assert closures() == before
    assert Task.history.count() == history


def test_the_model_wants_a_closure_and_its_date_together(year_2016):
    task = year_2016["behind"]
    task.closure = Task.Closure.CARRIED_OVER
    with pytest.raises(ValidationError, match="结项的任务须填写结项日期"):
        task.full_clean()
    task.closure, task.closed_on = "", CLOSED_ON
    with pytest.raises(ValidationError, match="请选择结项方式"):
        task.full_clean()
    task.closure, task.closed_on = Task.Closure.CARRIED_OVER, dt.date(2015, 1, 1)
    task.starts_on = dt.date(2016, 3, 1)
    with pytest.raises(ValidationError, match="结项日期不能早于开始日期"):
        task.full_clean()
    # the database holds the same rule
    with pytest.raises(IntegrityError), transaction.atomic():
        Task.objects.filter(pk=task.pk).update(closure=Task.Closure.UNFINISHED)
