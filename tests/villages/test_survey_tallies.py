"""The survey answers' tallies (villages/satisfaction/tallies.py) are exact: equal to the
answers counted afresh after a rebuild, the migration's fill and every write of answers —
entered, corrected and emptied on the page, a survey sheet, the admin (an answer changed,
deleted, deleted in bulk; a household deleted with its answers; a round deleted), a round
closed — and the satisfaction results (and the results per unit and cadre) read from them
are what the answers themselves give."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db.models import Count, Q
from django.test import Client

from devdata import synthetic
from tests.committed import committed_county
from tests.villages.files import csv_bytes
from villages.models import (
    Household,
    HouseholdSurveyTally,
    ItemSurveyTally,
    LivelihoodItem,
    SurveyAnswer,
    SurveyRound,
)
from villages.registry import engine as registry
from villages.satisfaction import selectors, services, tallies

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("survey-tallies-county")]

SATISFIED, FAIR = SurveyAnswer.Level.SATISFIED, SurveyAnswer.Level.FAIR


def build_county():
    synthetic.build("small")  # bulk inserts, behind the services' back, as a data load
    tallies.rebuild()


@pytest.fixture(scope="module")
def county(django_db_setup, django_db_blocker):
    with committed_county(django_db_blocker, build_county):
        yield


def counted(key):
    """The answers counted in Python, per (round, ``key``): (answers, 满意, 基本满意)."""
    counts = {}
    for round_id, other, level in SurveyAnswer.objects.values_list("round_id", key, "level"):
        answers, satisfied, fair = counts.get((round_id, other), (0, 0, 0))
        counts[(round_id, other)] = (answers + 1, satisfied + (level == SATISFIED), fair + (level == FAIR))
    return counts


def stored(model, key):
    return {
        (round_id, other): (answers, satisfied, fair)
        for round_id, other, answers, satisfied, fair in model.objects.values_list(
            "round_id", key, "answers", "satisfied", "fair"
        )
    }


def assert_tallies_exact():
    households = counted("household_id")
    assert households  # the data has answers
    assert stored(HouseholdSurveyTally, "household_id") == households
    assert stored(ItemSurveyTally, "item_id") == counted("item_id")


# The satisfaction results' answers as the selector read and summed them before the tallies
# (at 307de23): grouped per household over the answers themselves, summed per village and
# unit as lists. The results read from the tallies must equal them, whole dict (the page, its
# JSON and its exports are made from it).
def live_answer_sums(round_ids):
    aggs = {}
    for pk in round_ids:
        where = Q(survey_answers__round_id=pk)
        aggs[f"r{pk}_answers"] = Count("survey_answers", filter=where)
        for key, level in (("satisfied", SATISFIED), ("fair", FAIR)):
            aggs[f"r{pk}_{key}"] = Count("survey_answers", filter=where & Q(survey_answers__level=level))
    households = (
        Household.objects.filter(survey_answers__round_id__in=round_ids)
        .order_by()
        .values("id", "village_id", "unit_id")
        .annotate(**aggs)
    )
    names = [f"r{pk}_{key}" for pk in round_ids for key in selectors.LEVEL_KEYS]
    answered = [f"r{pk}_answers" for pk in round_ids]
    by_village, by_unit = {}, {}
    for household in households:
        row = [household[name] for name in names]
        row += [1 if household[name] else 0 for name in answered]
        row.append(1)
        for place, sums in ((household["village_id"], by_village), (household["unit_id"], by_unit)):
            total = sums.get(place)
            sums[place] = row if total is None else [a + b for a, b in zip(total, row, strict=True)]
    return (
        {place: live_counts(total, round_ids) for place, total in by_village.items()},
        {place: live_counts(total, round_ids)[0] for place, total in by_unit.items()},
    )


def live_counts(total, round_ids):
    year = {"answers": 0, "satisfied": 0, "fair": 0, "surveyed": total[-1]}
    per_round = {}
    for index, pk in enumerate(round_ids):
        counts = dict(zip(selectors.LEVEL_KEYS, total[3 * index : 3 * index + 3], strict=True))
        counts["surveyed"] = total[3 * len(round_ids) + index]
        for key in selectors.LEVEL_KEYS:
            year[key] += counts[key]
        per_round[pk] = counts
    return year, per_round


LIVE_COUNTS = {
    "answers": Count("pk"),
    "satisfied": Count("pk", filter=Q(level=SATISFIED)),
    "fair": Count("pk", filter=Q(level=FAIR)),
}


def live_per_item_round(round_ids):
    answers = SurveyAnswer.objects.filter(round_id__in=round_ids).order_by()
    return {
        (r["item_id"], r["round_id"]): r
        for r in answers.values("item_id", "round_id").annotate(**LIVE_COUNTS)
    }


def live_unit_cadre_answers(year):
    answers = SurveyAnswer.objects.filter(round__year=year).order_by()
    return answers.values("household__unit_id", "household__cadre_id").annotate(
        **LIVE_COUNTS, surveyed=Count("household_id", distinct=True)
    )


def assert_results_as_from_the_answers(monkeypatch, years):
    """The satisfaction results and the results per unit and cadre."""

    def pages(year):
        return selectors.results(year), selectors.unit_results(year)

    from_tallies = {year: pages(year) for year in years}
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "_answer_sums", live_answer_sums)
        patched.setattr(selectors, "_per_item_round", live_per_item_round)
        patched.setattr(selectors, "_unit_cadre_answers", live_unit_cadre_answers)
        from_answers = {year: pages(year) for year in years}
    for year in years:
        assert from_tallies[year] == from_answers[year], year
    assert any(unit["surveyed"] for unit in from_tallies[years[1]][1]["units"])  # answers seen


def some_answers():
    return SurveyAnswer.objects.select_related("round", "household", "item").order_by("pk")


def test_rebuilt_tallies_equal_the_answers(county):
    assert_tallies_exact()


def test_the_migration_fills_the_tallies_of_the_answers_stored(county):
    HouseholdSurveyTally.objects.all().delete()
    ItemSurveyTally.objects.all().delete()
    importlib.import_module("villages.migrations.0014_survey_tallies").fill(apps, None)
    assert_tallies_exact()


def test_results_read_from_the_tallies_are_those_of_the_answers(county, monkeypatch):
    # some variety first: a household answering part of the items, in one round only; another
    # dropping items; a round of another year
    items = list(LivelihoodItem.objects.order_by("order"))
    year = SurveyRound.objects.values_list("year", flat=True)[0]
    first = SurveyRound.objects.get(year=year, number=1)
    unsurveyed = Household.objects.exclude(survey_answers__isnull=False).order_by("code")
    services.record_answers(first, unsurveyed[0], {item.pk: 1 + n % 3 for n, item in enumerate(items[:7])})
    surveyed = some_answers()[0].household
    services.record_answers(first, surveyed, {item.pk: None if n % 2 else 2 for n, item in enumerate(items)})
    other = services.open_round(year=year + 1, number=1, held_on=dt.date(year + 1, 5, 1))
    services.record_answers(other, unsurveyed[1], {items[0].pk: 3, items[1].pk: 1})
    assert_tallies_exact()
    assert_results_as_from_the_answers(monkeypatch, [year - 1, year, year + 1])


def test_answers_entered_corrected_and_emptied_on_the_page(county):
    items = list(LivelihoodItem.objects.order_by("order"))
    survey_round = SurveyRound.objects.order_by("number")[0]
    household = Household.objects.exclude(survey_answers__isnull=False).order_by("code")[0]
    services.record_answers(survey_round, household, {item.pk: 3 for item in items})  # entered
    assert_tallies_exact()
    services.record_answers(survey_round, household, {item.pk: 1 + n % 3 for n, item in enumerate(items)})
    assert_tallies_exact()
    services.record_answers(survey_round, household, {items[0].pk: 2, **{i.pk: None for i in items[1:]}})
    assert_tallies_exact()
    assert HouseholdSurveyTally.objects.get(round=survey_round, household=household).answers == 1


def test_answers_loaded_from_the_surveys_sheet(county):
    answer = some_answers().filter(level=3)[0]
    other = LivelihoodItem.objects.exclude(pk=answer.item_id).order_by("order")[0]
    fresh = Household.objects.exclude(survey_answers__isnull=False).order_by("code")[0]
    survey_round = answer.round
    when = survey_round.held_on.isoformat()
    sheet = csv_bytes(
        [
            ["household", "year", "round", "held_on", answer.item.code, other.code],
            [answer.household.code, survey_round.year, survey_round.number, when, 1, ""],
            [fresh.code, survey_round.year, survey_round.number, when, 2, 3],
        ]
    )
    report = registry.load([("surveys.csv", sheet)])
    assert report.ok, report.errors
    assert SurveyAnswer.objects.filter(household=answer.household, round=survey_round).count() == 1
    assert_tallies_exact()


def test_a_round_closed_and_deleted(county, admin_user):
    survey_round = SurveyRound.objects.order_by("number")[0]
    services.close_round(survey_round)
    assert_tallies_exact()
    client = Client()
    client.force_login(admin_user)
    response = client.post(f"/admin/villages/surveyround/{survey_round.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not SurveyRound.objects.filter(pk=survey_round.pk).exists()
    assert_tallies_exact()


def test_answers_changed_and_deleted_in_the_admin(county, admin_user):
    client = Client()
    client.force_login(admin_user)
    rounds = list(SurveyRound.objects.order_by("number"))
    answer = some_answers().filter(round=rounds[0], level=3)[0]
    # moved to a round and household that had no such answer, and made 不满意
    target = Household.objects.exclude(survey_answers__isnull=False).order_by("code")[0]
    response = client.post(
        f"/admin/villages/surveyanswer/{answer.pk}/change/",
        {"round": rounds[1].pk, "household": target.pk, "item": answer.item_id, "level": 1},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    answer.refresh_from_db()
    assert (answer.round_id, answer.household_id, answer.level) == (rounds[1].pk, target.pk, 1)
    assert_tallies_exact()

    response = client.post(f"/admin/villages/surveyanswer/{answer.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert_tallies_exact()

    chosen = list(some_answers().filter(round=rounds[2]).values_list("pk", flat=True)[:30])
    response = client.post(
        "/admin/villages/surveyanswer/",
        {"action": "delete_selected", "_selected_action": chosen, "post": "yes"},
    )
    assert response.status_code == 302
    assert not SurveyAnswer.objects.filter(pk__in=chosen).exists()
    assert_tallies_exact()


def test_households_deleted_in_the_admin_take_their_answers_out_of_the_tallies(county, admin_user):
    client = Client()
    client.force_login(admin_user)
    answered = list(Household.objects.filter(survey_answers__isnull=False).distinct().order_by("code")[:3])
    household = answered[0]
    household.livelihood_outcomes.all().delete()
    response = client.post(f"/admin/villages/household/{household.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not Household.objects.filter(pk=household.pk).exists()
    assert_tallies_exact()

    response = client.post(
        "/admin/villages/household/",
        {"action": "delete_selected", "_selected_action": [h.pk for h in answered[1:]], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Household.objects.filter(pk__in=[h.pk for h in answered[1:]]).exists()
    assert_tallies_exact()
