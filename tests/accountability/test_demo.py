"""``manage.py demo``: the demo county reproduces the 2016 figures of the case report.

The county is built once (about ten seconds) by the ``demo_county`` fixture of
tests/conftest.py, the way a first production run builds it (``--if-empty
--allow-demo-logins`` with DEBUG off, on the empty database), for this module and
tests/villages/test_organization_demo.py, and removed afterwards, so other test modules start
from an empty database. Every test reads that one build; only the test of a second run
builds again. Every figure is read back from the database with aggregates, never taken from
devdata/demo/. Under pytest-xdist both modules stay on one worker (``xdist_group("demo")``).
"""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db.models import Avg, Count, F, Max, Q, Sum
from django.test import override_settings

from accountability import periods
from accountability.models import (
    AccountabilityAction,
    AnnualReport,
    Commendation,
    Contract,
    Evaluation,
    Exposure,
    Finding,
    HalfYearReview,
    Inspection,
    ProgressReport,
    Rank,
    Task,
    WeekLock,
    YearEndRun,
    YearEndScore,
)
from accountability.oversight import scoring, selectors, services
from accountability.periods import Week
from chishui import cache
from devdata import demo
from devdata.demo import county
from tests.accountability.tasks_factories import assert_progress_copy_exact
from tests.conftest import DEMO_USERNAMES
from villages import roles
from villages.models import (
    Cadre,
    CollectiveProject,
    Household,
    LivelihoodItem,
    LivelihoodOutcome,
    OutreachEvent,
    PairingProject,
    SurveyAnswer,
    SurveyRound,
    Township,
    Village,
    VillageFinance,
    WorkTeam,
)

DEMO_PASSWORD = "chishui-demo"


def run_demo(*args):
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


# demo_county (tests/conftest.py): the command's output; the county is in the database
# (committed), built once for this module and tests/villages/test_organization_demo.py
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_county"), pytest.mark.xdist_group("demo")]


# ------------------------------------------------------------------ digest of the content

VOLATILE = {"locked_at", "created_at", "updated_at"}  # set by the database clock


