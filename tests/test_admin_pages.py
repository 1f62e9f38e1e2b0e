"""The admin site: every model of both apps is registered and opens for an admin, at a query
count that does not grow with the data; every other role is kept out."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from accountability import models as acc
from tests.conftest import PASSWORD
from villages import headline
from villages import models as vil
from villages.satisfaction import tallies

APPS = ("villages", "accountability")
SUPERVISOR_ACTIONS = importlib.import_module(
    "villages.migrations.0003_admin_group_permissions"
).SUPERVISOR_ACTIONS
# Pinned query counts. A changelist: session, user, his groups' permissions, the rows (with
# their relations joined), the counts, each related list_filter's choices; it must be the same
# with 1 row and with 9. An add page: session, user, permissions, the small selects.
CHANGELIST_MAX_QUERIES = 10
ADD_PAGE_MAX_QUERIES = 7
# Written by the registry import, never by hand.
# derived or logged rows: nobody adds them by hand
# logs, summary tables and the computed year-end versions and scores (frozen once published)
# weekly reports and their evidence: filed on the task page only (FiledOnThePageAdmin)
READ_ONLY_MODELS = {
    vil.ImportLog,
    acc.ProgressReport,
    acc.Evidence,
    acc.Reminder,
    acc.SummaryPeriod,
    acc.WeeklySummary,
    acc.ExitSummary,
    acc.SurveySummary,
    acc.ProgressSummary,
    vil.HouseholdSurveyTally,
    vil.ItemSurveyTally,
    vil.VillageHouseholdTally,
    vil.UnitHouseholdTally,
    vil.PovertyLedger,
    acc.YearEndRun,
    acc.YearEndScore,
}

REGISTERED = sorted(
    (model for model in admin.site._registry if model._meta.app_label in APPS),
    key=lambda m: m._meta.label,
)
MODEL_IDS = [m._meta.label for m in REGISTERED]


def project_models():
    from django.apps import apps

    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]


def changelist_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def add_url(model):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")


def populate(rows, user):
    """One row of every model per number in ``rows``, linked the way real data is, so a changelist that reached
    across a relation row by row would show it in its query count."""
    day = dt.date(2016, 6, 6)
    for i in rows:
        township = vil.Township.objects.create(code=f"PT{i}", name=f"镇{i}", kind="town", poverty=True)
        village = vil.Village.objects.create(code=f"PV{i}", township=township, name=f"村{i}", poverty=True)
        unit = vil.Unit.objects.create(name=f"单位{i}")
        secretary = vil.Cadre.objects.create(
            code=f"PC{i}", name=f"书记{i}", role="township_secretary", township=township, unit=unit
        )
        cadre = vil.Cadre.objects.create(
            code=f"PR{i}",
            name=f"驻村{i}",
            role="resident_cadre",
            township=township,
            village=village,
            team_slot="graduate",
            unit=unit,
        )
        party = vil.PartyOrganization.objects.create(
            name=f"党委{i}", level="township_committee", township=township, secretary=secretary
        )
        enterprise = vil.EconomicOrganization.objects.create(
            name=f"企业{i}",
            kind="private_enterprise",
            township=township,
            village=village,
            coverage="single",
            party_organization=party,
        )
        vil.WorkTeam.objects.create(
            village=village, sent_by=unit, started_on=day, ends_on=day + dt.timedelta(days=730)
        )
        household = vil.Household.objects.create(
            code=f"PH{i}",
            village=village,
            head=f"户主{i}",
            size=3,
            assistance="industry",
            registered_on=day,
            unit=unit,
            cadre=cadre,
        )
        vil.PairingProject.objects.create(
            enterprise=enterprise,
            village=village,
            household=household,
            name=f"结对{i}",
            funds=Decimal("1000"),
            started_on=day,
        )
        project = vil.CollectiveProject.objects.create(
            code=f"PP{i}", village=village, name=f"集体{i}", year=2016
        )
        project.households.add(household)
        vil.VillageFinance.objects.create(
            village=village,
            year=2016,
            cadre_pay_monthly=Decimal("2764"),
            office_funds=Decimal("45000"),
            collective_accumulation=0,
        )
        item = vil.LivelihoodItem.objects.create(code=f"L{i}", name=f"住房{i}", category="住房", order=i + 1)
        survey = vil.SurveyRound.objects.create(year=2000 + i, number=1, held_on=day)
        vil.SurveyAnswer.objects.create(round=survey, household=household, item=item, level=3)
        tallies.refresh([survey.pk])
        tallies.households_written()
        headline.refresh_ledger()
        vil.OutreachEvent.objects.create(
            kind="night_school",
            title=f"夜校{i}",
            township=township,
            village=village,
            held_on=day,
            attendance=30,
        )
        vil.LivelihoodOutcome.objects.create(
            kind="rural_inn", village=village, household=household, started_on=day
        )
        vil.ImportLog.objects.create(user=user, files=[f"f{i}.xlsx"], counts={"townships": 1}, succeeded=True)
        vil.TownshipStatistics.objects.create(
            township=township, year=2016, rural_population=1000, income_per_head=Decimal("10500")
        )
        returner = vil.Household.objects.create(
            code=f"PX{i}", village=village, head=f"返贫{i}", size=2, assistance="security",
            registered_on=day, exited_on=day,
        )  # fmt: skip
        vil.PovertyReturn.objects.create(
            household=returner, returned_on=day + dt.timedelta(days=30), reason="因病", recorded_by=user
        )

        contract = acc.Contract.objects.create(
            party="township_committee", year=2016, township=township, signed_by=secretary, signed_on=day
        )
        problem = acc.Problem.objects.create(
            township=township,
            village=village,
            household=household,
            factor="industry",
            description=f"问题{i}",
            raised_by=user,
        )
        task = acc.Task.objects.create(
            code=f"PK{i}",
            title=f"任务{i}",
            factor="industry",
            township=township,
            village=village,
            household=household,
            contract=contract,
            problem=problem,
            owner=cadre,
            due_on=day,
            target=Decimal("10"),
        )
        week = day + dt.timedelta(weeks=i)
        acc.WeekLock.objects.create(week=week, locked_by=user)
        report = acc.ProgressReport.objects.create(
            task=task, week=week, value=Decimal("5"), percent=Decimal("50"), reporter=user
        )
        acc.Evidence.objects.create(
            report=report, file=f"evidence/{i}.pdf", name=f"{i}.pdf", size=10, uploaded_by=user
        )
        acc.Evaluation.objects.create(
            level="village_cadre",
            cycle="quarterly",
            year=2016,
            period=1,
            evaluator=secretary,
            village=village,
            cadre=cadre,
            score=90,
            grade="excellent",
            evaluated_on=day,
        )
        inspection = acc.Inspection.objects.create(
            kind="must_check",
            held_on=day,
            township=township,
            village=village,
            inspector=secretary,
            inspected_cadre=cadre,
            recorded_by=user,
        )
        acc.Finding.objects.create(inspection=inspection, category="task_progress", severity="minor")
        acc.AccountabilityAction.objects.create(
            kind="warning_talk",
            cadre=cadre,
            rank="ordinary",
            decided_on=day,
            reason="滞后",
            inspection=inspection,
            task=task,
            recorded_by=user,
        )
        day_time = dt.datetime(2016, 6, 8, tzinfo=dt.UTC)
        acc.Commendation.objects.create(kind="commended", cadre=cadre, decided_on=day, title="先进")
        run = acc.YearEndRun.objects.create(year=2010 + i, number=1, computed_at=day_time)
        acc.YearEndScore.objects.create(
            run=run,
            year=2010 + i,
            cadre=cadre,
            work_score=90,
            satisfaction_score=80,
            total=88.8,
            rating="excellent",
        )
        acc.HalfYearReview.objects.create(
            year=2016, half=1, township=township, held_on=day, verdict="on_track", conclusions="正常"
        )
        acc.AnnualReport.objects.create(
            year=2016, cadre=cadre, delivered_on=dt.date(2016, 12, 28), summary="述职", result="good"
        )
        acc.Exposure.objects.create(
            kind="exposed", aired_on=day, township=township, task=task, title=f"曝光{i}"
        )
        acc.SummaryPeriod.objects.create(kind="round", key=str(survey.pk))
        acc.WeeklySummary.objects.create(
            week=day,
            township=township,
            active=2,
            due=1,
            reported=1,
            overdue=0,
            percent_sum=Decimal("80"),
            reports=1,
            report_percent_sum=Decimal("50"),
        )
        acc.Reminder.objects.create(
            kind="digest",
            channel="webhook",
            week=day,
            township=township,
            content=f"催报{i}",
            status="failed",
            last_error="HTTP 500",
            tried_at=dt.datetime(2016, 6, 8, 9, tzinfo=dt.UTC),
        )
        acc.ExitSummary.objects.create(month=day.replace(day=1), township=township, households=1, people=3)
        acc.ProgressSummary.objects.create(
            quarter=dt.date(2016, 1 + 3 * (i % 4), 1), township=township, tasks=2, percent_sum=Decimal("80")
        )
        acc.SurveySummary.objects.create(
            round=survey, township=township, item=item, answers=1, content=1, level_sum=3
        )


@pytest.fixture
def admin_client_logged_in(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_model_of_both_apps_is_registered():
    missing = [m._meta.label for m in project_models() if m not in admin.site._registry]

    assert missing == []


def test_audited_models_show_their_history():
    audited = [m for m in project_models() if hasattr(m, "history")]

    assert audited, "no model keeps history"
    for model in audited:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model._meta.label


@pytest.mark.parametrize("model", REGISTERED, ids=MODEL_IDS)
def test_admin_opens_changelist_at_a_query_count_that_does_not_grow(
    admin_client_logged_in, admin_user, model
):
    client = admin_client_logged_in
    url = changelist_url(model)
    populate(range(1), admin_user)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1

    populate(range(1, 9), admin_user)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 8

    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]
    assert len(large) <= CHANGELIST_MAX_QUERIES


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED if m not in READ_ONLY_MODELS],
    ids=[m._meta.label for m in REGISTERED if m not in READ_ONLY_MODELS],
)
def test_admin_opens_add_page(admin_client_logged_in, django_assert_max_num_queries, model):
    with django_assert_max_num_queries(ADD_PAGE_MAX_QUERIES):
        response = admin_client_logged_in.get(add_url(model))

    assert response.status_code == 200


@pytest.mark.parametrize("model", sorted(READ_ONLY_MODELS, key=lambda m: m._meta.label))
def test_logs_summary_tables_and_year_end_scores_are_read_only_in_admin(admin_client_logged_in, model):
    assert admin_client_logged_in.get(add_url(model)).status_code == 403


@pytest.mark.parametrize(
    "model",
    [m for m in REGISTERED if hasattr(m, "history")],
    ids=[m._meta.label for m in REGISTERED if hasattr(m, "history")],
)
def test_admin_opens_history_of_audited_rows(admin_client_logged_in, admin_user, model):
    populate(range(1), admin_user)
    obj = model.objects.first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_history", args=[obj.pk])

    response = admin_client_logged_in.get(url)

    assert response.status_code == 200


def test_admin_adds_a_township_through_the_admin(admin_client_logged_in):
    response = admin_client_logged_in.post(
        add_url(vil.Township), {"code": "T-NEW", "name": "新镇", "kind": "town", "poverty": "on"}
    )

    assert response.status_code == 302
    assert vil.Township.objects.get(code="T-NEW").name == "新镇"


def test_admin_add_with_bad_input_shows_chinese_error_and_writes_nothing(admin_client_logged_in):
    response = admin_client_logged_in.post(
        add_url(vil.Household),
        {
            "code": "H-BAD",
            "head": "张三",
            "size": "0",
            "assistance": "industry",
            "registered_on": "2016-06-01",
        },
    )

    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()  # no village
    assert not vil.Household.objects.filter(code="H-BAD").exists()


NON_ADMINS = ["secretary_a", "village_secretary", "resident_cadre", "supervisor", "no_role_user"]


@pytest.mark.parametrize("user_fixture", NON_ADMINS)
def test_other_roles_are_sent_to_admin_login(client, db, request, user_fixture):
    client.login(username=request.getfixturevalue(user_fixture).get_username(), password=PASSWORD)

    for url in ["/admin/", changelist_url(acc.Task), add_url(vil.Township)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


@pytest.mark.parametrize("user_fixture", NON_ADMINS)
def test_other_roles_cannot_add_through_admin(client, db, request, user_fixture):
    client.login(username=request.getfixturevalue(user_fixture).get_username(), password=PASSWORD)

    response = client.post(add_url(vil.Township), {"code": "T-X", "name": "偷加镇", "kind": "town"})

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert not vil.Township.objects.filter(code="T-X").exists()


def test_anonymous_is_sent_to_admin_login(client, db):
    response = client.get(changelist_url(vil.Household))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_admin_group_holds_every_project_permission(admin_user):
    """Every permission but the page actions only county supervisors take (recording
    inspections and actions, locking a week, computing year-end scores)."""
    from django.contrib.auth.models import Permission

    expected = set(
        Permission.objects.filter(content_type__app_label__in=APPS)
        .exclude(codename__in=SUPERVISOR_ACTIONS)
        .values_list("codename", flat=True)
    )

    assert expected
    assert all(
        admin_user.has_perm(f"{p.content_type.app_label}.{p.codename}")
        for p in Permission.objects.filter(codename__in=expected).select_related("content_type")
    )
    assert admin_user.has_perm("auth.change_user") and admin_user.has_perm("auth.add_group")
    assert admin_user.has_perm("accountability.view_historicaltask")


def test_only_supervisors_hold_the_page_actions(admin_user, supervisor, secretary_a):
    for codename in SUPERVISOR_ACTIONS:
        assert supervisor.has_perm(f"accountability.{codename}")
        assert not admin_user.has_perm(f"accountability.{codename}")
        assert not secretary_a.has_perm(f"accountability.{codename}")
    assert secretary_a.has_perm("accountability.view_inspection")
    assert not secretary_a.has_perm("accountability.view_task")


def test_supervisor_may_only_view_accountability(supervisor):
    assert supervisor.has_perm("accountability.view_task")
    assert supervisor.has_perm("accountability.view_progressreport")
    assert not supervisor.has_perm("accountability.change_task")
    assert not supervisor.has_perm("villages.view_household")
    assert not supervisor.has_perm("auth.view_user")


def test_admin_site_links_back_to_the_site_and_names_the_apps(admin_client_logged_in):
    """The "查看站点" link must not be "/", which sends an admin straight back to the admin site;
    the app sections carry Chinese names, not the Python package names."""
    page = admin_client_logged_in.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("accountability:task_list")}"' in page
    assert ">三定责任管理</a>" in page and ">县域登记信息</a>" in page
    assert ">Accountability<" not in page and ">Villages<" not in page
