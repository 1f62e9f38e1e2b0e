"""Dates and years users enter lie in 2000–2100 (villages.dates): the forms, the models and
the period parsers refuse year 1 or 9999 with a Chinese message and write nothing, instead of
overflowing Python's dates (a 500) or storing a typing mistake."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountability import periods
from accountability.models import (
    AccountabilityAction,
    Evaluation,
    Finding,
    Inspection,
    ProgressReport,
    Task,
    WeekLock,
)
from tests.accountability.tasks_factories import freeze_today, make_task
from villages.dates import FIRST_YEAR, LAST_YEAR, validate_year

pytestmark = pytest.mark.django_db

MESSAGE = "年份应在 2000 至 2100 之间。"
FAR_DATES = ["0001-01-01", "1999-12-31", "2101-01-01", "9999-12-31"]


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, today):
    return freeze_today(monkeypatch, today)


def test_the_range_is_2000_to_2100():
    assert (FIRST_YEAR, LAST_YEAR) == (2000, 2100)
    validate_year(dt.date(2000, 1, 1))
    validate_year(dt.date(2100, 12, 31))
    validate_year(2016)
    validate_year(None)
    for wrong in (
        dt.date(1, 1, 1),
        dt.date(1999, 12, 31),
        dt.date(2101, 1, 1),
        dt.date(9999, 12, 31),
        0,
        10000,
    ):
        with pytest.raises(ValidationError):
            validate_year(wrong)


@pytest.mark.parametrize(
    ("period", "text"),
    [
        (periods.Week, "9999-W52"),
        (periods.Week, "0001-W01"),
        (periods.Week, "1999-W52"),
        (periods.Month, "9999-12"),
        (periods.Month, "0001-01"),
        (periods.Quarter, "9999-Q4"),
        (periods.Quarter, "0001-Q1"),
    ],
)
def test_periods_outside_the_range_do_not_parse(period, text):
    with pytest.raises(periods.PeriodError, match="年份应在"):
        period.parse(text)


@pytest.mark.parametrize(("period", "text"), [(periods.Week, "2000-W01"), (periods.Month, "2100-12")])
def test_periods_at_the_ends_of_the_range_parse(period, text):
    assert str(period.parse(text)) == text


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2101-W01"])
def test_a_weekly_report_for_a_far_week_is_refused(client, secretary_a, village_a, week):
    task = make_task(secretary_a, "T-A-001", village=village_a)
    client.force_login(secretary_a)

    response = client.post(
        reverse("accountability:task_detail", args=[task.pk]),
        {"week": week, "version": 0, "value": "10", "note": ""},
    )

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert ProgressReport.objects.count() == 0


@pytest.mark.parametrize("week", ["0001-W01", "1999-W52"])
def test_a_far_week_cannot_be_locked(client, supervisor, week):
    client.force_login(supervisor)

    response = client.post(reverse("accountability:week_lock"), {"week": week})

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert WeekLock.objects.count() == 0


def test_an_inspection_on_a_far_date_is_refused(client, supervisor, village_a):
    client.force_login(supervisor)
    data = {
        "kind": "unannounced",
        "held_on": "0001-01-01",
        "village": village_a.pk,
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-category": "funds_use",
        "findings-0-severity": "ok",
    }

    response = client.post(reverse("accountability:inspection_new"), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Inspection.objects.count() == 0


@pytest.mark.parametrize("rectify_by", ["9999-12-31", "2101-01-01"])
def test_a_finding_with_a_far_deadline_is_refused(client, supervisor, village_a, rectify_by):
    client.force_login(supervisor)
    data = {
        "kind": "unannounced",
        "held_on": "2016-06-01",
        "village": village_a.pk,
        "findings-TOTAL_FORMS": "1",
        "findings-INITIAL_FORMS": "0",
        "findings-0-category": "funds_use",
        "findings-0-severity": "minor",
        "findings-0-description": "台账不全",
        "findings-0-rectify_by": rectify_by,
    }

    response = client.post(reverse("accountability:inspection_new"), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert (Inspection.objects.count(), Finding.objects.count()) == (0, 0)


def test_an_action_on_a_far_date_is_refused(client, supervisor, resident_cadre):
    client.force_login(supervisor)
    data = {
        "kind": "warning_talk",
        "cadre": resident_cadre.cadre.pk,
        "rank": "ordinary",
        "decided_on": "0001-01-01",
        "reason": "任务推进滞后",
    }

    response = client.post(reverse("accountability:action_new"), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert AccountabilityAction.objects.count() == 0


@pytest.mark.parametrize("due_on", FAR_DATES)
def test_a_task_from_a_problem_with_a_far_deadline_is_refused(client, secretary_a, due_on):
    problem = secretary_a.cadre.township.problems.create(factor="industry", description="产业路未通")
    client.force_login(secretary_a)
    data = {"title": "修路", "owner": secretary_a.cadre.pk, "due_on": due_on, "target": "1", "unit": "条"}

    response = client.post(reverse("accountability:problem_to_task", args=[problem.pk]), data)

    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert Task.objects.count() == 0


@pytest.mark.parametrize("year", ["0", "-1", "1999", "10000", "2147483648", "9" * 30])
def test_the_action_list_refuses_a_far_year_with_a_message(client, supervisor, year):
    client.force_login(supervisor)

    response = client.get(reverse("accountability:action_list"), {"year": year})

    assert response.status_code == 200
    assert response.context["filter"].errors["year"]
    assert list(response.context["table"].page.object_list) == []


@pytest.mark.parametrize("year", ["0", "10000", "2147483648"])
def test_the_evaluation_list_refuses_a_far_year_with_a_message(client, supervisor, year):
    client.force_login(supervisor)

    response = client.get(reverse("accountability:evaluation_list"), {"year": year})

    assert response.status_code == 200
    assert response.context["filter"].errors["year"]


@pytest.mark.parametrize("year", ["10000", "2147483648", "0"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_rating_grid_refuses_a_far_year(client, secretary_a, village_a, method, year):
    client.force_login(secretary_a)
    query = {"cycle": "quarterly", "year": year, "period": "1"}

    response = getattr(client, method)(reverse("accountability:evaluation_new"), query)

    assert response.status_code == 400
    assert response.context["period_form"].errors["year"]
    assert Evaluation.objects.count() == 0


@pytest.mark.parametrize("year", [0, 1, 1999, 2101, 9999, 2147483648])
def test_the_year_end_page_of_a_far_year_is_not_found(client, supervisor, year):
    client.force_login(supervisor)

    assert client.get(f"/year-end/{year}/").status_code == 404
    assert client.post(f"/year-end/{year}/").status_code == 404


def test_the_models_refuse_far_dates(village_a, secretary_a):
    task = Task(
        code="T-X",
        title="x",
        factor="industry",
        township=village_a.township,
        owner=secretary_a.cadre,
        due_on=dt.date(9999, 12, 31),
        target=1,
    )
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert error.value.message_dict["due_on"] == [MESSAGE]
    with pytest.raises(ValidationError) as error:
        WeekLock(week=dt.date(1, 1, 1), locked_by=secretary_a).full_clean()
    assert error.value.message_dict["week"] == [MESSAGE]
