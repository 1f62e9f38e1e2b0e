"""The numbers each dashboard shows, on hand-built data (weekly 2016-W23, monthly 2016-06,
quarterly 2016-Q2), read through ``&format=json`` (the same dict the page renders)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import cache

from accountability.models import (
    AccountabilityAction,
    Contract,
    Evaluation,
    Exposure,
    Finding,
    Inspection,
    ProgressReport,
    Rank,
    Task,
)
from accountability.periods import Week
from villages.models import (
    CollectiveProject,
    EconomicOrganization,
    Household,
    LivelihoodItem,
    PairingProject,
    SurveyAnswer,
    SurveyRound,
)

D = dt.date


def make_task(code, township, owner, due_on, village=None, starts_on=None):
    return Task.objects.create(
        code=code,
        title=f"任务{code}",
        factor="industry",
        township=township,
        village=village,
        owner=owner,
        due_on=due_on,
        starts_on=starts_on,
        target=Decimal(100),
    )


def report(task, week, percent, user):
    return ProgressReport.objects.create(
        task=task, week=Week.parse(week).start, value=percent, percent=percent, reporter=user
    )


@pytest.fixture
def weekly_data(township_a, township_b, village_a, secretary_a, secretary_b):
    owner_a, owner_b = secretary_a.cadre, secretary_b.cadre
    t1 = make_task("K1", township_a, owner_a, D(2016, 6, 30), village=village_a)
    t2 = make_task("K2", township_a, owner_a, D(2016, 6, 1))
    t3 = make_task("K3", township_a, owner_a, D(2016, 5, 1))
    make_task("K4", township_a, owner_a, D(2016, 9, 1), starts_on=D(2016, 7, 1))
    make_task("K5", township_a, owner_a, D(2016, 6, 10))
    t6 = make_task("K6", township_b, owner_b, D(2016, 12, 31))
    report(t1, "2016-W23", 50, secretary_a)
    report(t2, "2016-W22", 40, secretary_a)
    report(t3, "2016-W20", 100, secretary_a)
    report(t6, "2016-W23", 80, secretary_b)
    Exposure.objects.create(
        kind=Exposure.Kind.EXPOSED, aired_on=D(2016, 6, 8), township=township_a, task=t2, title="K2 滞后"
    )
    Exposure.objects.create(
        kind=Exposure.Kind.EXPOSED, aired_on=D(2016, 6, 20), township=township_a, task=t2, title="下周播出"
    )


@pytest.mark.django_db
def test_weekly_counts_active_reported_due_and_overdue_tasks(client, supervisor, weekly_data):
    client.force_login(supervisor)
    data = client.get("/dashboard/weekly/?week=2016-W23&format=json").json()
    assert data["summary"] == {
        "active": 4,
        "due": 1,
        "reported": 2,
        "not_reported": 2,
        "reported_share": 50.0,
        "average_percent": 42.5,
        "overdue": 2,
    }
    units = {u["code"]: u for u in data["units"]}
    assert units["T-A"]["active"] == 3 and units["T-A"]["reported"] == 1 and units["T-A"]["overdue"] == 2
    assert units["T-A"]["average_percent"] == 30.0
    assert units["T-B"] == {
        "code": "T-B",
        "name": "乙乡",
        "active": 1,
        "due": 0,
        "reported": 1,
        "not_reported": 0,
        "reported_share": 100.0,
        "average_percent": 80.0,
        "overdue": 0,
    }


@pytest.mark.django_db
def test_weekly_lists_who_has_not_reported_and_the_most_delayed(client, supervisor, weekly_data):
    client.force_login(supervisor)
    data = client.get("/dashboard/weekly/?week=2016-W23&format=json").json()
    assert [(t["code"], t["owner"]) for t in data["not_reported"]] == [
        ("K2", "secretary_a"),
        ("K5", "secretary_a"),
    ]
    assert [(t["code"], t["days_overdue"], t["latest_percent"]) for t in data["overdue"]] == [
        ("K2", 11, 40.0),
        ("K5", 2, 0.0),
    ]
    assert data["exposure"]["most_delayed"][0]["code"] == "K2"
    assert [a["title"] for a in data["exposure"]["aired"]] == ["K2 滞后"]


@pytest.mark.django_db
def test_weekly_trend_ends_with_this_week_and_counts_each_week(client, supervisor, weekly_data):
    client.force_login(supervisor)
    trend = client.get("/dashboard/weekly/?week=2016-W23&format=json").json()["trend"]
    assert len(trend) == 12 and trend[-1]["week"] == "2016-W23" and trend[0]["week"] == "2016-W12"
    assert (trend[-1]["active"], trend[-1]["reported"]) == (4, 2)
    assert trend[-1]["average_percent"] == 65.0  # reports filed that week: 50 and 80
    assert (trend[-2]["active"], trend[-2]["reported"], trend[-2]["average_percent"]) == (4, 1, 40.0)


@pytest.mark.django_db
def test_weekly_township_drilldown_groups_by_village(client, supervisor, weekly_data):
    client.force_login(supervisor)
    data = client.get("/dashboard/weekly/?week=2016-W23&township=T-A&format=json").json()
    units = {u["name"]: u for u in data["units"]}
    assert units["甲一村"]["active"] == 1 and units["甲一村"]["reported"] == 1
    assert units["乡镇本级"]["active"] == 2 and units["乡镇本级"]["reported"] == 0
    assert data["summary"]["active"] == 3


@pytest.mark.django_db
def test_weekly_defaults_to_latest_reported_week(client, supervisor, weekly_data):
    client.force_login(supervisor)
    assert client.get("/dashboard/weekly/?format=json").json()["period"] == "2016-W23"


@pytest.fixture
def monthly_data(township_a, township_b, village_a, village_b, secretary_a):
    def household(code, village, size, exited_on):
        return Household.objects.create(
            code=code,
            village=village,
            head="户主",
            size=size,
            assistance="industry",
            registered_on=D(2014, 1, 1),
            exited_on=exited_on,
        )

    household("H1", village_a, 3, D(2016, 6, 15))
    household("H2", village_a, 4, D(2016, 3, 2))
    household("H3", village_a, 2, None)
    household("H4", village_a, 5, D(2015, 12, 31))
    household("H5", village_b, 1, D(2016, 6, 1))
    village_a.exited_on = D(2016, 6, 20)
    village_a.save()
    township_a.exited_on = D(2016, 6, 30)
    township_a.save()
    Contract.objects.create(
        party=Contract.Party.TOWNSHIP_COMMITTEE,
        year=2016,
        township=township_a,
        signed_by=secretary_a.cadre,
        signed_on=D(2016, 1, 5),
        target_households=4,
        target_people=10,
        target_villages=1,
        township_exit=True,
    )
    company = EconomicOrganization.objects.create(name="赤天化", kind="private_enterprise")
    PairingProject.objects.create(
        enterprise=company, village=village_a, name="竹产业", funds=1000, started_on=D(2016, 6, 5)
    )
    PairingProject.objects.create(
        enterprise=company, village=village_a, name="养殖", funds=500, started_on=D(2016, 2, 1)
    )
    CollectiveProject.objects.create(
        code="C1", village=village_a, name="合作社", year=2016, fiscal_funds=2000, loan_subsidy=300
    )


@pytest.mark.django_db
def test_monthly_counts_exits_for_month_and_year_to_date(client, supervisor, monthly_data):
    client.force_login(supervisor)
    data = client.get("/dashboard/monthly/?month=2016-06&format=json").json()
    assert data["month"] == {
        "townships_exited": 1,
        "villages_exited": 1,
        "households_exited": 2,
        "people_exited": 4,
        "pairing_funds": 1000.0,
    }
    assert data["year_to_date"] == {
        "townships_exited": 1,
        "villages_exited": 1,
        "households_exited": 3,
        "people_exited": 8,
        "pairing_funds": 1500.0,
        "collective_funds": 2300.0,
    }
    assert data["targets"] == {
        "target_households": 4,
        "target_people": 10,
        "target_villages": 1,
        "target_townships": 1,
    }
    assert data["progress"]["households_pct"] == 75.0
    assert data["by_month"] == [
        {"month": "2016-03", "households_exited": 1, "people_exited": 4},
        {"month": "2016-06", "households_exited": 2, "people_exited": 4},
    ]


@pytest.mark.django_db
def test_monthly_compares_each_township_with_its_contract(client, supervisor, monthly_data):
    client.force_login(supervisor)
    units = {
        u["code"]: u for u in client.get("/dashboard/monthly/?month=2016-06&format=json").json()["units"]
    }
    a = units["T-A"]
    assert a["month"]["households_exited"] == 1 and a["month"]["people_exited"] == 3
    assert a["month"]["townships_exited"] == 1 and a["year_to_date"]["villages_exited"] == 1
    assert a["year_to_date"]["households_exited"] == 2 and a["year_to_date"]["people_exited"] == 7
    assert a["households_pct"] == 50.0 and a["people_pct"] == 70.0
    assert units["T-B"]["households_pct"] is None  # no contract, no target
    assert units["T-B"]["month"]["households_exited"] == 1


@pytest.mark.django_db
def test_monthly_earlier_month_excludes_later_exits(client, supervisor, monthly_data):
    client.force_login(supervisor)
    data = client.get("/dashboard/monthly/?month=2016-03&format=json").json()
    assert data["month"]["households_exited"] == 1
    assert data["year_to_date"]["households_exited"] == 1
    assert data["year_to_date"]["townships_exited"] == 0 and data["year_to_date"]["villages_exited"] == 0


@pytest.fixture
def quarterly_data(township_a, township_b, village_a, village_b, secretary_a, secretary_b, village_secretary):
    h1 = Household.objects.create(
        code="H1",
        village=village_a,
        head="甲",
        size=3,
        assistance="industry",
        registered_on=D(2014, 1, 1),
        exited_on=D(2016, 6, 15),
    )
    h2 = Household.objects.create(
        code="H2", village=village_a, head="乙", size=2, assistance="industry", registered_on=D(2014, 1, 1)
    )
    Contract.objects.create(
        party=Contract.Party.TOWNSHIP_COMMITTEE,
        year=2016,
        township=township_a,
        signed_by=secretary_a.cadre,
        signed_on=D(2016, 1, 5),
        target_households=2,
    )
    for village, evaluator, score, grade, period in [
        (village_a, secretary_a, 90, "excellent", 2),
        (village_b, secretary_b, 70, "qualified", 2),
        (village_a, secretary_a, 50, "unqualified", 1),
    ]:
        Evaluation.objects.create(
            level="township_village",
            cycle="quarterly",
            year=2016,
            period=period,
            evaluator=evaluator.cadre,
            village=village,
            score=score,
            grade=grade,
            evaluated_on=D(2016, 3 * period, 25),
        )
    spring = Inspection.objects.create(
        kind="must_check", held_on=D(2016, 5, 10), township=township_a, village=village_a
    )
    Finding.objects.create(inspection=spring, category="funds_use", severity="serious")
    Finding.objects.create(inspection=spring, category="task_progress", severity="minor")
    summer = Inspection.objects.create(kind="unannounced", held_on=D(2016, 7, 1), township=township_a)
    Finding.objects.create(inspection=summer, category="funds_use", severity="serious")
    AccountabilityAction.objects.create(
        kind="warning_talk",
        cadre=village_secretary.cadre,
        rank=Rank.ORDINARY,
        decided_on=D(2016, 6, 1),
        reason="滞后",
    )
    AccountabilityAction.objects.create(
        kind="criticism",
        cadre=village_secretary.cadre,
        rank=Rank.ORDINARY,
        decided_on=D(2016, 1, 5),
        reason="滞后",
    )
    housing = LivelihoodItem.objects.create(code="X1", name="住房", category="民生", order=101)
    water = LivelihoodItem.objects.create(code="X2", name="饮水", category="民生", order=102)
    spring_round = SurveyRound.objects.create(year=2016, number=1, held_on=D(2016, 4, 20))
    summer_round = SurveyRound.objects.create(year=2016, number=2, held_on=D(2016, 8, 20))
    for household, item, level in [(h1, housing, 3), (h1, water, 1), (h2, housing, 2), (h2, water, 1)]:
        SurveyAnswer.objects.create(round=spring_round, household=household, item=item, level=level)
    SurveyAnswer.objects.create(round=summer_round, household=h1, item=water, level=3)


@pytest.mark.django_db
def test_quarterly_evaluations_inspections_and_actions_of_the_quarter(client, supervisor, quarterly_data):
    client.force_login(supervisor)
    data = client.get("/dashboard/quarterly/?quarter=2016-Q2&format=json").json()
    assert data["summary"] == {
        "evaluations": 2,
        "inspections": 1,
        "findings": 2,
        "serious_findings": 1,
        "actions": 1,
        "survey_answers": 4,
    }
    units = {u["code"]: u for u in data["evaluations"]["units"]}
    assert units["T-A"]["average_score"] == 90.0 and units["T-A"]["grades"]["excellent"] == 1
    assert units["T-B"]["grades"]["qualified"] == 1
    categories = {c["category"]: c for c in data["findings"]["categories"]}
    assert categories["funds_use"]["serious"] == 1 and categories["task_progress"]["minor"] == 1
    assert categories["identification"] == {
        "category": "identification",
        "label": "精准识别情况",
        "ok": 0,
        "minor": 0,
        "serious": 0,
        "not_checked": 0,
    }
    kinds = {k["kind"]: k for k in data["actions"]["kinds"]}
    assert kinds["warning_talk"]["ordinary"] == 1 and kinds["criticism"]["ordinary"] == 0


@pytest.mark.django_db
def test_quarterly_satisfaction_heat_map_uses_the_rounds_of_the_quarter(client, supervisor, quarterly_data):
    client.force_login(supervisor)
    satisfaction = client.get("/dashboard/quarterly/?quarter=2016-Q2&format=json").json()["satisfaction"]
    assert [r["number"] for r in satisfaction["rounds"]] == [1]
    codes = [i["code"] for i in satisfaction["items"]]
    a = next(u for u in satisfaction["units"] if u["code"] == "T-A")
    assert a["items"][codes.index("X1")] == 100.0 and a["items"][codes.index("X2")] == 0.0
    assert a["satisfied_share"] == 50.0 and a["mean_level"] == 1.75
    q3 = client.get("/dashboard/quarterly/?quarter=2016-Q3&format=json").json()["satisfaction"]
    assert [r["number"] for r in q3["rounds"]] == [2]
    q4 = client.get("/dashboard/quarterly/?quarter=2016-Q4&format=json").json()["satisfaction"]
    assert [r["number"] for r in q4["rounds"]] == [2]  # none held in Q4: the latest before its end


@pytest.mark.django_db
def test_quarterly_league_table_follows_the_documented_formula(client, supervisor, quarterly_data):
    client.force_login(supervisor)
    league = client.get("/dashboard/quarterly/?quarter=2016-Q2&format=json").json()["league"]
    a = league[0]
    # progress 0 (no tasks), exits 1 of target 2 = 50, satisfaction 50, one action
    assert (a["code"], a["rank"], a["exit_rate"], a["satisfaction"], a["actions"]) == (
        "T-A",
        1,
        50.0,
        50.0,
        1,
    )
    assert a["score"] == round(0.4 * 0 + 0.3 * 50 + 0.3 * 50 - 2 * 1, 1)
    assert (league[1]["code"], league[1]["score"], league[1]["rank"]) == ("T-B", 0.0, 2)


@pytest.mark.django_db
def test_quarterly_defaults_to_the_latest_quarter_rated_not_the_day_it_was_saved(
    client, supervisor, quarterly_data
):
    client.force_login(supervisor)
    assert client.get("/dashboard/quarterly/?format=json").json()["period"] == "2016-Q3"  # July's inspection
    # the Q4 ratings of 2016, saved years later, make 2016-Q4 the latest quarter
    Evaluation.objects.filter(period=2).update(period=4, evaluated_on=D(2026, 11, 27))
    cache.clear()  # an update behind the app's back: the cached latest quarter is not told
    assert client.get("/dashboard/quarterly/?format=json").json()["period"] == "2016-Q4"
