"""The satisfaction results' tallies (villages/satisfaction/tallies.py) are exact: the
answers' equal to the answers counted afresh (with each household's village and unit), the
households' to the households counted afresh, after a rebuild, the migration's fill, every
write of answers — entered, corrected and emptied on the page, a survey sheet, the admin (an
answer changed, deleted, deleted in bulk; a household deleted with its answers; a round
deleted), a round closed — and every write of households (a registry load, the admin: added,
moved to another village and unit, out of poverty, deleted) — which recounts the households of
the villages and units it touched, before and after, and leaves every other place's rows as
they were; and the satisfaction results (and the results per unit and cadre) read from them
are what the answers and the households themselves give."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db.models import Count, Q
from django.forms.models import model_to_dict
from django.test import Client

from devdata import synthetic
from tests.committed import committed_county
from tests.villages import satisfaction_reference as reference
from tests.villages.files import csv_bytes
from villages.models import (
    Household,
    HouseholdSurveyTally,
    ItemSurveyTally,
    LivelihoodItem,
    SurveyAnswer,
    SurveyRound,
    Unit,
    UnitHouseholdTally,
    Village,
    VillageHouseholdTally,
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


def counted_households(key, people=False):
    """The households counted in Python per (``key``, year registered, year out of poverty):
    households (and people)."""
    counts = {}
    for other, registered_on, exited_on, size in Household.objects.values_list(
        key, "registered_on", "exited_on", "size"
    ):
        if other is not None:
            group = (other, registered_on.year, exited_on.year if exited_on else None)
            households, persons = counts.get(group, (0, 0))
            counts[group] = (households + 1, persons + size)
    return {group: figures if people else figures[:1] for group, figures in counts.items()}


def stored_households(model, key, people=False):
    fields = [key, "registered_year", "exited_year", "households"] + (["people"] if people else [])
    rows = model.objects.values_list(*fields)
    stored = {tuple(row[:3]): tuple(row[3:]) for row in rows}
    assert len(stored) == len(rows)  # one row a group
    return stored


def assert_tallies_exact():
    households = counted("household_id")
    assert households  # the data has answers
    assert stored(HouseholdSurveyTally, "household_id") == households
    assert stored(ItemSurveyTally, "item_id") == counted("item_id")
    places = {pk: (v, u) for pk, v, u in Household.objects.values_list("pk", "village_id", "unit_id")}
    copied = HouseholdSurveyTally.objects.values_list("household_id", "village_id", "unit_id")
    assert {h: (v, u) for h, v, u in copied} == {h: places[h] for h, v, u in copied}
    assert stored_households(VillageHouseholdTally, "village_id") == counted_households("village_id")
    assert stored_households(UnitHouseholdTally, "unit_id", True) == counted_households("unit_id", True)


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
    """The satisfaction results and the results per unit and cadre equal, whole dict, what
    the selector's code before the tallies (``satisfaction_reference``, at 1766ec9) gives
    from the answers and the households themselves."""

    def pages(module, year):
        return module.results(year), module.unit_results(year)

    from_tallies = {year: pages(selectors, year) for year in years}
    with monkeypatch.context() as patched:
        patched.setattr(reference, "_answer_sums", live_answer_sums)
        patched.setattr(reference, "_per_item_round", live_per_item_round)
        patched.setattr(reference, "_unit_cadre_answers", live_unit_cadre_answers)
        from_answers = {year: pages(reference, year) for year in years}
    for year in years:
        assert from_tallies[year] == from_answers[year], year
        for rows in (0, 1, 2, 1000):  # the page's figures: the whole dict's, cut
            assert selectors.results(year, page_rows=rows) == page_part(from_answers[year][0], rows), (
                year,
                rows,
            )
    assert any(unit["surveyed"] for unit in from_tallies[years[1]][1]["units"])  # answers seen
    assert any(unit["exited"] for year in years for unit in from_tallies[year][1]["units"])
    assert from_tallies[years[1]][0]["registered"]


def page_part(whole, rows):
    """The results page's figures (``selectors.results(year, page_rows=rows)``) as a cut of the
    whole dict: the first ``rows`` villages' rows, their number, no assisting units."""
    townships, left = [], rows
    for township in whole["townships"]:
        townships.append({**township, "villages": township["villages"][:left]})
        left -= len(townships[-1]["villages"])
    cut = {key: value for key, value in whole.items() if key not in ("assisting_units", "outreach")}
    villages = sum(len(township["villages"]) for township in whole["townships"])
    return {**cut, "townships": townships, "village_count": villages, "outreach": whole["outreach"]}


