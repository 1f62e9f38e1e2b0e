"""Each business rule is written once, in the model's clean(), and holds on every entry path:
through the model (``full_clean``) and through the admin's add page, which refuses the same
input with the same message and writes nothing. (The pages' forms and the services call the
same ``clean()``; their tests are in test_inspections.py, test_actions.py, test_problems.py.)"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accountability import periods
from accountability.models import (
    AccountabilityAction,
    Contract,
    Evaluation,
    Finding,
    Inspection,
    Problem,
    Task,
)
from villages.models import Cadre, EconomicOrganization, OutreachEvent, PartyOrganization

pytestmark = pytest.mark.django_db

VILLAGE_OUTSIDE = "该村不属于所选乡镇。"
INLINE_FINDINGS = {
    "findings-TOTAL_FORMS": "0",
    "findings-INITIAL_FORMS": "0",
    "findings-MIN_NUM_FORMS": "0",
    "findings-MAX_NUM_FORMS": "1000",
}


@pytest.fixture
def places(monkeypatch, today, village_a, village_b, secretary_a, resident_cadre, supervisor):
    monkeypatch.setattr(periods, "today", lambda: today)
    inspection = Inspection.objects.create(
        kind="must_check", held_on=dt.date(2016, 5, 10), township=village_a.township, village=village_a
    )
    return {
        "a": village_a.township,
        "b": village_b.township,
        "village_a": village_a,
        "village_b": village_b,
        "secretary": secretary_a.cadre,
        "resident": resident_cadre.cadre,
        "inspection": inspection,
        "today": today,
    }


def _pk(obj):
    return "" if obj is None else str(obj.pk)


# (model, fields of an instance that breaks one rule, the field and message of the refusal,
#  the admin add page's POST data for the same input)
def cases(p):
    contract = {
        "party": "village_branch",
        "year": 2016,
        "township": p["a"],
        "village": p["village_b"],
        "signed_by": p["secretary"],
        "signed_on": dt.date(2016, 2, 1),
    }
    task = {
        "code": "T-1",
        "title": "修路",
        "factor": "project",
        "township": p["a"],
        "village": p["village_b"],
        "owner": p["secretary"],
        "due_on": dt.date(2016, 9, 1),
        "target": 10,
    }
    problem = {
        "township": p["a"],
        "village": p["village_b"],
        "factor": "project",
        "description": "路不通",
        "raised_on": dt.date(2016, 3, 1),
    }
    inspection = {"kind": "unannounced", "held_on": dt.date(2016, 5, 1), "township": p["a"]}
    action = {
        "kind": "warning_talk",
        "cadre": p["secretary"],
        "rank": "section_level",
        "decided_on": dt.date(2016, 5, 1),
        "reason": "进度滞后",
        "inspection": p["inspection"],
    }
    finding = {
        "inspection": p["inspection"],
        "category": "funds_use",
        "severity": "minor",
        "description": "x",
    }
    evaluation = {
        "level": "village_cadre",
        "cycle": "quarterly",
        "year": 2016,
        "period": 1,
        "evaluator": p["secretary"],
        "village": p["village_b"],
        "cadre": p["resident"],
        "score": 80,
        "grade": "good",
        "evaluated_on": dt.date(2016, 4, 1),
    }
    outreach = {
        "kind": "night_school",
        "title": "农民夜校",
        "township": p["a"],
        "village": p["village_b"],
        "held_on": dt.date(2016, 4, 1),
        "attendance": 30,
    }
    econ = {"name": "合作社", "kind": "cooperative", "township": p["a"], "village": p["village_b"]}
    party = {"name": "乙一村党支部", "level": "village_branch", "township": p["a"], "village": p["village_b"]}
    cadre = {"code": "C-9", "name": "张三", "role": "ordinary", "township": p["a"], "village": p["village_b"]}
    return [
        ("contract", Contract, contract, "village", VILLAGE_OUTSIDE, {}),
        ("task", Task, task, "village", VILLAGE_OUTSIDE, {}),
        ("problem", Problem, problem, "village", VILLAGE_OUTSIDE, {}),
        (
            "inspection-village",
            Inspection,
            {**inspection, "village": p["village_b"]},
            "village",
            VILLAGE_OUTSIDE,
            INLINE_FINDINGS,
        ),
        (
            "inspection-spot-level",
            Inspection,
            {**inspection, "kind": "spot_check"},
            "spot_level",
            "五抽查必须选择抽查层级。",
            INLINE_FINDINGS,
        ),
        (
            "inspection-level-without-spot-check",
            Inspection,
            {**inspection, "spot_level": "deputies"},
            "spot_level",
            "只有五抽查才填写抽查层级。",
            INLINE_FINDINGS,
        ),
        (
            "inspection-must-check-place",
            Inspection,
            {**inspection, "kind": "must_check", "township": None},
            "township",
            "五必查必须选择被检查的乡镇或村。",
            INLINE_FINDINGS,
        ),
        (
            "inspection-future",
            Inspection,
            {**inspection, "held_on": p["today"] + dt.timedelta(days=1)},
            "held_on",
            "日期不能晚于今天。",
            INLINE_FINDINGS,
        ),
        (
            "action-before-inspection",
            AccountabilityAction,
            action,
            "decided_on",
            "问责决定日期不能早于来源督查的日期。",
            {},
        ),
        (
            "action-future",
            AccountabilityAction,
            {**action, "decided_on": p["today"] + dt.timedelta(days=1)},
            "decided_on",
            "日期不能晚于今天。",
            {},
        ),
        ("finding-deadline", Finding, finding, "rectify_by", "发现问题时必须规定整改时限。", {}),
        (
            "finding-deadline-before-inspection",
            Finding,
            {**finding, "rectify_by": dt.date(2016, 5, 1)},
            "rectify_by",
            "“资金使用情况”的整改时限不能早于督查日期。",
            {},
        ),
        ("evaluation", Evaluation, evaluation, "cadre", "被评定干部不属于所选村。", {}),
        ("outreach", OutreachEvent, outreach, "village", VILLAGE_OUTSIDE, {}),
        ("economic-organization", EconomicOrganization, econ, "village", VILLAGE_OUTSIDE, {}),
        ("party-organization", PartyOrganization, party, "village", VILLAGE_OUTSIDE, {}),
        ("cadre", Cadre, cadre, "village", VILLAGE_OUTSIDE, {}),
    ]


CASE_IDS = [
    "contract",
    "task",
    "problem",
    "inspection-village",
    "inspection-spot-level",
    "inspection-level-without-spot-check",
    "inspection-must-check-place",
    "inspection-future",
    "action-before-inspection",
    "action-future",
    "finding-deadline",
    "finding-deadline-before-inspection",
    "evaluation",
    "outreach",
    "economic-organization",
    "party-organization",
    "cadre",
]


def _case(places, case_id):
    return next(c for c in cases(places) if c[0] == case_id)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_model_refuses_the_input(places, case_id):
    _, model, fields, field, message, _extra = _case(places, case_id)
    with pytest.raises(ValidationError) as refused:
        model(**fields).full_clean()
    assert message in refused.value.message_dict[field]


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_the_admin_refuses_the_same_input_and_writes_nothing(client, admin_user, places, case_id):
    _, model, fields, field, message, extra = _case(places, case_id)
    client.force_login(admin_user)
    data = {
        name: _pk(value) if hasattr(value, "pk") or value is None else str(value)
        for name, value in fields.items()
    }
    opts = model._meta
    before = model.objects.count()
    response = client.post(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"), {**data, **extra})
    assert response.status_code == 200  # the form again, with its errors
    errors = response.context["adminform"].form.errors
    assert message in errors.get(field, [])
    assert model.objects.count() == before


def test_a_valid_inspection_takes_its_township_from_the_village(places):
    inspection = Inspection(kind="unannounced", held_on=dt.date(2016, 5, 1), village=places["village_a"])
    inspection.full_clean()
    assert inspection.township == places["a"]


def test_overdue_means_the_same_on_the_task_list_the_queryset_and_the_weekly_dashboard(
    secretary_a, supervisor
):
    """One definition (models.tasks.overdue_q): past the deadline and below 100%, never
    reported counting as 0%."""
    from accountability.dashboards import measures
    from accountability.periods import Week
    from accountability.tasks.selectors import tasks_for_list
    from tests.accountability.tasks_factories import make_report, make_task

    week = Week(2016, 23)
    early = Week(2016, 20).start
    late = make_task(secretary_a, "late", due_on=dt.date(2016, 5, 1))  # never reported
    behind = make_task(secretary_a, "behind", due_on=dt.date(2016, 5, 1))
    make_report(behind, early, 40, secretary_a)
    done = make_task(secretary_a, "done", due_on=dt.date(2016, 5, 1))
    make_report(done, early, 100, secretary_a)
    make_task(secretary_a, "not-due", due_on=dt.date(2016, 12, 31))
    on = week.end  # the reports all lie before the week: every view sees the same ones

    expected = {late.pk, behind.pk}
    assert set(Task.objects.overdue(on=on).values_list("pk", flat=True)) == expected
    assert {t.pk for t in tasks_for_list(supervisor, today=on) if t.is_overdue} == expected
    assert set(Task.objects.filter(measures.overdue_q(week)).values_list("pk", flat=True)) == expected
