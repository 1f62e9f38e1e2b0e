"""Writes of the organization recording pages. The rules are the models' (``clean()`` and
constraints, already run by the form); a write of several rows runs in one transaction.

Other apps show some of these rows (accountability's monthly dashboard: the "1+X" and
collective funds); villages may not import them, so they subscribe with
:func:`on_record_saved`. Every save invalidates the cached pages (``chishui/cache.py``: the
organization overview is cached per year and place)."""

from django.db import transaction

from chishui import cache
from villages.organization.forms import CollectiveProjectForm

RECORD_CALLBACKS = []


def on_record_saved(callback):
    """``callback([instance])`` runs inside the writing transaction after a record is saved."""
    RECORD_CALLBACKS.append(callback)
    return callback


@transaction.atomic
def save_record(form):
    """Save a valid recording form (a record, or a work team's member): the row, and a
    collective project's covered households."""
    instance = form.save()
    if isinstance(form, CollectiveProjectForm):
        instance.households.set(form.cleaned_data["household_codes"])
    cache.invalidate()
    for callback in RECORD_CALLBACKS:
        callback([instance])
    return instance
