"""The headline's sums as ``villages/headline.py`` computed them before the ledger (issue 15,
fifth round): one pass over every household, evaluating ``poor_on`` for each day. Kept as
the reference the ledger's sums are compared with (tests/villages/test_poverty_ledger.py);
not product code."""

from django.db.models import Q, Sum

from villages.models import Household, PovertyReturn


def poor_on(day):
    returned = PovertyReturn.objects.filter(returned_on__lte=day).filter(
        Q(exited_again_on__isnull=True) | Q(exited_again_on__gt=day)
    )
    return Q(registered_on__lte=day) & (
        Q(exited_on__isnull=True) | Q(exited_on__gt=day) | Q(pk__in=returned.values("household_id"))
    )


def household_sums(townships, days, since=None, day=None):
    days = list(dict.fromkeys(days))
    aggregates = {f"d{i}": Sum("size", filter=poor_on(d)) for i, d in enumerate(days)}
    flow_keys = ()
    if since is not None:
        returned = PovertyReturn.objects.filter(returned_on__gt=since, returned_on__lte=day)
        aggregates |= {
            "identified": Sum("size", filter=Q(registered_on__gt=since, registered_on__lte=day)),
            "exited": Sum("size", filter=Q(exited_on__gt=since, exited_on__lte=day)),
            "returned": Sum("size", filter=Q(pk__in=returned.values("household_id"))),
        }
        flow_keys = ("identified", "exited", "returned")
    rows = (
        Household.objects.filter(village__township_id__in=[t.pk for t in townships])
        .order_by()
        .values("village__township_id")
        .annotate(**aggregates)
    )
    found = {row["village__township_id"]: row for row in rows}
    out = {}
    for t in townships:
        row = found.get(t.pk, {})
        out[t.pk] = {"poor": {d: row.get(f"d{i}") or 0 for i, d in enumerate(days)}}
        out[t.pk] |= {f"{k}_people": row.get(k) or 0 for k in flow_keys}
    return out