def domain_models():
    for label in ("villages", "accountability"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if model.__name__.startswith("Historical") or model.__name__ == "ImportLog":
                continue
            yield model


def natural_rows():
    """Every row of the county, with primary keys replaced by the natural content of the
    rows they point to, so two builds compare equal whatever ids the database handed out."""
    keys = {User: dict(User.objects.values_list("pk", "username"))}
    content = {}
    pending = list(domain_models())
    while pending:
        progressed = False
        for model in list(pending):
            fields = [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in VOLATILE]
            if any(f.is_relation and f.related_model not in keys for f in fields):
                continue
            rows = {}
            for pk, *values in model.objects.values_list("pk", *[f.attname for f in fields]):
                rows[pk] = tuple(
                    keys[f.related_model][v] if f.is_relation and v is not None else v
                    for f, v in zip(fields, values, strict=True)
                )
            keys[model] = rows
            content[model._meta.label] = sorted(rows.values(), key=repr)
            pending.remove(model)
            progressed = True
        assert progressed, f"cyclic foreign keys among {pending}"
    return content


def table_counts():
    return {model._meta.label: model.objects.count() for model in domain_models()}


# ------------------------------------------------------------------ places and households


def test_seventeen_township_units_three_subdistricts_nine_towns_five_townships():
    kinds = dict(Township.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {"subdistrict": 3, "town": 9, "township": 5}
    assert Township.objects.filter(name="两河口乡", kind=Township.Kind.TOWNSHIP).exists()


def test_villages_and_communities_number_between_110_and_130():
    assert 110 <= Village.objects.count() <= 130
    assert Village.objects.filter(kind=Village.Kind.COMMUNITY).exists()
    # every township has villages
    assert not Township.objects.annotate(n=Count("villages")).filter(n=0).exists()


def test_two_poverty_townships_take_off_the_hat_in_2016():
    assert Township.objects.filter(poverty=True, exited_on__year=2016).count() == 2
    assert Township.objects.filter(poverty=True, exited_on__isnull=True).exists()


def test_sixteen_of_at_least_51_poverty_villages_exit_in_2016():
    assert Village.objects.filter(poverty=True).count() >= 51
    assert Village.objects.filter(poverty=True, exited_on__year=2016).count() == 16
    # a township that took off the hat has no poverty village left on the list
    hats_off = Township.objects.filter(exited_on__isnull=False)
    assert not Village.objects.filter(township__in=hats_off, poverty=True, exited_on__isnull=True).exists()


def test_households_leaving_poverty_in_2016_hold_31700_people():
    exited = Household.objects.filter(exited_on__year=2016).aggregate(people=Sum("size"))
    assert exited["people"] == 31_700


def test_households_have_sizes_1_to_8_all_five_types_and_exits_in_2015_2016_and_not_yet():
    stats = Household.objects.aggregate(
        smallest=Sum("size", filter=Q(size__lt=1)),
        largest=Sum("size", filter=Q(size__gt=8)),
        # 2014–2015, and those newly identified in 2016 (动态调整), who were all still poor at
        # the end of 2016 (some have left poverty this year)
        registered_outside=Count(
            "id",
            filter=~Q(registered_on__year__in=[2014, 2015])
            & ~(Q(registered_on__year=2016) & (Q(exited_on__isnull=True) | Q(exited_on__year__gt=2016))),
        ),
        unlinked=Count("id", filter=Q(unit__isnull=True) | Q(cadre__isnull=True)),
    )
    assert stats == {"smallest": None, "largest": None, "registered_outside": 0, "unlinked": 0}
    assert set(Household.objects.values_list("size", flat=True).distinct()) == set(range(1, 9))
    assert set(Household.objects.values_list("assistance", flat=True).distinct()) == set(
        Household.Assistance.values
    )
    exit_years = {
        d.year if d else None for d in Household.objects.values_list("exited_on", flat=True).distinct()
    }
    assert exit_years == {2015, 2016, periods.today().year, None}  # and this year so far
    assert (
        Household.objects.filter(registered_on__year=2016).count() == demo.figures.IDENTIFIED_HOUSEHOLDS_2016
    )


# ------------------------------------------------------------------ cadres and organizations


def test_every_poverty_village_has_a_2111_work_team():
    poverty = Village.objects.filter(poverty=True)
    assert WorkTeam.objects.filter(village__in=poverty).count() == poverty.count()
    slots = (
        Cadre.objects.filter(role=Cadre.Role.RESIDENT_CADRE, village__poverty=True)
        .values("village")
        .annotate(
            agri=Count("id", filter=Q(team_slot=Cadre.TeamSlot.AGRI_CADRE)),
            reserve=Count("id", filter=Q(team_slot=Cadre.TeamSlot.RESERVE_CADRE)),
            youth=Count("id", filter=Q(team_slot=Cadre.TeamSlot.RURAL_YOUTH)),
            graduate=Count("id", filter=Q(team_slot=Cadre.TeamSlot.GRADUATE)),
        )
    )
    assert len(slots) == poverty.count()
    assert {(s["agri"], s["reserve"], s["youth"], s["graduate"]) for s in slots} == {(2, 1, 1, 1)}


def test_every_township_and_village_has_its_secretary():
    assert (
        Cadre.objects.filter(role=Cadre.Role.TOWNSHIP_SECRETARY).values("township").distinct().count() == 17
    )
    villages_with_secretary = (
        Cadre.objects.filter(role=Cadre.Role.VILLAGE_SECRETARY).values("village").distinct().count()
    )
    assert villages_with_secretary == Village.objects.count()


def test_contracts_2016_for_each_committee_poverty_branch_and_work_team_match_the_data():
    contracts = Contract.objects.filter(year=2016)
    poverty = Village.objects.filter(poverty=True).count()
    assert contracts.filter(party=Contract.Party.TOWNSHIP_COMMITTEE).count() == Township.objects.count()
    assert contracts.filter(party=Contract.Party.VILLAGE_BRANCH).count() == poverty
    assert contracts.filter(party=Contract.Party.WORK_TEAM).count() == poverty
    committee_targets = contracts.filter(party=Contract.Party.TOWNSHIP_COMMITTEE).aggregate(
        people=Sum("target_people"),
        villages=Sum("target_villages"),
        exits=Count("id", filter=Q(township_exit=True)),
    )
    assert committee_targets == {"people": 31_700, "villages": 16, "exits": 2}
    assert (
        contracts.aggregate(n=Sum("target_tasks"))["n"] >= Task.objects.filter(starts_on__year=2016).count()
    )
    # audited from the start: the contract page lists each one's first record
    assert Contract.history.filter(history_type="+").count() == Contract.objects.count()


def test_tv_exposures_name_their_programme():
    assert Exposure.objects.filter(aired_on__year=2016).count() == 12
    assert not Exposure.objects.filter(programme="").exists()


# ------------------------------------------------------------------ tasks and weekly progress


def test_tasks_cover_the_six_factors_at_township_village_and_household_level():
    assert set(Task.objects.values_list("factor", flat=True).distinct()) == {
        "industry",
        "project",
        "information",
        "technology",
        "policy",
        "talent",
    }
    assert Task.objects.filter(village__isnull=True).exists()
    assert Task.objects.filter(village__isnull=False, household__isnull=True).exists()
    assert Task.objects.filter(household__isnull=False).exists()
    assert Task.objects.filter(problem__isnull=False).exists()
    months = {d.month for d in Task.objects.values_list("due_on", flat=True)}
    assert len(months) >= 10  # deadlines spread over the year


def test_every_week_of_2016_has_reports_some_missing_and_some_tasks_overdue():
    of_2016 = ProgressReport.objects.filter(week__lte=Week(2016, 52).start)
    weeks = set(of_2016.values_list("week", flat=True).distinct())
    assert weeks == {Week(2016, n).start for n in range(1, 53)}
    # a report only in weeks the task is active
    assert not ProgressReport.objects.filter(week__lt=Week(2016, 1).start).exists()
    reported_pairs = of_2016.count()
    active_pairs = sum(
        (min(due, Week(2016, 52).start) - (start - dt.timedelta(days=start.weekday()))).days // 7 + 1
        for start, due in Task.objects.filter(starts_on__year=2016).values_list("starts_on", "due_on")
    )
    assert 0.8 * active_pairs < reported_pairs < active_pairs  # most reported, some missing
    overdue = Task.objects.overdue(on=Week(2017, 1).start).count()
    assert 0 < overdue < Task.objects.filter(starts_on__year=2016).count() / 2


def test_each_demo_login_has_a_task_to_report_on_this_week():
    this_week = periods.week_start(periods.today())
    current = Task.objects.filter(starts_on__lte=this_week, due_on__gt=this_week)
    assert not ProgressReport.objects.filter(task__in=current, week=this_week).exists()  # theirs to file
    for username in ("secretary", "secretary2", "cadre", "village"):
        user = User.objects.get(username=username)
        assert Task.objects.editable_by(user).filter(pk__in=current).exists(), username


def test_reporter_is_the_owners_login_or_the_township_secretarys():
    mismatched = ProgressReport.objects.exclude(
        Q(reporter=F("task__owner__user")) | Q(task__owner__user__isnull=True)
    )
    assert not mismatched.exists()
    no_owner_login = ProgressReport.objects.filter(task__owner__user__isnull=True)
    assert no_owner_login.exists()
    assert not no_owner_login.exclude(reporter__cadre__role=Cadre.Role.TOWNSHIP_SECRETARY).exists()
    assert not no_owner_login.exclude(reporter__cadre__township=F("task__township")).exists()


def test_every_tasks_copy_of_its_latest_report_equals_its_reports():
    """The demo bulk-creates its reports (no report service): each task's copy of its latest
    report (what 我的任务 reads) is still exact."""
    assert assert_progress_copy_exact() > 1000


def test_every_report_has_its_audit_history_by_its_reporter():
    history = ProgressReport.history.filter(history_type="+")
    assert history.count() == ProgressReport.objects.count()
    assert not history.exclude(history_user=F("reporter")).exists()


def test_all_weeks_of_2016_locked_except_the_last_two():
    locked = set(WeekLock.objects.filter(week__lte=Week(2016, 52).start).values_list("week", flat=True))
    assert locked == {Week(2016, n).start for n in range(1, 51)}


# ------------------------------------------------------------------ A3, A7–A10, C4


def test_evaluations_run_down_the_chain_every_quarter():
    quarterly = Evaluation.objects.filter(year=2016, cycle=Evaluation.Cycle.QUARTERLY)
    village_rows = quarterly.filter(level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE)
    cadre_rows = quarterly.filter(level=Evaluation.Level.VILLAGE_RATES_CADRE)
    assert village_rows.count() == 4 * Village.objects.count()
    assert cadre_rows.count() == 4 * Cadre.objects.filter(role=Cadre.Role.RESIDENT_CADRE).count()
    assert not village_rows.exclude(evaluator__role=Cadre.Role.TOWNSHIP_SECRETARY).exists()
    assert not village_rows.exclude(evaluator__township=F("village__township")).exists()
    assert not cadre_rows.exclude(evaluator__role=Cadre.Role.VILLAGE_SECRETARY).exists()
    assert not cadre_rows.exclude(evaluator__village=F("village")).exists()


def test_inspections_five_must_checks_five_spot_levels_and_unannounced():
    must = Inspection.objects.filter(kind=Inspection.Kind.MUST_CHECK, held_on__year=2016)
    assert must.exists()
    categories = must.annotate(n=Count("findings__category", distinct=True))
    assert set(categories.values_list("n", flat=True)) == {5}
    assert set(Finding.objects.values_list("category", flat=True).distinct()) == set(Finding.Category.values)
    spot_levels = set(
        Inspection.objects.filter(kind=Inspection.Kind.SPOT_CHECK).values_list("spot_level", flat=True)
    )
    assert spot_levels == set(Inspection.SpotLevel.values)
    assert Inspection.objects.filter(kind=Inspection.Kind.UNANNOUNCED, held_on__year=2016).exists()


def test_warning_talks_reach_11_unit_heads_45_section_leaders_113_ordinary_cadres():
    talks = AccountabilityAction.objects.filter(
        kind=AccountabilityAction.Kind.WARNING_TALK, decided_on__year=2016
    )
    by_rank = dict(talks.values_list("rank").annotate(n=Count("cadre", distinct=True)))
    assert by_rank == {Rank.UNIT_HEAD: 11, Rank.SECTION_LEVEL: 45, Rank.ORDINARY: 113}
    assert talks.count() > 11 + 45 + 113  # some cadres were talked to twice


def test_actions_json_gives_11_45_113_distinct_cadres_talked_to(client):
    assert client.login(username="supervisor", password=DEMO_PASSWORD)
    data = client.get("/actions/?year=2016&format=json").json()
    assert data["warning_talk"] == {"unit_head": 11, "section_level": 45, "ordinary": 113}
    actions = AccountabilityAction.objects.filter(decided_on__year=2016)
    assert len(data["actions"]) == actions.count()
    for kind in AccountabilityAction.Kind.values:
        rows = actions.filter(kind=kind)
        expected = {r: rows.filter(rank=r).values("cadre").distinct().count() for r in Rank.values}
        assert data[kind] == expected
        assert data["distinct_cadres"][kind] == rows.values("cadre").distinct().count()
    # the rank of every action is its cadre's: no village secretary among the 一把手
    assert not actions.filter(rank=Rank.UNIT_HEAD).exclude(cadre__role=Cadre.Role.UNIT_HEAD).exists()
    assert set(actions.filter(cadre__role=Cadre.Role.VILLAGE_SECRETARY).values_list("rank", flat=True)) == {
        Rank.ORDINARY
    }


def test_quarterly_json_says_records_and_distinct_cadres(client):
    """The quarters' ``kinds`` count records, which add up to the year's actions; their
    ``distinct_cadres`` count each cadre once a quarter, so together they reach at least
    the year's distinct 11 / 45 / 113 (a cadre talked to in two quarters is in both)."""
    assert client.login(username="supervisor", password=DEMO_PASSWORD)
    quarters = [
        client.get(f"/dashboard/quarterly/?quarter=2016-Q{n}&format=json").json()["actions"]
        for n in range(1, 5)
    ]
    talks = AccountabilityAction.objects.filter(
        decided_on__year=2016, kind=AccountabilityAction.Kind.WARNING_TALK
    )
    for rank, distinct in {Rank.UNIT_HEAD: 11, Rank.SECTION_LEVEL: 45, Rank.ORDINARY: 113}.items():
        records = sum(next(k for k in q["kinds"] if k["kind"] == "warning_talk")[rank] for q in quarters)
        assert records == talks.filter(rank=rank).count() >= distinct
        cadres = sum(q["distinct_cadres"]["warning_talk"][rank] for q in quarters)
        assert distinct <= cadres <= records


def test_demo_inspections_keep_the_spot_check_chain_and_must_checks_cover_five():
    for inspection in Inspection.objects.select_related("inspector__unit", "inspected_cadre__unit"):
        inspection.full_clean()  # the chain (A9) holds for every spot check
        categories = inspection.findings.values_list("category", flat=True)
        assert Inspection.must_check_errors(inspection.kind, categories) == []
    roles_seen = set(
        Inspection.objects.filter(spot_level="city_leaders").values_list(
            "inspector__role", "inspected_cadre__role"
        )
    )
    assert roles_seen == {(Cadre.Role.CITY_LEADER, Cadre.Role.SUPERVISION_GROUP)}


def test_demo_has_overdue_rectifications_on_the_quarterly_page(client):
    assert client.login(username="supervisor", password=DEMO_PASSWORD)
    overdue = client.get("/dashboard/quarterly/?quarter=2016-Q4&format=json").json()["overdue_rectifications"]
    expected = Finding.objects.overdue_on(dt.date(2016, 12, 31)).count()
    assert overdue["total"] == expected > 0


def test_other_actions_and_the_veto_make_the_year_end_rating_unqualified():
    actions = AccountabilityAction.objects.filter(decided_on__year=2016)
    for kind in (AccountabilityAction.Kind.CRITICISM, AccountabilityAction.Kind.ORG_HANDLING):
        assert actions.filter(kind=kind).exists()
    vetoed_cadres = actions.filter(kind=AccountabilityAction.Kind.ONE_VOTE_VETO).values_list(
        "cadre", flat=True
    )
    assert 1 <= len(vetoed_cadres) <= 2
    scores = YearEndScore.objects.filter(year=2016)
    assert not scores.filter(vetoed=True).exclude(rating=YearEndScore.Rating.UNQUALIFIED).exists()
    assert set(scores.filter(cadre__isnull=False, vetoed=True).values_list("cadre", flat=True)) == set(
        vetoed_cadres
    )
    vetoed_township = scores.filter(township__isnull=False, vetoed=True)
    assert vetoed_township.count() == 1
    assert Cadre.objects.filter(
        pk__in=vetoed_cadres, role=Cadre.Role.TOWNSHIP_SECRETARY, township=vetoed_township.get().township
    ).exists()


def test_year_end_scores_weight_satisfaction_twelve_percent_and_count_exits():
    township_scores = YearEndScore.objects.filter(year=2016, township__isnull=False)
    assert township_scores.count() == Township.objects.count()
    for score in township_scores:
        expected = (score.work_score * 88 + score.satisfaction_score * 12) / 100
        assert abs(score.total - expected) <= 0.05
        # C1: every township's exits against its committee's contract enter the score
        assert score.target_households and score.exits_score is not None
        share = min(100, score.exited_households * 100 / score.target_households)
        assert abs(float(score.exits_score) - share) <= 0.05
    assert len(set(township_scores.values_list("rating", flat=True))) >= 2


def test_year_end_2016_is_published_once_by_the_supervisor():
    run = YearEndRun.objects.get(year=2016)
    assert (run.number, run.status) == (1, YearEndRun.Status.PUBLISHED)
    assert run.computed_by.username == run.published_by.username == "supervisor"
    assert not YearEndScore.objects.filter(year=2016).exclude(run=run).exists()


def scores_of(run):
    return sorted(
        run.scores.values_list(
            "township__code",
            "cadre__code",
            "ratings_score",
            "tasks_score",
            "exits_score",
            "work_score",
            "satisfaction_score",
            "total",
            "vetoed",
            "rating",
        ),
        key=repr,
    )


def test_year_end_scores_are_what_the_scoring_code_computes():
    """The demo writes no year-end score by hand: recomputing 2016 with the code behind
    ``manage.py compute_year_end`` gives a draft with the same rows (nothing would change),
    and every rated village secretary and resident cadre, every township secretary and every
    vetoed cadre has one."""
    published = YearEndRun.objects.get(year=2016, status=YearEndRun.Status.PUBLISHED)
    result = scoring.compute_year_end(2016)
    draft = YearEndRun.objects.get(year=2016, number=result.number)
    try:
        assert scores_of(draft) == scores_of(published)
        assert selectors.changes(draft, published) == []
        assert result.townships == Township.objects.count()
        rated = Cadre.objects.filter(
            Q(role=Cadre.Role.TOWNSHIP_SECRETARY)
            | Q(role=Cadre.Role.VILLAGE_SECRETARY)
            | Q(role=Cadre.Role.RESIDENT_CADRE, evaluations_received__year=2016)
            | Q(accountability_actions__kind=AccountabilityAction.Kind.ONE_VOTE_VETO)
        ).distinct()
        assert result.cadres == rated.count()
        assert result.vetoed == 3  # the vetoed township, its secretary and the vetoed unit head
    finally:  # the module's other tests read the demo as built
        draft.scores.all().delete()
        draft.delete()


def test_half_year_reviews_and_annual_reports_feed_the_2016_assessment():
    reviews = HalfYearReview.objects.filter(year=2016, half=1)
    assert reviews.count() == Township.objects.count()
    assert reviews.exclude(verdict=HalfYearReview.Verdict.ON_TRACK).exists()
    assert reviews.filter(recorded_by__username="supervisor").count() == reviews.count()
    reports = AnnualReport.objects.filter(year=2016)
    assert reports.filter(cadre__role=Cadre.Role.TOWNSHIP_SECRETARY).count() == Township.objects.count()
    assert (
        reports.filter(cadre__role=Cadre.Role.VILLAGE_SECRETARY).count()
        == Village.objects.filter(poverty=True).count()
    )
    assert len(set(reports.values_list("result", flat=True))) >= 2
    for model in (HalfYearReview, AnnualReport):  # the demo's rows pass the models' own rules
        for row in model.objects.all()[:20]:
            row.full_clean()


def test_grades_follow_the_scores_by_the_products_rule():
    for score, grade in Evaluation.objects.filter(year=2016).values_list("score", "grade"):
        assert grade == services.grade_for(score), score
    assert set(Evaluation.objects.values_list("grade", flat=True).distinct()) >= {"excellent", "good"}


def test_rows_written_in_bulk_are_validated_first_and_a_bad_one_writes_nothing():
    village = Village.objects.order_by("code").first()
    good = Household(
        code="CHECK-1",
        village=village,
        head="户主",
        size=3,
        assistance="industry",
        registered_on=dt.date(2015, 1, 5),
    )
    bad = Household(
        code="CHECK-2",
        village=village,
        head="户主",
        size=3,
        assistance="industry",
        registered_on=dt.date(2016, 5, 1),
        exited_on=dt.date(2016, 1, 1),
    )
    with pytest.raises(ValidationError, match="脱贫日期不能早于识别日期"):
        county.save(Household, [good, bad])
    assert not Household.objects.filter(code__startswith="CHECK-").exists()


def test_sixteen_promotions_and_some_commendations():
    assert Commendation.objects.filter(kind=Commendation.Kind.PROMOTED, decided_on__year=2016).count() == 16
    assert Commendation.objects.filter(kind=Commendation.Kind.COMMENDED).exists()


# ------------------------------------------------------------------ B2, B4


def test_128_pairing_projects_worth_11357000_yuan():
    totals = PairingProject.objects.filter(started_on__year=2016).aggregate(n=Count("id"), funds=Sum("funds"))
    assert totals == {"n": 128, "funds": 11_357_000}


def test_130_collective_projects_cover_51_poverty_villages_and_8684_households():
    projects = CollectiveProject.objects.filter(year=2016)
    assert projects.count() == 130
    villages = Village.objects.filter(poverty=True, collective_projects__year=2016).distinct().count()
    households = Household.objects.filter(collective_projects__year=2016).distinct().count()
    assert (villages, households) == (51, 8_684)
    # a project covers households of its own village only
    coverage = CollectiveProject.households.through.objects
    assert not coverage.exclude(household__village=F("collectiveproject__village")).exists()
    assert projects.aggregate(fiscal=Sum("fiscal_funds"), subsidy=Sum("loan_subsidy")) == {
        "fiscal": 36_000_000,
        "subsidy": 12_780_000,
    }


def test_village_finance_rises_from_2015_to_2016():
    rows = {
        row["year"]: row
        for row in VillageFinance.objects.values("year").annotate(
            n=Count("id"),
            pay=Avg("cadre_pay_monthly"),
            office=Avg("office_funds"),
            accumulation=Sum("collective_accumulation"),
        )
    }
    villages = Village.objects.count()
    assert (rows[2015]["n"], rows[2016]["n"]) == (villages, villages)
    assert (round(rows[2015]["pay"]), round(rows[2016]["pay"])) == (1_290, 2_764)
    assert (round(rows[2015]["office"]), round(rows[2016]["office"])) == (23_000, 45_000)
    assert (rows[2015]["accumulation"], rows[2016]["accumulation"]) == (11_300_000, 48_000_000)


# ------------------------------------------------------------------ C2, C5


def test_23_livelihood_items_surveyed_in_3_rounds():
    assert SurveyRound.objects.filter(year=2016).count() == 3
    per_round = (
        SurveyAnswer.objects.filter(round__year=2016)
        .values("round")
        .annotate(items=Count("item", distinct=True), villages=Count("household__village", distinct=True))
    )
    assert [(r["items"], r["villages"]) for r in per_round] == [(23, Village.objects.count())] * 3
    assert LivelihoodItem.objects.count() == 23
    # satisfaction varies between townships
    shares = (
        SurveyAnswer.objects.values("household__village__township")
        .annotate(satisfied=Count("id", filter=Q(level=3)) * 100 / Count("id"))
        .values_list("satisfied", flat=True)
    )
    assert max(shares) - min(shares) >= 10


def test_outreach_and_livelihood_outcomes_of_2016():
    events = OutreachEvent.objects.filter(held_on__year=2016)
    policy = events.filter(kind=OutreachEvent.Kind.POLICY_TRAINING).aggregate(
        n=Count("id"), people=Sum("attendance")
    )
    skills = events.filter(kind=OutreachEvent.Kind.SKILLS_TRAINING).aggregate(
        n=Count("id"), people=Sum("attendance")
    )
    assert policy == {"n": 11, "people": 920}
    assert skills["n"] == 105 and skills["people"] >= 30_000
    outcomes = LivelihoodOutcome.objects.filter(started_on__year=2016)
    transferred = outcomes.filter(kind=LivelihoodOutcome.Kind.JOB_TRANSFER).aggregate(people=Sum("people"))
    assert transferred["people"] >= 7_000
    counts = dict(
        outcomes.exclude(kind=LivelihoodOutcome.Kind.JOB_TRANSFER).values_list("kind").annotate(n=Count("id"))
    )
    assert counts == {"rural_inn": 144, "agritainment": 327, "online_shop": 22, "ecommerce_point": 31}


# ------------------------------------------------------------------ the command


def test_running_the_command_again_gives_the_same_content(demo_county, monkeypatch):
    assert "乡镇" in demo_county  # the summary lists counts
    before = natural_rows()
    first_ids = list(Township.objects.order_by("pk").values_list("pk", flat=True))
    bumps = []
    monkeypatch.setattr(cache, "_bump", lambda households=True: bumps.append(households))
    with override_settings(DEBUG=True):
        run_demo()
    # the cached pages are invalidated once (the second bump waits for the commit), not once
    # for each of the build's ~1,300 writes that invalidate — the cached headline too (the
    # households version: the build writes households, returns and statistics)
    assert bumps == [True]
    assert list(Township.objects.order_by("pk").values_list("pk", flat=True)) != first_ids  # really rebuilt
    assert natural_rows() == before


def test_if_empty_does_nothing_on_a_built_database():
    ids = list(Township.objects.order_by("pk").values_list("pk", flat=True))
    counts = table_counts()
    with override_settings(DEBUG=True):
        output = run_demo("--if-empty")
    assert "未建立" in output
    assert list(Township.objects.order_by("pk").values_list("pk", flat=True)) == ids
    assert table_counts() == counts


def test_if_empty_builds_on_an_empty_database(demo_county):
    # the module's county was built by --if-empty on the empty test database
    assert "演示数据已建立" in demo_county
    assert Township.objects.count() == 17
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 7


def test_refused_without_debug_and_writes_nothing():
    demo.clear(users=True)
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="--allow-demo-logins"):
        run_demo()
    assert table_counts() == dict.fromkeys(table_counts(), 0) | {"villages.LivelihoodItem": 23}
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_allow_demo_logins_builds_without_debug(demo_county):
    # the module's county was built with DEBUG off and --allow-demo-logins
    assert "演示账号" in demo_county
    assert Township.objects.count() == 17
    assert User.objects.filter(username__in=DEMO_USERNAMES).count() == 7


def test_refused_when_the_database_holds_other_townships():
    demo.clear(users=True)
    Township.objects.create(code="REAL-01", name="真实乡", kind=Township.Kind.TOWNSHIP)
    with override_settings(DEBUG=True), pytest.raises(CommandError, match="REAL-01"):
        run_demo()
    assert list(Township.objects.values_list("code", flat=True)) == ["REAL-01"]
    assert not Village.objects.exists()
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_role_groups_are_kept():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)


