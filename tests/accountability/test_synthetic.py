"""The synthetic county (devdata/synthetic.py) is deterministic, and writing its bulk rows
(households, weekly reports, survey answers) as plain rows through the database cursor
instead of model instances changed none of them.

The fingerprint is computed here from the database: every generated row of every model,
by natural keys (codes, names, weeks), not by primary keys, which depend on the database's
sequences. ``SMALL_FINGERPRINT`` was computed by this test from the generator that wrote
model instances with ``bulk_create`` (before the plain rows), on SQLite and on PostgreSQL
alike."""

import hashlib

import pytest

from accountability.models import (
    AccountabilityAction,
    Contract,
    Evaluation,
    Exposure,
    Finding,
    Inspection,
    ProgressReport,
    Task,
)
from devdata import synthetic
from villages.models import (
    Cadre,
    CollectiveProject,
    Household,
    PairingProject,
    SurveyAnswer,
    Township,
    Unit,
    Village,
)

SMALL_FINGERPRINT = "3bff2a09b7942ba3d9206c1a3e73106efc9d1f7840d21fe7a374c9cea1451081"

# every generated row, by natural keys, in a stable order
ROWS = {
    Unit: ("name",),
    Township: ("code", "name", "kind", "poverty", "exited_on"),
    Village: ("code", "township__code", "name", "poverty", "exited_on"),
    Cadre: ("code", "name", "role", "township__code", "village__code", "team_slot", "unit__name"),
    Household: (
        "code",
        "village__code",
        "head",
        "size",
        "assistance",
        "registered_on",
        "exited_on",
        "income",
        "unit__name",
        "cadre__code",
    ),
    Contract: (
        "party",
        "year",
        "township__code",
        "village__code",
        "signed_by__code",
        "signed_on",
        "target_households",
        "target_people",
        "target_villages",
        "target_tasks",
        "township_exit",
    ),
    Task: (
        "code",
        "title",
        "factor",
        "township__code",
        "village__code",
        "owner__code",
        "starts_on",
        "due_on",
        "target",
        "unit",
    ),
    ProgressReport: ("task__code", "week", "value", "percent", "note", "reporter__username", "version"),
    Exposure: ("kind", "aired_on", "township__code", "task__code", "programme", "title"),
    Evaluation: ("level", "cycle", "year", "period", "evaluator__code", "village__code", "score", "grade"),
    Inspection: ("kind", "held_on", "township__code", "village__code", "summary"),
    Finding: ("inspection__township__code", "inspection__held_on", "category", "severity"),
    AccountabilityAction: ("kind", "cadre__code", "rank", "decided_on", "reason"),
    SurveyAnswer: ("round__number", "household__code", "item__code", "level"),
    PairingProject: ("enterprise__name", "village__code", "name", "funds", "started_on"),
    CollectiveProject: ("code", "village__code", "name", "year", "fiscal_funds", "loan_subsidy"),
}


def fingerprint():
    digest = hashlib.sha256()
    for model, fields in ROWS.items():
        rows = sorted(repr(tuple(str(value) for value in row)) for row in model.objects.values_list(*fields))
        digest.update(f"{model._meta.label}:{len(rows)}\n".encode())
        for row in rows:
            digest.update(row.encode())
            digest.update(b"\n")
    return digest.hexdigest()


@pytest.mark.django_db
def test_the_small_synthetic_county_is_the_same_rows_as_before():
    counts = synthetic.build("small")
    assert counts["progressreport"] > 900
    assert counts["household"] == 360
    assert fingerprint() == SMALL_FINGERPRINT


@pytest.mark.django_db
def test_plain_rows_fill_the_fields_they_are_not_given_with_their_defaults():
    synthetic.build("small")
    report = ProgressReport.objects.order_by("task__code", "week").first()
    assert report.note == ""
    assert report.version == 1
    assert report.created_at is not None and report.updated_at is not None
    assert Household.objects.filter(cadre__isnull=False).count() == 0
    # the survey sample is each village's first households, as before
    sampled = set(SurveyAnswer.objects.values_list("household__code", flat=True))
    village = Village.objects.order_by("code").first()
    assert {code for code in sampled if code.startswith(f"{village.code}-")} == {
        f"{village.code}-{j:04d}" for j in range(synthetic.SCALES["small"].survey_households_per_village)
    }
