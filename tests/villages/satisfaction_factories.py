"""Places, households and survey data for the satisfaction tests."""

import datetime as dt

from django.core.management import call_command

from villages.models import Household, LivelihoodItem, SurveyAnswer, SurveyRound, Unit
from villages.satisfaction import tallies

ITEMS = 23


def load_items():
    call_command("loaddata", "livelihood_items", verbosity=0)
    return list(LivelihoodItem.objects.order_by("order"))


def household(village, code, head="张三", size=3, **fields):
    fields.setdefault("registered_on", dt.date(2014, 5, 1))
    created = Household.objects.create(
        code=code, village=village, head=head, size=size, assistance=Household.Assistance.INDUSTRY, **fields
    )
    tallies.households_written([created.pk])  # as every write of households does
    return created


def survey_round(year=2016, number=1, held_on=None, **fields):
    return SurveyRound.objects.create(
        year=year, number=number, held_on=held_on or dt.date(year, 4 * number, 10), **fields
    )


def answer_all(survey_round, household, items, levels):
    """``levels``: one level per item, or a single level for every item."""
    if isinstance(levels, int):
        levels = [levels] * len(items)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(round=survey_round, household=household, item=item, level=level)
        for item, level in zip(items, levels, strict=False)
    )
    tallies.refresh([survey_round.pk], [household.pk])  # as every write of answers does


def unit(name):
    return Unit.objects.get_or_create(name=name)[0]