# ------------------------------------------------------------------ demo logins


@pytest.mark.parametrize(
    ("username", "location"),
    [
        ("admin", "/admin/"),
        ("supervisor", "/dashboard/weekly/"),
        ("secretary", "/tasks/"),
        ("secretary2", "/tasks/"),
        ("cadre", "/tasks/"),
        ("village", "/tasks/"),
        ("surveyor", "/satisfaction/survey/"),
    ],
)
def test_each_demo_login_lands_on_its_roles_page(client, username, location):
    assert client.login(username=username, password=DEMO_PASSWORD)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == location


def test_demo_accounts_have_their_roles_and_cadres():
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert users["admin"].is_staff and not users["admin"].is_superuser
    assert roles.role_of(users["admin"]) == roles.ADMIN
    assert roles.role_of(users["supervisor"]) == roles.COUNTY_SUPERVISOR
    first, second = roles.cadre_of(users["secretary"]), roles.cadre_of(users["secretary2"])
    assert first.role == second.role == Cadre.Role.TOWNSHIP_SECRETARY
    assert first.township_id != second.township_id
    assert roles.role_of(users["secretary"]) == roles.role_of(users["secretary2"]) == roles.TOWNSHIP_SECRETARY
    resident = roles.cadre_of(users["cadre"])
    assert roles.role_of(users["cadre"]) == roles.RESIDENT_CADRE
    assert resident.role == Cadre.Role.RESIDENT_CADRE and resident.village.poverty
    assert Task.objects.for_user(users["cadre"]).filter(owner=resident).exists()
    branch = roles.cadre_of(users["village"])
    assert roles.role_of(users["village"]) == roles.VILLAGE_SECRETARY
    assert branch.role == Cadre.Role.VILLAGE_SECRETARY and branch.village == resident.village
    assert Task.objects.for_user(users["secretary"]).exists()
    assert not Task.objects.for_user(users["secretary"]).exclude(township=first.township).exists()