def answered_years():
    year = SurveyRound.objects.values_list("year", flat=True)[0]
    return [year - 1, year, year + 1]


def some_answers():
    return SurveyAnswer.objects.select_related("round", "household", "item").order_by("pk")


def test_rebuilt_tallies_equal_the_answers(county):
    assert_tallies_exact()


def test_the_migration_fills_the_households_tallies_and_places(county):
    # 0014 filled the answers' tallies; 0015 copies the households' village and unit onto
    # them (here scrambled first) and counts the households
    VillageHouseholdTally.objects.all().delete()
    UnitHouseholdTally.objects.all().delete()
    other = Village.objects.order_by("-code")[0]
    HouseholdSurveyTally.objects.update(village=other, unit=None)
    importlib.import_module("villages.migrations.0015_household_tallies").fill(apps, None)
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


def admin_post(household, **changes):
    """The admin's change form of ``household`` as posted, with ``changes``."""
    data = {key: value for key, value in model_to_dict(household).items() if value is not None}
    data.update(changes)
    return data


def test_households_loaded_from_the_registry(county, monkeypatch):
    answered = Household.objects.filter(survey_answers__isnull=False).distinct().order_by("code")[0]
    other = Village.objects.exclude(pk=answered.village_id).order_by("code")[0]
    sheet = csv_bytes(
        [
            ["code", "village", "head", "size", "assistance", "registered_on", "exited_on"],
            # moved to another village, out of poverty in 2016, one more person
            [
                answered.code,
                other.code,
                answered.head,
                answered.size + 1,
                answered.assistance,
                answered.registered_on.isoformat(),
                "2016-06-01",
            ],
            ["H-NEW-1", other.code, "钱六", 4, "industry", "2015-03-01", ""],  # added
        ]
    )
    report = registry.load([("households.csv", sheet)])
    assert report.ok, report.errors
    answered.refresh_from_db()
    assert (answered.village_id, answered.exited_on) == (other.pk, dt.date(2016, 6, 1))
    assert Household.objects.filter(code="H-NEW-1").exists()
    assert_tallies_exact()
    assert_results_as_from_the_answers(monkeypatch, answered_years())


