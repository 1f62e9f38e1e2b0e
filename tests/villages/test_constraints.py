"""Every named database constraint of the villages app holds in the database itself (not
only in forms): a violating row raises IntegrityError, a valid row next to it is stored.
Runs on SQLite and PostgreSQL."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, models, transaction

from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    HouseholdSurveyTally,
    ItemSurveyTally,
    LivelihoodItem,
    LivelihoodOutcome,
    PairingProject,
    PartyOrganization,
    PovertyLedger,
    PovertyReturn,
    SurveyAnswer,
    SurveyRound,
    Township,
    TownshipStatistics,
    Unit,
    Village,
    VillageFinance,
    WorkTeam,
)

DAY = dt.date(2016, 6, 8)

pytestmark = pytest.mark.django_db


def assert_rejected(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def assert_stored(create):
    with transaction.atomic():
        obj = create()
    assert type(obj).objects.filter(pk=obj.pk).exists()


def household(village, code="H1", **fields):
    values = {"head": "张三", "size": 3, "assistance": "industry", "registered_on": DAY, **fields}
    return Household.objects.create(code=code, village=village, **values)


def named_constraints(app_models, kind):
    return {c.name for model in app_models for c in model._meta.constraints if isinstance(c, kind)}


TESTED = set()


def covers(*names):
    TESTED.update(names)
    return lambda func: func


# ---- townships and villages ----------------------------------------------------------------


@covers("township_exit_only_if_poverty")
def test_township_cannot_exit_unless_it_was_a_poverty_township(db):
    assert_rejected(lambda: Township.objects.create(code="T1", name="甲", kind="town", exited_on=DAY))
    assert_stored(
        lambda: Township.objects.create(code="T2", name="乙", kind="town", poverty=True, exited_on=DAY)
    )


@covers("village_exit_only_if_poverty")
def test_village_cannot_exit_unless_it_was_a_poverty_village(township_a):
    assert_rejected(lambda: Village.objects.create(code="V1", township=township_a, name="甲", exited_on=DAY))
    assert_stored(
        lambda: Village.objects.create(code="V2", township=township_a, name="乙", poverty=True, exited_on=DAY)
    )


# ---- cadres ------------------------------------------------------------------------------


@covers("cadre_township_secretary_has_township")
def test_township_secretary_needs_a_township(township_a):
    assert_rejected(lambda: Cadre.objects.create(code="C1", name="甲", role="township_secretary"))
    assert_stored(
        lambda: Cadre.objects.create(code="C2", name="乙", role="township_secretary", township=township_a)
    )


@covers("cadre_village_secretary_has_village")
def test_village_secretary_needs_a_village(village_a):
    assert_rejected(
        lambda: Cadre.objects.create(
            code="C1", name="甲", role="village_secretary", township=village_a.township
        )
    )
    assert_stored(
        lambda: Cadre.objects.create(code="C2", name="乙", role="village_secretary", village=village_a)
    )


@covers("cadre_resident_has_township_and_village")
def test_resident_cadre_needs_township_and_village(village_a):
    township = village_a.township
    assert_rejected(
        lambda: Cadre.objects.create(code="C1", name="甲", role="resident_cadre", village=village_a)
    )
    assert_rejected(
        lambda: Cadre.objects.create(code="C2", name="乙", role="resident_cadre", township=township)
    )
    assert_stored(
        lambda: Cadre.objects.create(
            code="C3", name="丙", role="resident_cadre", township=township, village=village_a
        )
    )


@covers("cadre_team_slot_only_for_resident")
def test_only_resident_cadres_have_a_team_slot(village_a):
    assert_rejected(lambda: Cadre.objects.create(code="C1", name="甲", role="ordinary", team_slot="graduate"))
    assert_stored(
        lambda: Cadre.objects.create(
            code="C2",
            name="乙",
            role="resident_cadre",
            township=village_a.township,
            village=village_a,
            team_slot="graduate",
        )
    )


# ---- party and economic organizations ----------------------------------------------------


@covers("partyorg_village_branch_has_village")
def test_village_party_branch_needs_a_village(village_a):
    township = village_a.township
    assert_rejected(
        lambda: PartyOrganization.objects.create(name="甲", level="village_branch", township=township)
    )
    assert_stored(
        lambda: PartyOrganization.objects.create(
            name="乙", level="village_branch", township=township, village=village_a
        )
    )


@covers("partyorg_township_committee_no_village")
def test_township_party_committee_has_no_village(village_a):
    township = village_a.township
    assert_rejected(
        lambda: PartyOrganization.objects.create(
            name="甲", level="township_committee", township=township, village=village_a
        )
    )
    assert_stored(
        lambda: PartyOrganization.objects.create(name="乙", level="township_committee", township=township)
    )


@covers("econorg_instructor_coverage_has_instructor")
def test_instructor_coverage_names_the_instructor(township_a):
    instructor = Cadre.objects.create(code="C1", name="指导员", role="ordinary")
    assert_rejected(
        lambda: EconomicOrganization.objects.create(name="甲社", kind="cooperative", coverage="instructor")
    )
    assert_stored(
        lambda: EconomicOrganization.objects.create(
            name="乙社", kind="cooperative", coverage="instructor", instructor=instructor
        )
    )


@covers("econorg_party_coverage_has_organization")
@pytest.mark.parametrize("coverage", ["single", "joint"])
def test_party_coverage_names_the_party_organization(township_a, coverage):
    party = PartyOrganization.objects.create(name="党委", level="township_committee", township=township_a)
    assert_rejected(
        lambda: EconomicOrganization.objects.create(name="甲社", kind="cooperative", coverage=coverage)
    )
    assert_stored(
        lambda: EconomicOrganization.objects.create(
            name="乙社", kind="cooperative", coverage=coverage, party_organization=party
        )
    )


# ---- work teams ---------------------------------------------------------------------------


@covers("workteam_ends_after_start")
def test_work_team_term_ends_after_it_starts(village_a, village_b):
    assert_rejected(lambda: WorkTeam.objects.create(village=village_a, started_on=DAY, ends_on=DAY))
    assert_stored(
        lambda: WorkTeam.objects.create(
            village=village_b, started_on=DAY, ends_on=DAY + dt.timedelta(days=730)
        )
    )


@covers("workteam_withdrawn_after_start")
def test_work_team_is_not_withdrawn_before_it_starts(village_a, village_b):
    ends = DAY + dt.timedelta(days=730)
    assert_rejected(
        lambda: WorkTeam.objects.create(
            village=village_a, started_on=DAY, ends_on=ends, withdrawn_on=DAY - dt.timedelta(days=1)
        )
    )
    assert_stored(
        lambda: WorkTeam.objects.create(village=village_b, started_on=DAY, ends_on=ends, withdrawn_on=DAY)
    )


# ---- households ----------------------------------------------------------------------------


@covers("household_size_1_30")
@pytest.mark.parametrize("size", [0, 31])
def test_household_size_is_between_1_and_30(village_a, size):
    assert_rejected(lambda: household(village_a, "H1", size=size))
    assert_stored(lambda: household(village_a, "H2", size=1))
    assert_stored(lambda: household(village_a, "H3", size=30))


@covers("household_exit_not_before_registration")
def test_household_cannot_leave_poverty_before_registration(village_a):
    assert_rejected(lambda: household(village_a, "H1", exited_on=DAY - dt.timedelta(days=1)))
    assert_stored(lambda: household(village_a, "H2", exited_on=DAY))


@covers("household_income_not_negative")
def test_household_income_is_not_negative(village_a):
    assert_rejected(lambda: household(village_a, "H1", income=Decimal("-0.01")))
    assert_stored(lambda: household(village_a, "H2", income=Decimal("0")))


# ---- projects and finances ----------------------------------------------------------------


@covers("pairing_funds_not_negative")
def test_pairing_project_funds_are_not_negative(village_a):
    enterprise = EconomicOrganization.objects.create(name="龙头企业", kind="leading_enterprise")
    assert_rejected(
        lambda: PairingProject.objects.create(
            enterprise=enterprise, village=village_a, name="甲", funds=Decimal("-1"), started_on=DAY
        )
    )
    assert_stored(
        lambda: PairingProject.objects.create(
            enterprise=enterprise, village=village_a, name="乙", funds=Decimal("0"), started_on=DAY
        )
    )


@covers("collective_funds_not_negative")
@pytest.mark.parametrize("field", ["fiscal_funds", "loan_subsidy"])
def test_collective_project_funds_are_not_negative(village_a, field):
    assert_rejected(
        lambda: CollectiveProject.objects.create(
            code="P1", village=village_a, name="甲", year=2016, **{field: Decimal("-1")}
        )
    )
    assert_stored(
        lambda: CollectiveProject.objects.create(
            code="P2", village=village_a, name="乙", year=2016, **{field: Decimal("1")}
        )
    )


def finance(village, year=2016, **fields):
    values = {
        "cadre_pay_monthly": Decimal("2764"),
        "office_funds": Decimal("45000"),
        "collective_accumulation": Decimal("0"),
        **fields,
    }
    return VillageFinance.objects.create(village=village, year=year, **values)


@covers("villagefinance_one_per_year")
def test_village_finance_is_recorded_once_per_year(village_a):
    finance(village_a, 2016)
    assert_rejected(lambda: finance(village_a, 2016))
    assert_stored(lambda: finance(village_a, 2017))


@covers("villagefinance_not_negative")
@pytest.mark.parametrize("field", ["cadre_pay_monthly", "office_funds", "collective_accumulation"])
def test_village_finance_amounts_are_not_negative(village_a, field):
    assert_rejected(lambda: finance(village_a, 2016, **{field: Decimal("-1")}))
    assert_stored(lambda: finance(village_a, 2016))


# ---- satisfaction survey ------------------------------------------------------------------


@covers("surveyround_unique")
def test_survey_round_number_is_unique_within_a_year(db):
    SurveyRound.objects.create(year=2016, number=1, held_on=DAY)
    assert_rejected(lambda: SurveyRound.objects.create(year=2016, number=1, held_on=DAY))
    assert_stored(lambda: SurveyRound.objects.create(year=2016, number=2, held_on=DAY))


@covers("surveyround_number_1_3")
@pytest.mark.parametrize("number", [0, 4])
def test_there_are_three_survey_rounds_a_year(db, number):
    assert_rejected(lambda: SurveyRound.objects.create(year=2016, number=number, held_on=DAY))
    assert_stored(lambda: SurveyRound.objects.create(year=2016, number=3, held_on=DAY))


@covers("surveyround_ends_not_before_start")
def test_a_survey_round_does_not_end_before_it_starts(db):
    later = DAY + dt.timedelta(days=1)
    assert_rejected(lambda: SurveyRound.objects.create(year=2016, number=1, held_on=later, ends_on=DAY))
    assert_stored(lambda: SurveyRound.objects.create(year=2016, number=1, held_on=DAY, ends_on=DAY))


@pytest.fixture
def survey(village_a):
    return {
        "round": SurveyRound.objects.create(year=2016, number=1, held_on=DAY),
        "household": household(village_a),
        "item": LivelihoodItem.objects.create(code="L01", name="住房", category="住房", order=1),
    }


@covers("surveyanswer_unique")
def test_household_answers_each_item_once_per_round(survey):
    SurveyAnswer.objects.create(level=3, **survey)
    assert_rejected(lambda: SurveyAnswer.objects.create(level=2, **survey))
    other_item = LivelihoodItem.objects.create(code="L02", name="教育", category="教育", order=2)
    assert_stored(lambda: SurveyAnswer.objects.create(level=2, **{**survey, "item": other_item}))


@covers("householdsurveytally_unique", "itemsurveytally_unique")
def test_a_round_has_one_tally_per_household_and_per_item(survey):
    tally = {"round": survey["round"], "answers": 1, "satisfied": 1, "fair": 0}
    household = {"household": survey["household"], "village_id": survey["household"].village_id}
    HouseholdSurveyTally.objects.create(**household, **tally)
    assert_rejected(lambda: HouseholdSurveyTally.objects.create(**household, **tally))
    ItemSurveyTally.objects.create(item=survey["item"], **tally)
    assert_rejected(lambda: ItemSurveyTally.objects.create(item=survey["item"], **tally))
    other_round = SurveyRound.objects.create(year=2016, number=2, held_on=DAY)
    assert_stored(lambda: HouseholdSurveyTally.objects.create(**household, **{**tally, "round": other_round}))
    assert_stored(
        lambda: ItemSurveyTally.objects.create(item=survey["item"], **{**tally, "round": other_round})
    )


@covers("povertyledger_unique")
def test_the_ledger_has_one_row_per_township_and_month(village_a):
    row = {
        "township": village_a.township,
        "month": dt.date(2016, 6, 1),
        "registered_people": 3,
        "exited_people": 0,
    }
    PovertyLedger.objects.create(**row)
    assert_rejected(lambda: PovertyLedger.objects.create(**row))
    assert_stored(lambda: PovertyLedger.objects.create(**{**row, "month": dt.date(2016, 7, 1)}))


@covers("surveyanswer_level_1_3")
@pytest.mark.parametrize("level", [0, 4])
def test_satisfaction_level_is_between_1_and_3(survey, level):
    assert_rejected(lambda: SurveyAnswer.objects.create(level=level, **survey))
    assert_stored(lambda: SurveyAnswer.objects.create(level=1, **survey))


# ---- outreach and livelihood -----------------------------------------------------------------


@covers("livelihoodoutcome_people_positive")
def test_livelihood_outcome_involves_at_least_one_person(village_a):
    assert_rejected(
        lambda: LivelihoodOutcome.objects.create(
            kind="rural_inn", village=village_a, people=0, started_on=DAY
        )
    )
    assert_stored(
        lambda: LivelihoodOutcome.objects.create(
            kind="rural_inn", village=village_a, people=1, started_on=DAY
        )
    )


# ---- the natural keys (unique=True) the registry import relies on -------------------------------


@pytest.mark.parametrize(
    "create",
    [
        lambda tw, v: Township.objects.create(code=tw.code, name="重复", kind="town"),
        lambda tw, v: Village.objects.create(code=v.code, township=tw, name="重复"),
        lambda tw, v: household(v, "H-DUP") and household(v, "H-DUP"),
        lambda tw, v: Unit.objects.create(name="单位") and Unit.objects.create(name="单位"),
        lambda tw, v: (
            LivelihoodItem.objects.create(code="L1", name="甲", category="甲", order=1)
            and LivelihoodItem.objects.create(code="L2", name="乙", category="乙", order=1)
        ),
    ],
    ids=["township_code", "village_code", "household_code", "unit_name", "livelihooditem_order"],
)
def test_natural_keys_are_unique(village_a, create):
    assert_rejected(lambda: create(village_a.township, village_a))


def test_every_named_constraint_has_a_test():
    from django.apps import apps

    app_models = apps.get_app_config("villages").get_models()
    names = named_constraints(list(app_models), (models.CheckConstraint, models.UniqueConstraint))

    assert names - TESTED == set(), "add a test for these constraints"
    assert TESTED - names == set(), "these constraints no longer exist"


@covers("partyorg_code_unique_when_set", "econorg_code_unique_when_set", "pairing_code_unique_when_set")
def test_organization_codes_are_unique_when_given(village_a):
    tw = village_a.township
    party = lambda code: PartyOrganization.objects.create(  # noqa: E731
        code=code,
        name=f"党委{code}{PartyOrganization.objects.count()}",
        level="township_committee",
        township=tw,
    )
    econ = lambda code: EconomicOrganization.objects.create(  # noqa: E731
        code=code, name=f"合作社{EconomicOrganization.objects.count()}", kind="cooperative"
    )
    enterprise = econ("")
    pairing = lambda code: PairingProject.objects.create(  # noqa: E731
        code=code, enterprise=enterprise, village=village_a, name="项目", funds=1, started_on=DAY
    )
    for create in (party, econ, pairing):
        assert_stored(lambda create=create: create(""))
        assert_stored(lambda create=create: create(""))  # rows recorded without a code
        assert_stored(lambda create=create: create("K1"))
        assert_rejected(lambda create=create: create("K1"))


# ---- the headline's data (villages/models/poverty.py) ------------------------------------


@covers(
    "statistics_one_per_township_year",
    "statistics_population_positive",
    "statistics_income_not_negative",
    "statistics_year_in_range",
)
def test_township_statistics_one_per_year_positive_population_income_not_negative(township_a):
    def stats(year, population=1000, income=Decimal("9000")):
        return lambda: TownshipStatistics.objects.create(
            township=township_a, year=year, rural_population=population, income_per_head=income
        )

    assert_stored(stats(2016))
    assert_rejected(stats(2016))  # one row per township and year
    assert_rejected(stats(2017, population=0))
    assert_rejected(stats(2018, income=Decimal("-1")))
    assert_rejected(stats(1999))
    assert_rejected(stats(2101))
    assert_stored(stats(2019, income=None))


@covers("return_exit_again_not_before_return", "return_one_open_per_household")
def test_a_household_has_one_open_return_and_exits_again_after_it(village_a):
    exited = household(village_a, registered_on=dt.date(2014, 5, 1), exited_on=dt.date(2016, 1, 10))
    assert_rejected(
        lambda: PovertyReturn.objects.create(
            household=exited, returned_on=dt.date(2016, 5, 1), exited_again_on=dt.date(2016, 4, 1), reason="x"
        )
    )
    assert_stored(lambda: PovertyReturn.objects.create(household=exited, returned_on=DAY, reason="因病"))
    assert_rejected(
        lambda: PovertyReturn.objects.create(household=exited, returned_on=dt.date(2016, 9, 1), reason="x")
    )
    assert_stored(
        lambda: PovertyReturn.objects.create(
            household=exited, returned_on=dt.date(2015, 3, 1), exited_again_on=dt.date(2015, 6, 1), reason="x"
        )
    )