# ------------------------------------------------------------------ the headline (villages/headline.py)


def test_2016_poverty_incidence_is_7_48_down_5_5_points_through_the_formula():
    from villages import headline
    from villages.models import Township

    result = headline.headline(dt.date(2016, 12, 31), Township.objects.all())["total"]
    assert result["poverty_incidence_percent"] == 7.48
    assert result["poverty_incidence_change_points"] == -5.5
    assert result["rural_income_per_head_yuan"] > 10_000
    assert result["missing_statistics"] == []
    # the change adds up from the year's flows (动态调整), each of them present in the data
    assert result["identified_people"] > 0 and result["returned_people"] > 0
    assert result["exited_people"] == 31_700


def test_the_headline_s_ledger_is_exact_for_the_demo():
    """The demo writes its households and returns through the product's writers and ends with
    rebuild_summaries: the ledger holds the households counted afresh, and the headline from it
    is the one pass over every household (tests/villages/headline_reference.py)."""
    from unittest import mock

    from tests.villages import headline_reference
    from villages import headline
    from villages.models import PovertyLedger

    stored = {
        (r.township_id, r.month): [r.registered_people, r.exited_people] for r in PovertyLedger.objects.all()
    }
    assert stored and stored == headline.ledger_rows(Household.objects.all())
    places = list(Township.objects.order_by("code"))
    this_year = dt.date.today().year
    for day in (dt.date(2015, 12, 31), dt.date(2016, 6, 30), dt.date(2016, 9, 17), dt.date(2016, 12, 31),
                dt.date(this_year, 1, 31), dt.date.today()):  # fmt: skip
        computed = headline.headline(day, places, [2015, 2016])
        with mock.patch.object(headline, "_household_sums", headline_reference.household_sums):
            assert computed == headline.headline(day, places, [2015, 2016]), day


