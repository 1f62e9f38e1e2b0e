"""Writes of the satisfaction survey (C2, C5): opening and closing rounds, one household's
answers, outreach sessions and livelihood outcomes. Forms, the registry's ``surveys`` sheet
and the demo all go through here; each write invalidates the cached pages
(``chishui/cache.py``: the satisfaction results are cached per year) — but not the cached
headline: rounds, answers, outreach sessions and outcomes are none of its inputs
(households, returns to poverty, statistics, places), so these writes pass
``households=False``. A write of households bumps everything.

Every write of answers ends with :func:`answers_written`, which counts them again for the
satisfaction results (``tallies.py``); every write of households (a registry load, the
admin) — and of returns to poverty and villages' townships — with :func:`households_written`,
which counts the households again for them and writes the headline's ledger
(``villages/headline.py``) again. Other apps derive tables from the answers (accountability's
survey summary); villages may not import them, so they subscribe with
:func:`on_answers_written`.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chishui import cache
from chishui.sql import lock
from villages import headline
from villages.models import LivelihoodItem, SurveyAnswer, SurveyRound, Township, Unit, Village
from villages.satisfaction import tallies

ANSWER_CALLBACKS = []


def on_answers_written(callback):
    """``callback(round_ids)`` runs inside the writing transaction after answers changed."""
    ANSWER_CALLBACKS.append(callback)
    return callback


def answers_written(round_ids, household_ids=None):
    """After answers of ``round_ids`` (of ``household_ids`` only, when given) were created,
    changed or deleted, in the writing transaction: their tallies counted again, the cached
    pages invalidated, the subscribers called."""
    round_ids = set(round_ids)
    if round_ids:
        tallies.refresh(round_ids, household_ids)
        cache.invalidate(households=False)
        for callback in ANSWER_CALLBACKS:
            callback(round_ids)


@transaction.atomic(savepoint=False)  # the caller's transaction, or one of its own
def households_written(household_ids=None, *, townships=None, villages=None, units=None, tallied=True):
    """After households (``household_ids``; default: any) were created, changed or deleted —
    or their returns to poverty, or their villages' township — in the writing transaction:
    the households' tallies of ``villages`` and ``units`` counted again (ids of the villages
    and assisting units of the households written, before and after the write; default: all)
    and the households' village and unit copied onto their answers' tallies
    (``tallies.households_written``; ``tallied=False`` when no household's village, unit,
    dates or size changed: a return to poverty, a village moved), the headline's ledger
    written again for ``townships`` (ids of the townships concerned, before and after the
    write; default: all — ``headline.refresh_ledger``), the cached pages invalidated. The one
    entry point of every write of households.

    The places' rows are locked first (``chishui.sql.lock``): two writers of the same township,
    village or unit take turns, the second counting after the first committed — each deletes
    a place's rows and inserts them counted again, so together they would leave both
    counts."""
    lock(Township, townships)
    if tallied:
        lock(Village, villages)
        lock(Unit, units)
        tallies.households_written(household_ids, villages=villages, units=units)
    headline.refresh_ledger(townships)
    cache.invalidate()


@transaction.atomic
def open_round(*, year, number, held_on, ends_on=None, user=None):
    survey_round = SurveyRound(year=year, number=number, held_on=held_on, ends_on=ends_on)
    survey_round.full_clean()
    survey_round._history_user = user
    survey_round.save()
    cache.invalidate(households=False)
    return survey_round


@transaction.atomic
def close_round(survey_round, *, user=None):
    """Close ``survey_round``: its answers become read-only."""
    survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
    if survey_round.closed:
        raise ValidationError(_("%(round)s已经结束。") % {"round": survey_round})
    survey_round.closed = True
    survey_round._history_user = user
    survey_round.save(update_fields=["closed"])
    cache.invalidate(households=False)
    return survey_round


def record_answers(survey_round, household, levels, *, user=None):
    """Set ``household``'s answers in ``survey_round`` to ``levels`` ({item id: level or
    None}); an item given None is removed (not asked). Each change is validated by the
    model, kept in the audit history with ``user``, all in one transaction. Returns the
    number of answers created, changed and removed."""
    with transaction.atomic():
        survey_round = SurveyRound.objects.select_for_update().get(pk=survey_round.pk)
        if survey_round.closed:
            raise ValidationError(_("%(round)s已结束，答卷不能再修改。") % {"round": survey_round})
        if not any(level is not None for level in levels.values()):
            raise ValidationError(_("至少要填写一项满意度。"))
        existing = {
            a.item_id: a for a in SurveyAnswer.objects.filter(round=survey_round, household=household)
        }
        created = changed = removed = 0
        for item_id, level in levels.items():
            answer = existing.get(item_id)
            if level is None:
                if answer is not None:
                    answer._history_user = user
                    answer.delete()
                    removed += 1
                continue
            if answer is None:
                answer = SurveyAnswer(round=survey_round, household=household, item_id=item_id, level=level)
                answer.full_clean()
                answer._history_user = user
                answer.save()
                created += 1
            elif answer.level != int(level):
                answer.level = level
                answer.full_clean()
                answer._history_user = user
                answer.save(update_fields=["level"])
                changed += 1
        if created or changed or removed:
            answers_written({survey_round.pk}, {household.pk})
    return created, changed, removed


@transaction.atomic
def save_record(form):
    """Save a valid outreach or outcome form (C5): the row, and the cached pages' version."""
    record = form.save()
    cache.invalidate(households=False)
    return record


def items():
    return list(LivelihoodItem.objects.order_by("order"))
