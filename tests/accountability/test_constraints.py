"""Every named database constraint of the accountability app holds in the database itself:
a violating row raises IntegrityError, a valid row next to it is stored. Runs on SQLite and
PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from accountability.models import (
    AnnualReport,
    Contract,
    Evaluation,
    ExitSummary,
    Finding,
    HalfYearReview,
    Inspection,
    Problem,
    ProgressReport,
    ProgressSummary,
    Reminder,
    SummaryPeriod,
    SurveySummary,
    Task,
    WeekLock,
    WeeklySummary,
    YearEndRun,
    YearEndScore,
)
from villages.models import Cadre, Household, LivelihoodItem, SurveyRound

MONDAY = dt.date(2016, 6, 6)
DAY = dt.date(2016, 6, 8)

TESTED = set()


def covers(*names):
    TESTED.update(names)
    return lambda func: func


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def assert_stored(create):
    with transaction.atomic():
        obj = create()
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.fixture
def cadre(village_a):
    return Cadre.objects.create(
        code="C-R",
        name="驻村干部",
        role="resident_cadre",
        township=village_a.township,
        village=village_a,
        team_slot="graduate",
    )


@pytest.fixture
def secretary(township_a):
    return Cadre.objects.create(code="C-S", name="书记", role="township_secretary", township=township_a)


@pytest.fixture
def household(village_a):
    return Household.objects.create(
        code="H1",
        village=village_a,
        head="张三",
        size=3,
        assistance="industry",
        registered_on=dt.date(2015, 1, 1),
    )


def task(township, owner, code="K1", **fields):
    values = {"title": "修路", "factor": "project", "due_on": DAY, "target": Decimal("10"), **fields}
    return Task.objects.create(code=code, township=township, owner=owner, **values)


# ---- contracts (军令状) ------------------------------------------------------------------------


def contract(township, signer, party="township_committee", village=None, year=2016):
    return Contract.objects.create(
        party=party, year=year, township=township, village=village, signed_by=signer, signed_on=DAY
    )


@covers("contract_village_matches_party")
def test_township_contract_has_no_village_and_village_contracts_have_one(village_a, secretary):
    township = village_a.township
    assert_rejected(lambda: contract(township, secretary, "township_committee", village_a))
    assert_rejected(lambda: contract(township, secretary, "village_branch", None))
    assert_rejected(lambda: contract(township, secretary, "work_team", None))
    assert_stored(lambda: contract(township, secretary, "township_committee"))
    assert_stored(lambda: contract(township, secretary, "work_team", village_a))


@covers("contract_one_per_township_year")
def test_township_committee_signs_one_contract_a_year(township_a, secretary):
    contract(township_a, secretary)
    assert_rejected(lambda: contract(township_a, secretary))
    assert_stored(lambda: contract(township_a, secretary, year=2017))


@covers("contract_one_per_village_party_year")
def test_village_party_signs_one_contract_a_year(village_a, secretary):
    township = village_a.township
    contract(township, secretary, "village_branch", village_a)
    assert_rejected(lambda: contract(township, secretary, "village_branch", village_a))
    assert_stored(lambda: contract(township, secretary, "work_team", village_a))
    assert_stored(lambda: contract(township, secretary, "village_branch", village_a, year=2017))


# ---- problems and tasks ------------------------------------------------------------------------


@covers("problem_closed_not_before_raised")
def test_problem_is_not_closed_before_it_was_raised(township_a):
    def problem(closed_on):
        return Problem.objects.create(
            township=township_a, factor="policy", description="未落实", raised_on=DAY, closed_on=closed_on
        )

    assert_rejected(lambda: problem(DAY - dt.timedelta(days=1)))
    assert_stored(lambda: problem(DAY))


@covers("problem_household_needs_village")
def test_problem_of_a_household_names_its_village(village_a, household):
    township = village_a.township
    assert_rejected(
        lambda: Problem.objects.create(
            township=township, household=household, factor="policy", description="甲"
        )
    )
    assert_stored(
        lambda: Problem.objects.create(
            township=township, village=village_a, household=household, factor="policy", description="乙"
        )
    )


@covers("task_target_positive")
@pytest.mark.parametrize("target", [Decimal("0"), Decimal("-1")])
def test_task_target_is_positive(township_a, cadre, target):
    assert_rejected(lambda: task(township_a, cadre, "K1", target=target))
    assert_stored(lambda: task(township_a, cadre, "K2", target=Decimal("0.01")))


@covers("task_household_needs_village")
def test_task_for_a_household_names_its_village(village_a, cadre, household):
    township = village_a.township
    assert_rejected(lambda: task(township, cadre, "K1", household=household))
    assert_stored(lambda: task(township, cadre, "K2", village=village_a, household=household))


@covers("task_due_not_before_start")
def test_task_deadline_is_not_before_its_start(township_a, cadre):
    assert_rejected(lambda: task(township_a, cadre, "K1", starts_on=DAY + dt.timedelta(days=1)))
    assert_stored(lambda: task(township_a, cadre, "K2", starts_on=DAY))


@covers("task_closure_has_date")
def test_task_closure_and_its_date_go_together(township_a, cadre):
    assert_rejected(lambda: task(township_a, cadre, "K1", closure="unfinished"))
    assert_rejected(lambda: task(township_a, cadre, "K2", closed_on=DAY))
    assert_stored(lambda: task(township_a, cadre, "K3", closure="carried_over", closed_on=DAY))


@covers("task_closed_not_before_start")
def test_task_is_not_closed_before_its_start(township_a, cadre):
    late = {"closure": "unfinished", "starts_on": DAY}
    assert_rejected(lambda: task(township_a, cadre, "K1", closed_on=DAY - dt.timedelta(days=1), **late))
    assert_stored(lambda: task(township_a, cadre, "K2", closed_on=DAY, **late))


# ---- weekly progress ---------------------------------------------------------------------------


@pytest.fixture
def a_task(township_a, cadre):
    return task(township_a, cadre)


def report(a_task, user, week=MONDAY, **fields):
    values = {"value": Decimal("5"), "percent": Decimal("50"), **fields}
    return ProgressReport.objects.create(task=a_task, week=week, reporter=user, **values)


@covers("progress_one_per_task_week")
def test_one_progress_report_per_task_per_week(a_task, secretary_a):
    report(a_task, secretary_a)
    assert_rejected(lambda: report(a_task, secretary_a))
    assert_stored(lambda: report(a_task, secretary_a, week=MONDAY + dt.timedelta(weeks=1)))


@covers("progress_percent_0_100")
@pytest.mark.parametrize("percent", [Decimal("-0.1"), Decimal("100.1")])
def test_progress_percent_is_between_0_and_100(a_task, secretary_a, percent):
    assert_rejected(lambda: report(a_task, secretary_a, percent=percent))
    assert_stored(lambda: report(a_task, secretary_a, percent=Decimal("100")))


@covers("progress_value_not_negative")
def test_progress_value_is_not_negative(a_task, secretary_a):
    assert_rejected(lambda: report(a_task, secretary_a, value=Decimal("-1")))
    assert_stored(lambda: report(a_task, secretary_a, value=Decimal("0")))


@covers("progress_version_positive")
def test_progress_version_starts_at_one(a_task, secretary_a):
    assert_rejected(lambda: report(a_task, secretary_a, version=0))
    assert_stored(lambda: report(a_task, secretary_a, version=1))


def test_a_week_is_locked_once(secretary_a):
    WeekLock.objects.create(week=MONDAY, locked_by=secretary_a)
    assert_rejected(lambda: WeekLock.objects.create(week=MONDAY, locked_by=secretary_a))


def test_task_code_is_unique(township_a, cadre):
    task(township_a, cadre, "K1")
    assert_rejected(lambda: task(township_a, cadre, "K1"))


# ---- evaluations (业绩下评) ------------------------------------------------------------------


def evaluation(village, evaluator, cadre=None, level="village_cadre", cycle="quarterly", period=1, **fields):
    values = {"year": 2016, "score": Decimal("90"), "grade": "excellent", "evaluated_on": DAY, **fields}
    return Evaluation.objects.create(
        level=level, cycle=cycle, period=period, village=village, evaluator=evaluator, cadre=cadre, **values
    )


@covers("evaluation_score_0_100")
@pytest.mark.parametrize("score", [Decimal("-1"), Decimal("100.1")])
def test_evaluation_score_is_between_0_and_100(village_a, secretary, cadre, score):
    assert_rejected(lambda: evaluation(village_a, secretary, cadre, score=score))
    assert_stored(lambda: evaluation(village_a, secretary, cadre, score=Decimal("100")))


@covers("evaluation_subject_matches_level")
def test_township_rates_villages_and_villages_rate_cadres(village_a, secretary, cadre):
    assert_rejected(lambda: evaluation(village_a, secretary, cadre, level="township_village"))
    assert_rejected(lambda: evaluation(village_a, secretary, None, level="village_cadre"))
    assert_stored(lambda: evaluation(village_a, secretary, None, level="township_village"))
    assert_stored(lambda: evaluation(village_a, secretary, cadre, level="village_cadre"))


@covers("evaluation_period_matches_cycle")
@pytest.mark.parametrize(
    ("cycle", "bad", "good"),
    [("quarterly", 5, 4), ("quarterly", 0, 1), ("half_year", 3, 2), ("annual", 2, 1)],
)
def test_evaluation_period_fits_its_cycle(village_a, secretary, cadre, cycle, bad, good):
    assert_rejected(lambda: evaluation(village_a, secretary, cadre, cycle=cycle, period=bad))
    assert_stored(lambda: evaluation(village_a, secretary, cadre, cycle=cycle, period=good))


@covers("evaluation_one_per_village_period")
def test_township_rates_a_village_once_per_period(village_a, secretary):
    evaluation(village_a, secretary, None, level="township_village")
    assert_rejected(lambda: evaluation(village_a, secretary, None, level="township_village"))
    assert_stored(lambda: evaluation(village_a, secretary, None, level="township_village", period=2))


@covers("evaluation_one_per_cadre_period")
def test_village_rates_a_cadre_once_per_period(village_a, secretary, cadre):
    evaluation(village_a, secretary, cadre)
    assert_rejected(lambda: evaluation(village_a, secretary, cadre))
    assert_stored(lambda: evaluation(village_a, secretary, cadre, cycle="half_year"))


# ---- inspections (督查) ----------------------------------------------------------------------


@covers("inspection_spot_level_iff_spot_check")
def test_spot_checks_and_only_spot_checks_have_a_level(township_a):
    def inspection(kind, spot_level):
        return Inspection.objects.create(kind=kind, spot_level=spot_level, held_on=DAY, township=township_a)

    assert_rejected(lambda: inspection("spot_check", ""))
    assert_rejected(lambda: inspection("must_check", "unit_heads"))
    assert_stored(lambda: inspection("spot_check", "unit_heads"))
    assert_stored(lambda: inspection("unannounced", ""))


@covers("finding_one_per_category")
def test_inspection_has_one_finding_per_category(township_a):
    inspection = Inspection.objects.create(kind="must_check", held_on=DAY, township=township_a)
    Finding.objects.create(inspection=inspection, category="funds_use", severity="ok")
    assert_rejected(
        lambda: Finding.objects.create(inspection=inspection, category="funds_use", severity="minor")
    )
    assert_stored(
        lambda: Finding.objects.create(inspection=inspection, category="cadres_on_post", severity="minor")
    )


# ---- year-end scores (年终考评) ---------------------------------------------------------------


def draft(year=2016, number=None, status="draft", **fields):
    number = number or (YearEndRun.objects.filter(year=year).count() + 1)
    published_at = timezone.now() if status == "published" else None
    return YearEndRun.objects.create(
        year=year,
        number=number,
        status=status,
        computed_at=timezone.now(),
        published_at=published_at,
        **fields,
    )


def score(township=None, cadre=None, year=2016, run=None, **fields):
    values = {
        "work_score": Decimal("90"),
        "satisfaction_score": Decimal("80"),
        "total": Decimal("88.8"),
        "rating": "excellent",
        **fields,
    }
    run = run or YearEndRun.objects.filter(year=year, status="draft").first() or draft(year)
    return YearEndScore.objects.create(run=run, year=year, township=township, cadre=cadre, **values)


@covers("yearend_one_subject")
def test_year_end_score_is_for_a_township_or_a_cadre(township_a, cadre):
    assert_rejected(lambda: score())
    assert_rejected(lambda: score(township_a, cadre))
    assert_stored(lambda: score(township=township_a))
    assert_stored(lambda: score(cadre=cadre))


@covers("yearend_scores_0_100")
@pytest.mark.parametrize(
    "bad",
    [
        {"work_score": Decimal("100.1")},
        {"work_score": Decimal("-1")},
        {"satisfaction_score": Decimal("101")},
        {"satisfaction_score": Decimal("-0.1")},
    ],
)
def test_year_end_part_scores_are_between_0_and_100(township_a, bad):
    assert_rejected(lambda: score(township_a, **bad))
    assert_stored(lambda: score(township_a, work_score=Decimal("100"), satisfaction_score=Decimal("0")))


@covers("yearend_parts_0_100")
@pytest.mark.parametrize(
    "bad",
    [
        {"ratings_score": Decimal("100.1")},
        {"tasks_score": Decimal("-1")},
        {"exits_score": Decimal("101")},
    ],
)
def test_year_end_work_parts_are_between_0_and_100_or_empty(township_a, bad):
    assert_rejected(lambda: score(township_a, **bad))
    assert_stored(
        lambda: score(township_a, ratings_score=Decimal("100"), tasks_score=Decimal("0"), exits_score=None)
    )


@covers("yearend_veto_means_unqualified")
def test_one_vote_veto_makes_the_rating_unqualified(cadre):
    assert_rejected(lambda: score(cadre=cadre, vetoed=True, rating="excellent"))
    assert_stored(lambda: score(cadre=cadre, vetoed=True, rating="unqualified"))


@covers("yearend_one_per_township_run")
def test_township_has_one_year_end_score_a_version(township_a):
    score(township=township_a)
    assert_rejected(lambda: score(township=township_a))
    assert_stored(lambda: score(township=township_a, year=2017))


@covers("yearend_one_per_cadre_run")
def test_cadre_has_one_year_end_score_a_version(cadre):
    score(cadre=cadre)
    assert_rejected(lambda: score(cadre=cadre))
    assert_stored(lambda: score(cadre=cadre, year=2017))


@covers("yearend_run_number_per_year")
@pytest.mark.django_db
def test_a_version_number_is_used_once_a_year():
    draft(number=1, status="superseded")
    assert_rejected(lambda: draft(number=1))
    assert_stored(lambda: draft(number=2))
    assert_stored(lambda: draft(year=2015, number=1))


@covers("yearend_run_one_published_per_year", "yearend_run_one_draft_per_year")
@pytest.mark.django_db
def test_a_year_has_one_published_version_and_one_draft():
    draft(number=1, status="published")
    assert_rejected(lambda: draft(number=2, status="published"))
    draft(number=2)
    assert_rejected(lambda: draft(number=3))
    assert_stored(lambda: draft(number=3, status="superseded"))


@covers("yearend_run_published_has_date")
@pytest.mark.django_db
def test_a_published_version_has_its_date_and_a_draft_none():
    assert_rejected(
        lambda: YearEndRun.objects.create(year=2016, number=1, status="published", computed_at=timezone.now())
    )
    assert_rejected(
        lambda: YearEndRun.objects.create(
            year=2016, number=1, status="draft", computed_at=timezone.now(), published_at=timezone.now()
        )
    )
    assert_stored(lambda: draft(number=1, status="published"))


# ---- half-year reviews and annual reports (半年研判, 全年述职) --------------------------


def review(township, half=1, year=2016):
    return HalfYearReview.objects.create(
        year=year,
        half=half,
        township=township,
        held_on=dt.date(year, 7, 15),
        verdict="on_track",
        conclusions="正常",
    )


@covers("halfyear_one_per_township_half")
def test_a_township_has_one_review_a_half_year(township_a):
    review(township_a)
    assert_rejected(lambda: review(township_a))
    assert_stored(lambda: review(township_a, half=2))


@covers("halfyear_half_1_or_2")
def test_a_half_year_is_1_or_2(township_a):
    assert_rejected(lambda: review(township_a, half=3))


@covers("annualreport_one_per_cadre_year")
def test_a_cadre_reports_once_a_year(cadre):
    def report(year=2016):
        return AnnualReport.objects.create(
            year=year, cadre=cadre, delivered_on=dt.date(year, 12, 28), summary="述职", result="good"
        )

    report()
    assert_rejected(report)
    assert_stored(lambda: report(2015))


# ---- summary tables ------------------------------------------------------------------


@covers("summaryperiod_unique")
def test_a_summary_period_is_marked_once(db):
    SummaryPeriod.objects.create(kind="week", key="2016-06-06")
    assert_rejected(lambda: SummaryPeriod.objects.create(kind="week", key="2016-06-06"))
    assert_stored(lambda: SummaryPeriod.objects.create(kind="month", key="2016-06-06"))


def weekly(township, week=MONDAY, **fields):
    values = {
        "active": 5,
        "due": 1,
        "reported": 3,
        "overdue": 2,
        "percent_sum": Decimal("250.0"),
        "reports": 3,
        "report_percent_sum": Decimal("150.0"),
        **fields,
    }
    return WeeklySummary.objects.create(week=week, township=township, **values)


@covers("weeklysummary_unique")
def test_weekly_summary_has_one_row_per_township_and_week(township_a):
    weekly(township_a)
    assert_rejected(lambda: weekly(township_a))
    assert_stored(lambda: weekly(township_a, week=MONDAY + dt.timedelta(weeks=1)))


@covers("weeklysummary_counts_within_active")
@pytest.mark.parametrize("field", ["reported", "due", "overdue"])
def test_weekly_summary_counts_are_within_the_active_tasks(township_a, field):
    assert_rejected(lambda: weekly(township_a, **{field: 6}))
    assert_stored(lambda: weekly(township_a, **{field: 5}))


@covers("progresssummary_unique")
def test_progress_summary_has_one_row_per_township_and_quarter(township_a):
    def progress(quarter):
        return ProgressSummary.objects.create(
            quarter=quarter, township=township_a, tasks=2, percent_sum=Decimal("150.0")
        )

    progress(dt.date(2016, 4, 1))
    assert_rejected(lambda: progress(dt.date(2016, 4, 1)))
    assert_stored(lambda: progress(dt.date(2016, 7, 1)))


@covers("exitsummary_unique", "exitsummary_people_ge_households")
def test_exit_summary_is_one_row_per_township_and_month_with_people_per_household(township_a):
    month = dt.date(2016, 6, 1)
    ExitSummary.objects.create(month=month, township=township_a, households=3, people=9)
    assert_rejected(
        lambda: ExitSummary.objects.create(month=month, township=township_a, households=1, people=1)
    )
    assert_rejected(
        lambda: ExitSummary.objects.create(
            month=dt.date(2016, 7, 1), township=township_a, households=3, people=2
        )
    )
    assert_stored(
        lambda: ExitSummary.objects.create(
            month=dt.date(2016, 7, 1), township=township_a, households=3, people=3
        )
    )


@covers("surveysummary_unique", "surveysummary_content_le_answers")
def test_survey_summary_is_one_row_per_round_township_and_item(township_a):
    round_ = SurveyRound.objects.create(year=2016, number=1, held_on=DAY)
    item = LivelihoodItem.objects.create(code="L1", name="住房", category="住房", order=1)

    def row(answers=4, content=3, **fields):
        values = {"round": round_, "township": township_a, "item": item, **fields}
        return SurveySummary.objects.create(answers=answers, content=content, level_sum=10, **values)

    row()
    assert_rejected(row)
    other = LivelihoodItem.objects.create(code="L2", name="教育", category="教育", order=2)
    assert_rejected(lambda: row(item=other, answers=2, content=3))
    assert_stored(lambda: row(item=other, answers=3, content=3))


def test_every_named_constraint_has_a_test():
    from django.apps import apps

    names = {
        c.name
        for model in apps.get_app_config("accountability").get_models()
        for c in model._meta.constraints
        if isinstance(c, (models.CheckConstraint, models.UniqueConstraint))
    }

    assert names - TESTED == set(), "add a test for these constraints"
    assert TESTED - names == set(), "these constraints no longer exist"


# ---- reminders (催报) -----------------------------------------------------------------


def reminder(**fields):
    values = {
        "kind": "unreported",
        "channel": "email",
        "week": MONDAY,
        "content": "【催报】",
        "status": "sent",
        "sent_at": timezone.now(),
        "tried_at": timezone.now(),
        **fields,
    }
    return lambda: Reminder.objects.create(**values)


@covers("reminder_has_recipient")
def test_a_reminder_goes_to_a_user_or_a_township(secretary_a, township_a):
    assert_rejected(reminder())
    assert_stored(reminder(user=secretary_a))
    assert_stored(reminder(township=township_a, channel="webhook", kind="digest"))


@covers("reminder_sent_at_iff_sent")
def test_a_reminder_has_a_sending_time_exactly_when_it_was_sent(secretary_a):
    assert_rejected(reminder(user=secretary_a, sent_at=None))
    assert_rejected(reminder(user=secretary_a, kind="overdue", status="failed"))
    assert_stored(reminder(user=secretary_a, kind="overdue", status="failed", sent_at=None))


@covers("reminder_requested_only_manual")
def test_only_a_manual_reminder_names_who_asked_for_it(secretary_a, supervisor):
    assert_rejected(reminder(user=secretary_a, requested_by=supervisor))
    assert_stored(reminder(user=secretary_a, kind="manual", requested_by=supervisor))


@covers("reminder_attempts_positive")
def test_a_reminder_was_tried_at_least_once(secretary_a):
    assert_rejected(reminder(user=secretary_a, attempts=0))
    assert_stored(reminder(user=secretary_a, attempts=1))


@covers("reminder_once_per_user_kind_week_channel")
def test_one_reminder_per_user_kind_week_and_channel(secretary_a, supervisor):
    assert_stored(reminder(user=secretary_a))
    assert_rejected(reminder(user=secretary_a))
    assert_stored(reminder(user=secretary_a, channel="webhook"))
    assert_stored(reminder(user=secretary_a, week=MONDAY + dt.timedelta(days=7)))
    # manual reminders are limited by the hour, not by the week
    assert_stored(reminder(user=secretary_a, kind="manual", requested_by=supervisor))
    assert_stored(reminder(user=secretary_a, kind="manual", requested_by=supervisor))


@covers("reminder_once_per_township_kind_week_channel")
def test_one_digest_per_township_week_and_channel(township_a):
    assert_stored(reminder(township=township_a, kind="digest", channel="webhook"))
    assert_rejected(reminder(township=township_a, kind="digest", channel="webhook"))
    assert_stored(
        reminder(township=township_a, kind="digest", channel="webhook", week=MONDAY + dt.timedelta(days=7))
    )