def test_the_monthly_json_carries_the_headline_of_2016(client):
    client.force_login(User.objects.get(username="supervisor"))
    body = client.get("/dashboard/monthly/?month=2016-12&format=json").json()
    assert body["poverty_incidence_percent"] == 7.48
    assert body["poverty_incidence_change_points"] == -5.5
    assert body["rural_income_per_head_yuan"] > 10_000
    assert body["year_to_date"]["people_exited"] == 31_700
    assert body["year_to_date"]["townships_exited"] == 2
    assert body["year_to_date"]["villages_exited"] == 16


def test_returns_to_poverty_keep_the_exit_date_and_follow_it():
    from villages.models import PovertyReturn

    returns = PovertyReturn.objects.select_related("household")
    assert returns.count() > 0
    for ret in returns:
        assert ret.household.exited_on is not None and ret.household.exited_on <= ret.returned_on
        assert ret.reason


# ------------------------------------------------------------------ 2016 closed out, this year at work


def this_year_tasks():
    return Task.objects.filter(code__startswith=f"RW{periods.today().year}-").exclude(code__contains="-C")


def test_2016s_unfinished_tasks_are_closed_out_after_the_year_and_never_overdue_today():
    of_2016 = Task.objects.filter(starts_on__year=2016)
    unfinished = of_2016.with_latest_progress().filter(
        Q(latest_percent__isnull=True) | Q(latest_percent__lt=100)
    )
    assert unfinished.exists()
    assert not unfinished.filter(closure="").exists()
    assert set(unfinished.values_list("closure", "closed_on").distinct()) == {
        (Task.Closure.UNFINISHED, dt.date(2017, 1, 6))
    }
    assert not Task.objects.overdue(on=periods.today()).filter(starts_on__year=2016).exists()
    # the closing keeps its audit history, by the supervisor
    closed = Task.history.filter(closure=Task.Closure.UNFINISHED, history_type="~")
    assert closed.count() == unfinished.count()
    assert set(closed.values_list("history_user__username", flat=True)) == {"supervisor"}


