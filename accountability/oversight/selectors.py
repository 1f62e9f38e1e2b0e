"""Reads of the oversight pages that the page, its JSON and its exports share."""

from django.db.models import Count, Q

from accountability.models import AccountabilityAction, Rank


def distinct_cadres_by_kind(rows, year):
    """A10: for each kind of action decided in ``year``, the distinct cadres by rank class
    (``{kind: {rank: n}}``) and in all (``{kind: n}``), counted in the database in one
    query: a cadre talked to twice counts once. The rank is the one the action recorded (the
    cadre's rank on the day of the decision)."""
    in_year = rows.filter(decided_on__year=year).order_by()
    aggregates = {}
    for kind in AccountabilityAction.Kind.values:
        aggregates[kind] = Count("cadre", distinct=True, filter=Q(kind=kind))
        for rank in Rank.values:
            aggregates[f"{kind}:{rank}"] = Count("cadre", distinct=True, filter=Q(kind=kind, rank=rank))
    counts = in_year.aggregate(**aggregates)
    by_rank = {
        kind: {rank: counts[f"{kind}:{rank}"] for rank in Rank.values}
        for kind in AccountabilityAction.Kind.values
    }
    totals = {kind: counts[kind] for kind in AccountabilityAction.Kind.values}
    return by_rank, totals


def latest_action_year(rows, default):
    """The year of the latest action among ``rows`` (like the dashboards' latest period with
    data), else ``default``."""
    latest = rows.order_by("-decided_on").values_list("decided_on", flat=True).first()
    return latest.year if latest else default


def action_rows(rows, user):
    """The rows of the actions list, its JSON and its exports: joined for the columns, and
    each marked with whether ``user`` may open its source inspection
    (``AccountabilityAction.objects.with_visible_inspection``)."""
    return rows.select_related("cadre__township", "inspection", "task").with_visible_inspection(user)


def action_json(action):
    return {
        "id": action.pk,
        "kind": action.kind,
        "cadre": {"code": action.cadre.code, "name": action.cadre.name},
        "rank": action.rank,
        "decided_on": action.decided_on.isoformat(),
        "inspection": action.inspection_id if action.inspection_visible else None,
        "task": action.task.code if action.task_id else None,
    }
