"""Writes of the organization recording pages. The rules are the models' (``clean()`` and
constraints, already run by the form); a write of several rows runs in one transaction."""

from django.db import transaction

from villages.organization.forms import CollectiveProjectForm


@transaction.atomic
def save_record(form):
    """Save a valid recording form: the row, and a collective project's covered households."""
    instance = form.save()
    if isinstance(form, CollectiveProjectForm):
        instance.households.set(form.cleaned_data["household_codes"])
    return instance