def test_the_current_weekly_page_counts_no_2016_task_overdue(client):
    client.force_login(User.objects.get(username="supervisor"))
    this_week = Week.of(periods.today())
    body = client.get(f"/dashboard/weekly/?week={this_week}&format=json").json()
    assert not [row for row in body["overdue"] if row["code"].startswith("RW2016-")]
    assert body["summary"]["overdue"] == Task.objects.overdue(on=this_week.end).count()
    assert body["summary"]["overdue"] < this_year_tasks().count() / 3


def test_this_year_has_reports_up_to_last_week_mostly_filed_on_time():
    last_week = periods.week_start(periods.today()) - dt.timedelta(weeks=1)
    reports = ProgressReport.objects.filter(task__in=this_year_tasks())
    assert reports.aggregate(latest=Max("week"))["latest"] == last_week
    assert reports.filter(week=last_week).count() >= 20
    filed = ProgressReport.history.filter(task_id__in=this_year_tasks().values("pk"), history_type="+")
    late = [
        r
        for r in filed.values("week", "history_date")
        if r["history_date"].date() > r["week"] + dt.timedelta(days=4)
    ]
    assert 0 < len(late) < filed.count() / 4  # some late, most on time


def test_the_default_weekly_page_shows_a_county_at_work(client):
    client.force_login(User.objects.get(username="supervisor"))
    body = client.get("/dashboard/weekly/?format=json").json()
    assert body["period"] == str(Week.of(periods.today()).shift(-1))
    assert 60 <= body["summary"]["reported_share"] < 100
    assert body["summary"]["overdue"] > 0
    assert all(row["active"] and 60 <= row["reported_share"] <= 100 for row in body["trend"])