def test_households_added_edited_and_deleted_in_the_admin(county, admin_user, monkeypatch):
    client = Client()
    client.force_login(admin_user)
    answered = Household.objects.filter(survey_answers__isnull=False, unit__isnull=False).distinct()
    household = answered.order_by("code")[0]
    village = Village.objects.exclude(pk=household.village_id).order_by("code")[0]
    unit = Unit.objects.exclude(pk=household.unit_id).order_by("name")[0]
    # moved to another village and unit, out of poverty, registered a year earlier
    changes = {"village": village.pk, "unit": unit.pk, "exited_on": "2016-09-30"}
    changes["registered_on"] = household.registered_on.replace(year=household.registered_on.year - 1)
    response = client.post(
        f"/admin/villages/household/{household.pk}/change/", admin_post(household, **changes)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert (household.village_id, household.unit_id) == (village.pk, unit.pk)
    assert_tallies_exact()
    assert_results_as_from_the_answers(monkeypatch, answered_years())

    added = admin_post(household, code="H-ADMIN-1", exited_on="", registered_on="2016-02-01")
    response = client.post("/admin/villages/household/add/", added)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Household.objects.filter(code="H-ADMIN-1").exists()
    assert_tallies_exact()

    fresh = Household.objects.get(code="H-ADMIN-1")
    response = client.post(f"/admin/villages/household/{fresh.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert_tallies_exact()


# A write of households recounts the households' tallies of the villages and assisting units it
# touched, before and after the write, and no other (services.households_written(villages=,
# units=)): the other places' rows stay the very same rows (same ids, same counts).


def tally_rows():
    """Every households' tally row, by model and id, with the place it counts."""
    return {
        (model.__name__, row["id"]): row
        for model in (VillageHouseholdTally, UnitHouseholdTally)
        for row in model.objects.values()
    }


def assert_only_rewritten(before, villages, units):
    """The rows of places other than ``villages`` and ``units`` are those of ``before``, none
    deleted, added or changed; and the rows of those places are new rows (counted again)."""
    after = tally_rows()

    def kept(rows):
        return {
            key: row
            for key, row in rows.items()
            if row.get("village_id", "-") not in villages and row.get("unit_id", "-") not in units
        }

    assert kept(after) == kept(before)
    assert kept(before)  # other places have rows: the check is not empty
    touched = after.keys() - kept(after).keys()
    assert touched and not touched & before.keys()


def test_one_household_edited_in_the_admin_field_by_field_recounts_its_places_only(county, admin_user):
    client = Client()
    client.force_login(admin_user)
    household = (
        Household.objects.filter(survey_answers__isnull=False, unit__isnull=False)
        .distinct()
        .order_by("code")[0]
    )
    village = Village.objects.exclude(pk=household.village_id).order_by("code")[0]
    unit = Unit.objects.exclude(pk=household.unit_id).order_by("name")[0]
    registered = household.registered_on
    edits = [
        ({"size": household.size % 30 + 1}, "size"),
        ({"registered_on": registered.replace(year=registered.year - 1)}, "registered"),
        ({"exited_on": dt.date(registered.year + 1, 9, 30)}, "out of poverty"),
        ({"village": village.pk}, "moved to another village"),
        ({"unit": unit.pk}, "moved to another unit"),
        ({"unit": ""}, "no unit any more"),
    ]
    for changes, what in edits:
        household.refresh_from_db()
        places = ({household.village_id}, {household.unit_id})
        before = tally_rows()
        response = client.post(
            f"/admin/villages/household/{household.pk}/change/", admin_post(household, **changes)
        )
        assert response.status_code == 302, (what, response.content.decode()[:2000])
        household.refresh_from_db()
        assert_tallies_exact()
        villages, units = places[0] | {household.village_id}, places[1] | {household.unit_id}
        assert_only_rewritten(before, villages, units)
    assert (household.village_id, household.unit_id, household.exited_on) == (
        village.pk,
        None,
        dt.date(registered.year + 1, 9, 30),
    )


def test_a_village_and_a_unit_losing_their_last_household_lose_their_rows(county, admin_user):
    client = Client()
    client.force_login(admin_user)
    township = Village.objects.order_by("code")[0].township
    empty_village = Village.objects.create(code="V-EMPTY", name="新村", township=township)
    empty_unit = Unit.objects.create(name="新挂帮单位")
    other = Household.objects.filter(unit__isnull=False).order_by("code")[0]
    added = admin_post(other, code="H-LAST-1", village=empty_village.pk, unit=empty_unit.pk, exited_on="")
    response = client.post("/admin/villages/household/add/", added)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_tallies_exact()
    assert VillageHouseholdTally.objects.filter(village=empty_village).exists()
    assert UnitHouseholdTally.objects.filter(unit=empty_unit).exists()

    household = Household.objects.get(code="H-LAST-1")
    moved = admin_post(household, village=other.village_id, unit=other.unit_id)
    response = client.post(f"/admin/villages/household/{household.pk}/change/", moved)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert_tallies_exact()
    assert not VillageHouseholdTally.objects.filter(village=empty_village).exists()
    assert not UnitHouseholdTally.objects.filter(unit=empty_unit).exists()

    # back, then deleted: the places lose their rows again
    response = client.post(
        f"/admin/villages/household/{household.pk}/change/",
        admin_post(household, village=empty_village.pk, unit=empty_unit.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert UnitHouseholdTally.objects.filter(unit=empty_unit).exists()
    response = client.post(f"/admin/villages/household/{household.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert_tallies_exact()
    assert not VillageHouseholdTally.objects.filter(village=empty_village).exists()
    assert not UnitHouseholdTally.objects.filter(unit=empty_unit).exists()


def test_households_deleted_in_bulk_in_the_admin_recount_their_places_only(county, admin_user):
    client = Client()
    client.force_login(admin_user)
    chosen = list(Household.objects.filter(livelihood_outcomes__isnull=True).order_by("-code")[:2])
    chosen.append(Household.objects.filter(livelihood_outcomes__isnull=True).order_by("code")[0])
    villages, units = {h.village_id for h in chosen}, {h.unit_id for h in chosen}
    assert len(villages) > 1
    before = tally_rows()
    response = client.post(
        "/admin/villages/household/",
        {"action": "delete_selected", "_selected_action": [h.pk for h in chosen], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Household.objects.filter(pk__in=[h.pk for h in chosen]).exists()
    assert_tallies_exact()
    assert_only_rewritten(before, villages, units)


def test_a_registry_load_recounts_the_places_of_the_households_it_changed(county):
    households = Household.objects.filter(unit__isnull=False).order_by("code")
    resized = households[0]
    moved = households.exclude(village=resized.village_id)[0]  # its old village recounted too
    renamed = households.exclude(village__in=[resized.village_id, moved.village_id])[0]
    other = Village.objects.exclude(pk__in=[moved.village_id, resized.village_id]).order_by("-code")[0]

    def row(household, **changes):
        values = {
            "code": household.code,
            "village": household.village.code,
            "head": household.head,
            "size": household.size,
            "assistance": household.assistance,
            "registered_on": household.registered_on.isoformat(),
            "exited_on": household.exited_on.isoformat() if household.exited_on else "",
        }
        return list((values | changes).values())

    header = ["code", "village", "head", "size", "assistance", "registered_on", "exited_on"]
    before = tally_rows()
    sheet = csv_bytes(
        [
            header,
            row(resized, size=resized.size % 30 + 1),
            row(moved, village=other.code),
            row(renamed, head="改名"),  # a field the tallies do not count by: its places untouched
        ]
    )
    report = registry.load([("households.csv", sheet)])
    assert report.ok, report.errors
    assert Household.objects.get(pk=moved.pk).village_id == other.pk
    assert_tallies_exact()
    villages = {resized.village_id, moved.village_id, other.pk}
    units = {resized.unit_id, moved.unit_id}
    assert_only_rewritten(before, villages, units)

    # only a field the tallies do not count by: no row rewritten
    before = tally_rows()
    report = registry.load([("households.csv", csv_bytes([header, row(renamed, head="又改名")]))])
    assert report.ok, report.errors
    assert tally_rows() == before


def test_a_village_moved_to_another_township_in_the_admin_keeps_the_tallies(county, admin_user):
    client = Client()
    client.force_login(admin_user)
    village = Village.objects.filter(households__isnull=False).distinct().order_by("code")[0]
    township = Village.objects.exclude(township=village.township_id).order_by("code")[0].township_id
    before = tally_rows()
    data = {key: value for key, value in model_to_dict(village).items() if value is not None}
    response = client.post(f"/admin/villages/village/{village.pk}/change/", {**data, "township": township})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Village.objects.get(pk=village.pk).township_id == township
    assert tally_rows() == before  # its households stay in it: no count changes
    assert_tallies_exact()


def test_a_write_of_households_locks_the_places_it_recounts(county):
    """Two writers of one place take turns (chishui.sql.lock): each deletes the place's rows
    and inserts them counted again, so without the lock they would leave both counts. The
    township, village and unit rows are locked in one order; SQLite runs one writer at a
    time and has no FOR UPDATE."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    if not connection.features.has_select_for_update:
        pytest.skip("no row locks on this database")
    household = Household.objects.exclude(unit=None).select_related("village").first()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.households_written(
            [household.pk],
            townships=[household.village.township_id],
            villages=[household.village_id],
            units=[household.unit_id],
        )
        transaction.set_rollback(True)
    locked = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    tables = [
        next(t for t in ("villages_township", "villages_village", "villages_unit") if f'FROM "{t}"' in sql)
        for sql in locked
    ]
    assert tables == ["villages_township", "villages_village", "villages_unit"]
    first_write = next(i for i, q in enumerate(queries.captured_queries) if q["sql"].startswith("DELETE"))
    assert first_write > max(i for i, q in enumerate(queries.captured_queries) if "FOR UPDATE" in q["sql"])
