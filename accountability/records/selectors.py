"""Reads of the supervisors' recording pages: the scoped, joined rows of the lists, a
contract's progress against its targets (the monthly dashboard's own measures), and the
audit history of a record as "who changed which field when"."""

import datetime as dt

from django.db.models import ForeignKey
from django.http import Http404
from django.utils.translation import gettext as _

from accountability import periods
from accountability.dashboards.selectors import _pct, monthly_dashboard
from accountability.models import Commendation, Contract, Exposure
from accountability.periods import Month
from villages.scope import Scope


def contracts_for_list(user):
    return Contract.objects.for_user(user).select_related("township", "village", "signed_by")


def contract_for(user, pk):
    """The contract ``pk`` if ``user`` may see it (``for_user``: a signer his own), else 404."""
    try:
        return contracts_for_list(user).get(pk=pk)
    except Contract.DoesNotExist:
        raise Http404(_("没有找到该责任书。")) from None


def exposures_for_list(user):
    return Exposure.objects.for_user(user).select_related("township", "task")


def commendations_for_list(user):
    return Commendation.objects.for_user(user).select_related("cadre__township", "cadre__village")


# (target field, year-to-date figure of the monthly dashboard) a contract's progress compares
PROGRESS_MEASURES = [
    ("target_households", "households_exited"),
    ("target_people", "people_exited"),
    ("target_villages", "villages_exited"),
]


def contract_progress(contract, today=None):
    """Progress against the contract's targets, month by month, from the monthly dashboard
    (``monthly_dashboard``) of the contract's place: the township for a township
    committee's contract, the village for a village branch's or a work team's. The
    percentages are the dashboard's (``_pct`` of the year-to-date exits over the target):
    for a township committee's or a village branch's contract they are the very figures of
    ``/dashboard/monthly/`` at that place. None for a year not begun."""
    today = today or periods.today()
    if contract.year > today.year:
        return None
    last = Month.of(today) if contract.year == today.year else Month(contract.year, 12)
    scope = Scope(contract.township, contract.village)
    data = monthly_dashboard(scope, last)
    ytd = data["year_to_date"]
    rows = [
        {
            "label": contract._meta.get_field(target).verbose_name,
            "target": getattr(contract, target),
            "done": ytd[figure],
            "pct": _pct(ytd[figure], getattr(contract, target)),
        }
        for target, figure in PROGRESS_MEASURES
    ]
    if not contract.village_id:
        rows.append(
            {
                "label": contract._meta.get_field("township_exit").verbose_name,
                "target": 1 if contract.township_exit else 0,
                "done": ytd["townships_exited"],
                "pct": _pct(ytd["townships_exited"], 1 if contract.township_exit else 0),
            }
        )
    # month by month: the households and people exited so far against the targets
    months = []
    households = people = 0
    for row in data["by_month"]:
        households += row["households_exited"] or 0
        people += row["people_exited"] or 0
        months.append(
            {
                "month": row["month"],
                "households": households,
                "households_pct": _pct(households, contract.target_households),
                "people": people,
                "people_pct": _pct(people, contract.target_people),
            }
        )
    return {"month": data["label"], "period": data["period"], "rows": rows, "months": months}


def history_changes(record, fields):
    """The audit history of ``record`` as a list, newest first, of ``{"record": history
    record (date, user), "type": created/changed, "changes": [(label, old, new)]}`` for
    ``fields``. Two queries (the history with its users, and the names of related rows the
    changes mention), however long the history."""
    history = list(record.history.select_related("history_user").order_by("history_date", "history_id"))
    model = type(record)
    related = {}  # field name -> ids that appear in the history
    for name in fields:
        field = model._meta.get_field(name)
        if isinstance(field, ForeignKey):
            related[name] = {getattr(h, field.attname) for h in history} - {None}
    names = {}
    for name, ids in related.items():
        target = model._meta.get_field(name).related_model
        names[name] = {obj.pk: str(obj) for obj in target._base_manager.filter(pk__in=ids)} if ids else {}

    def shown(name, value):
        field = model._meta.get_field(name)
        if name in names:
            return names[name].get(value, "—") if value is not None else "—"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, dt.date):
            return value.isoformat()
        return "—" if value in (None, "") else value

    rows = []
    previous = None
    for entry in history:
        if previous is None:
            changes = []
        else:
            delta = entry.diff_against(previous, included_fields=fields)
            changes = [
                (
                    model._meta.get_field(change.field).verbose_name,
                    shown(change.field, change.old),
                    shown(change.field, change.new),
                )
                for change in delta.changes
            ]
        rows.append({"record": entry, "created": previous is None, "changes": changes})
        previous = entry
    rows.reverse()
    return rows