def test_this_years_targets_were_set_before_the_results_so_townships_lead_and_lag(client):
    year = periods.today().year
    assert Contract.objects.filter(year=year, party=Contract.Party.TOWNSHIP_COMMITTEE).count() == 17
    client.force_login(User.objects.get(username="supervisor"))
    body = client.get("/dashboard/monthly/?format=json").json()
    assert body["period"] == f"{year}-{periods.today().month:02d}"
    shares = [unit["households_pct"] for unit in body["units"]]
    assert all(share is not None for share in shares)
    assert len(set(shares)) > 5 and min(shares) < 100  # not everyone exactly on target


def test_the_default_quarterly_page_is_this_quarter_with_inspections(client):
    client.force_login(User.objects.get(username="supervisor"))
    body = client.get("/dashboard/quarterly/?format=json").json()
    assert body["period"] == str(periods.Quarter.of(periods.today()))
    assert body["summary"]["inspections"] > 0


def test_the_survey_worker_login_has_an_open_round_with_households_left(client):
    from villages.satisfaction import selectors as survey_selectors

    user = User.objects.get(username="surveyor")
    assert roles.role_of(user) == roles.SURVEY_WORKER
    client.force_login(user)
    response = client.get("/satisfaction/survey/")
    survey_round = response.context["round"]
    assert survey_round is not None and not survey_round.closed
    assert survey_round.year == periods.today().year
    _households, left = survey_selectors.pending_households(user, survey_round)
    assert left > 0
    assert SurveyAnswer.objects.filter(round=survey_round).exists()


@pytest.mark.parametrize("username", ["supervisor", "secretary", "cadre", "surveyor"])
def test_demo_users_have_chinese_names_in_the_header(client, username):
    user = User.objects.get(username=username)
    assert user.get_full_name() == roles.cadre_of(user).name
    client.force_login(user)
    page = client.get("/", follow=True).content.decode()
    assert f'<span class="who">{user.get_full_name()}</span>' in page
