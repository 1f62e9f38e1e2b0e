"""The satisfaction results' derived counts, so that the page reads a few thousand rows
instead of the year's answers (84,180 at county scale) and the register's households
(701,500 at province scale):

- the answers per (round, household) — with the household's village and assisting unit —
  and per (round, item), written by :func:`refresh`, which every write of answers calls
  through ``services.answers_written`` (the answers entered on the page, the survey sheet,
  the admin, a household deleted);
- the households per village and per assisting unit, by the year registered and the year
  out of poverty, written by :func:`households_written`, which every write of households
  calls (a registry load, the admin) — and which copies the households' village and unit onto
  their answers' tallies again.

:func:`rebuild` (``manage.py rebuild_summaries``, the demo) counts everything again after a
change behind the app's back. The counts are defined once, here (:data:`COUNTS`,
:data:`HOUSEHOLD_KEYS`); the live figures a test compares the tallies with are the same
aggregates over the answers and the households."""

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import ExtractYear

from villages.models import (
    Household,
    HouseholdSurveyTally,
    ItemSurveyTally,
    SurveyAnswer,
    SurveyRound,
    UnitHouseholdTally,
    VillageHouseholdTally,
)

COUNTS = {
    "answers": Count("pk"),
    "satisfied": Count("pk", filter=Q(level=SurveyAnswer.Level.SATISFIED)),
    "fair": Count("pk", filter=Q(level=SurveyAnswer.Level.FAIR)),
}
# A household's years, which decide whether it counts in a year (``selectors``' rules).
HOUSEHOLD_KEYS = {"registered_year": ExtractYear("registered_on"), "exited_year": ExtractYear("exited_on")}
BATCH = 5000


def live_households(round_ids, household_ids=None):
    """The answers of ``round_ids`` counted per (round, household), with the household's
    village and unit, from the answers."""
    answers = SurveyAnswer.objects.filter(round_id__in=round_ids)
    if household_ids is not None:
        answers = answers.filter(household_id__in=household_ids)
    return (
        answers.order_by()
        .values(
            "round_id", "household_id", village_id=F("household__village_id"), unit_id=F("household__unit_id")
        )
        .annotate(**COUNTS)
    )


def live_items(round_ids):
    """The answers of ``round_ids`` counted per (round, item), from the answers."""
    answers = SurveyAnswer.objects.filter(round_id__in=round_ids)
    return answers.order_by().values("round_id", "item_id").annotate(**COUNTS)


def live_villages(village_ids=None):
    """The households counted per (village, year registered, year out of poverty) — of
    ``village_ids`` only, when given. A village without households has no row."""
    households = Household.objects.all()
    if village_ids is not None:
        households = households.filter(village_id__in=village_ids)
    return households.order_by().values("village_id", **HOUSEHOLD_KEYS).annotate(households=Count("pk"))


def live_units(unit_ids=None):
    """The households linked to an assisting unit, and their people, counted per (unit, year
    registered, year out of poverty) — of ``unit_ids`` only, when given (read through
    ``household_unit_years_idx``). A unit without households has no row."""
    households = Household.objects.filter(unit__isnull=False)
    if unit_ids is not None:
        households = households.filter(unit_id__in=unit_ids)
    return (
        households.order_by()
        .values("unit_id", **HOUSEHOLD_KEYS)
        .annotate(households=Count("*"), people=Sum("size"))
    )


def refresh(round_ids, household_ids=None):
    """Count again the answers of ``round_ids``: every item's, and the households' — only
    ``household_ids``' when given (one household's answers entered), else every household's.
    Runs in the caller's transaction."""
    round_ids = list(round_ids)
    if not round_ids:
        return
    households = HouseholdSurveyTally.objects.filter(round_id__in=round_ids)
    if household_ids is not None:
        household_ids = list(household_ids)
        households = households.filter(household_id__in=household_ids)
    households.delete()
    HouseholdSurveyTally.objects.bulk_create(
        (HouseholdSurveyTally(**row) for row in live_households(round_ids, household_ids)), batch_size=BATCH
    )
    ItemSurveyTally.objects.filter(round_id__in=round_ids).delete()
    ItemSurveyTally.objects.bulk_create(
        (ItemSurveyTally(**row) for row in live_items(round_ids)), batch_size=BATCH
    )


def households_written(household_ids=None, *, villages=None, units=None):
    """After households were written (created, changed, deleted): count again the households
    of ``villages`` and of ``units`` (ids of the villages and assisting units of the households
    written, before and after the write: a household moved changes both; default: every
    village's, every unit's; ``None`` among the ids, a household without a unit, is skipped),
    and copy the village and unit of the households ``household_ids`` (default: all) onto
    their answers' tallies. A village's or unit's rows are deleted and counted again whole, so
    they are what a whole recount makes (a village or unit left without households keeps no
    row). Runs in the caller's transaction."""
    _recount(VillageHouseholdTally, "village_id", live_villages, villages)
    _recount(UnitHouseholdTally, "unit_id", live_units, units)
    tallies = HouseholdSurveyTally.objects.all()
    if household_ids is not None:
        household_ids = list(household_ids)
        if not household_ids:
            return
        tallies = tallies.filter(household_id__in=household_ids)
    household = Household.objects.filter(pk=OuterRef("household_id"))
    tallies.update(
        village_id=Subquery(household.values("village_id")[:1]),
        unit_id=Subquery(household.values("unit_id")[:1]),
    )


def _recount(model, key, live, ids):
    """``model``'s rows (a households' tally per ``key``) of the places ``ids`` (default: all)
    deleted and counted again by ``live``: two queries, none when no place is given."""
    rows = model.objects.all()
    if ids is not None:
        ids = sorted({pk for pk in ids if pk is not None})
        if not ids:
            return
        rows = rows.filter(**{f"{key}__in": ids})
    rows.delete()
    model.objects.bulk_create((model(**row) for row in live(ids)), batch_size=BATCH)


def rebuild():
    """Count every round's answers and every household again; returns the number of rounds."""
    round_ids = list(SurveyRound.objects.values_list("pk", flat=True))
    HouseholdSurveyTally.objects.all().delete()
    ItemSurveyTally.objects.all().delete()
    refresh(round_ids)
    households_written(household_ids=[])
    return len(round_ids)
