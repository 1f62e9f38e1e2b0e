"""The satisfaction answers' counts per (round, household) and per (round, item): the
satisfaction results read these few thousand rows instead of the year's answers (84,180 at
county scale). A derived copy, so one function writes it, :func:`refresh`, and every write of
answers calls it through ``services.answers_written`` (the answers entered on the page, the
survey sheet, the admin, a household deleted); :func:`rebuild` (``manage.py
rebuild_summaries``, the demo) after a change behind the app's back.

The counts are defined once, here (:data:`COUNTS`); the live figures a test compares the
tallies with are the same aggregates over the answers."""

from django.db.models import Count, Q

from villages.models import HouseholdSurveyTally, ItemSurveyTally, SurveyAnswer, SurveyRound

COUNTS = {
    "answers": Count("pk"),
    "satisfied": Count("pk", filter=Q(level=SurveyAnswer.Level.SATISFIED)),
    "fair": Count("pk", filter=Q(level=SurveyAnswer.Level.FAIR)),
}
BATCH = 5000


def live_households(round_ids, household_ids=None):
    """The answers of ``round_ids`` counted per (round, household), from the answers."""
    answers = SurveyAnswer.objects.filter(round_id__in=round_ids)
    if household_ids is not None:
        answers = answers.filter(household_id__in=household_ids)
    return answers.order_by().values("round_id", "household_id").annotate(**COUNTS)


def live_items(round_ids):
    """The answers of ``round_ids`` counted per (round, item), from the answers."""
    answers = SurveyAnswer.objects.filter(round_id__in=round_ids)
    return answers.order_by().values("round_id", "item_id").annotate(**COUNTS)


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


def rebuild():
    """Count every round's answers again; returns the number of rounds."""
    round_ids = list(SurveyRound.objects.values_list("pk", flat=True))
    HouseholdSurveyTally.objects.all().delete()
    ItemSurveyTally.objects.all().delete()
    refresh(round_ids)
    return len(round_ids)
