"""The satisfaction results' selector as it was at 1766ec9 (before the households' tallies and
the sums per village in the database), kept as the reference the new one must equal, whole
dict (the page, its JSON and its exports are made from it): the answers' tallies per household
joined to the households and summed in Python, the registered households and the units' linked
households counted over the households themselves. Outreach is unchanged (the selector's)."""

import datetime as dt

from django.db.models import Count, Q, Sum

from villages.models import (
    HouseholdSurveyTally,
    ItemSurveyTally,
    LivelihoodItem,
    SurveyRound,
    Township,
    Village,
)
from villages.satisfaction.selectors import LEVEL_KEYS, _linked, outreach


def _share(part, whole):
    return round(100 * part / whole, 1) if whole else None


def _shares(row):
    """The answer counts of a grouped row as shares (None: nobody was asked)."""
    answers = row.get("answers") or 0
    satisfied, fair = row.get("satisfied") or 0, row.get("fair") or 0
    return {
        "answers": answers,
        "satisfied_share": _share(satisfied, answers),
        "fair_share": _share(fair, answers),
        "content_share": _share(satisfied + fair, answers),
    }


def _registered_q(year, path=""):
    """Households on the register during ``year``: registered by its end, not out before it."""
    return Q(**{f"{path}registered_on__lte": dt.date(year, 12, 31)}) & (
        Q(**{f"{path}exited_on__isnull": True}) | Q(**{f"{path}exited_on__gte": dt.date(year, 1, 1)})
    )


def _answer_sums(round_ids):
    """The answers of the rounds ``round_ids`` summed per village — (the year's counts, {round
    pk: that round's counts}) — and per unit (the year's counts); each counts the answers,
    satisfied and fair answers and ``surveyed``, the households that answered. Read from the
    households' tallies (``tallies.py``: a row per household and round, 3,660 a year at county
    scale, where the answers are 84,180), joined to the households for their village and
    unit, one query; a household belongs to one village and one unit, so the sums are those
    of its rows."""
    rows = (
        HouseholdSurveyTally.objects.filter(round_id__in=round_ids)
        .order_by()
        .values_list("household_id", "household__village_id", "household__unit_id", "round_id", *LEVEL_KEYS)
    )
    by_village, by_unit, seen = {}, {}, set()
    for household_id, village_id, unit_id, round_id, answers, satisfied, fair in rows:
        village = by_village.get(village_id)
        if village is None:
            village = by_village[village_id] = (_zero(), {pk: _zero() for pk in round_ids})
        unit = by_unit.get(unit_id)
        if unit is None:
            unit = by_unit[unit_id] = _zero()
        year, per_round = village
        for counts in (year, per_round[round_id], unit):
            counts["answers"] += answers
            counts["satisfied"] += satisfied
            counts["fair"] += fair
        per_round[round_id]["surveyed"] += 1
        if household_id not in seen:
            seen.add(household_id)
            year["surveyed"] += 1
            unit["surveyed"] += 1
    return by_village, by_unit


def _zero():
    return {"answers": 0, "satisfied": 0, "fair": 0, "surveyed": 0}


def _per_item_round(round_ids):
    """``{(item id, round id): {"answers", "satisfied", "fair"}}`` from the items' tallies."""
    return {
        (r["item_id"], r["round_id"]): r
        for r in ItemSurveyTally.objects.filter(round_id__in=round_ids)
        .order_by()
        .values("item_id", "round_id", *LEVEL_KEYS)
    }


def _add(total, row):
    for key in ("answers", "satisfied", "fair", "surveyed"):
        total[key] = total.get(key, 0) + (row.get(key) or 0)
    return total


def results(year):
    """The 群众满意度 page of ``year``: rounds (trend), items, townships → villages, the
    assisting units and outreach. Shares are percents; None where nobody was surveyed.

    Two queries read the answers' tallies (``tallies.py``): per household and round, and
    per item and round. A household belongs to one village and one unit, so the answers and
    the households surveyed in a round or over the year, in a village, a township, the
    county or by a unit are sums of the households' rows."""
    rounds = list(SurveyRound.objects.filter(year=year).order_by("number"))
    round_ids = [r.pk for r in rounds]
    by_village, by_unit = _answer_sums(round_ids)
    by_item_round = _per_item_round(round_ids)
    items = list(LivelihoodItem.objects.order_by("order").values("id", "code", "name", "category"))
    villages = list(
        Village.objects.annotate(registered=Count("households", filter=_registered_q(year, "households__")))
        .order_by("township__code", "code")
        .values("id", "code", "name", "township_id", "registered")
    )
    townships = list(Township.objects.order_by("code").values("id", "code", "name"))

    by_round = {pk: {} for pk in round_ids}
    township_rows = {
        t["id"]: {**t, "villages": [], "sum": {}, "rounds": {n: {} for n in round_ids}} for t in townships
    }
    for v in villages:
        row, per_round = by_village.get(v["id"], ({}, {}))
        township = township_rows[v["township_id"]]
        _add(township["sum"], row)
        township["sum"]["registered"] = township["sum"].get("registered", 0) + v["registered"]
        for n in round_ids:
            _add(township["rounds"][n], per_round.get(n, {}))
            _add(by_round[n], per_round.get(n, {}))
        township["villages"].append(
            {
                "code": v["code"],
                "name": v["name"],
                "registered": v["registered"],
                "surveyed": row.get("surveyed", 0),
                **_shares(row),
                "rounds": [_shares(per_round.get(n, {}))["content_share"] for n in round_ids],
            }
        )
    township_out = [
        {
            "code": t["code"],
            "name": t["name"],
            "registered": t["sum"].get("registered", 0),
            "surveyed": t["sum"].get("surveyed", 0),
            **_shares(t["sum"]),
            "rounds": [_shares(t["rounds"][n])["content_share"] for n in round_ids],
            "villages": t["villages"],
        }
        for t in township_rows.values()
    ]
    total = {key: sum(r.get(key, 0) for r in by_round.values()) for key in LEVEL_KEYS}
    item_out = []
    for item in items:
        per_round = [by_item_round.get((item["id"], n), {}) for n in round_ids]
        row = {key: sum(r.get(key, 0) for r in per_round) for key in LEVEL_KEYS}
        item_out.append(
            {
                "code": item["code"],
                "name": item["name"],
                "category": item["category"],
                **_shares(row),
                "rounds": [_shares(r)["content_share"] for r in per_round],
            }
        )
    ranked = [i for i in item_out if i["content_share"] is not None]
    lagging = sorted(ranked, key=lambda i: (i["content_share"], i["code"]))[:5]
    return {
        "year": year,
        "registered": sum(v["registered"] for v in villages),
        "surveyed": sum(t["surveyed"] for t in township_out),
        **_shares(total if total["answers"] else {}),
        "rounds": [
            {
                "number": r.number,
                "held_on": r.held_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                "closed": r.closed,
                "surveyed": by_round[r.pk].get("surveyed", 0),
                **_shares(by_round[r.pk]),
            }
            for r in rounds
        ],
        "items": item_out,
        "lagging_items": [i["code"] for i in lagging],
        "townships": township_out,
        "assisting_units": unit_results(year, cadres=False, unit_answers=by_unit)["units"],
        "outreach": outreach(year, townships),
    }


def _unit_cadre_answers(year):
    """The answers of ``year``'s rounds, satisfied and fair answers and households surveyed
    per (unit, cadre) of the households, from the households' tallies (``tallies.py``; one
    query, over a few thousand rows instead of the year's answers)."""
    return (
        HouseholdSurveyTally.objects.filter(round__year=year)
        .order_by()
        .values("household__unit_id", "household__cadre_id")
        .annotate(
            answers=Sum("answers"),
            satisfied=Sum("satisfied"),
            fair=Sum("fair"),
            surveyed=Count("household_id", distinct=True),
        )
    )


def unit_results(year, cadres=True, unit_answers=None):
    """C1: for each assisting unit (挂帮单位) and each helping cadre (帮扶责任人), the households
    and people linked, those out of poverty in ``year``, those still poor, and the
    satisfaction of their households in the year's rounds. Three queries: the answers per
    (unit, cadre) — a household has one of each, so units' and cadres' figures are sums of
    those groups —, the linked households with the unit's name, with the cadre's.
    ``unit_answers``: the units' answer counts, when the caller has them already."""

    def row(base, linked, answered):
        return {
            **base,
            "households": linked["households"],
            "people": linked["people"] or 0,
            "exited": linked["exited"],
            "exited_people": linked["exited_people"] or 0,
            "still_poor": linked["still_poor"],
            "surveyed": answered.get("surveyed", 0),
            **_shares(answered),
        }

    cadre_answers = {}
    if unit_answers is None or cadres:
        unit_answers = {}
        for r in _unit_cadre_answers(year):
            _add(unit_answers.setdefault(r["household__unit_id"], {}), r)
            _add(cadre_answers.setdefault(r["household__cadre_id"], {}), r)
    units = [
        row({"name": u["unit__name"]}, u, unit_answers.get(u["unit_id"], {}))
        for u in _linked(year, "unit", ["unit__name"])
    ]
    if not cadres:
        return {"year": year, "units": units}
    cadres = [
        row(
            {"code": c["cadre__code"], "name": c["cadre__name"], "unit": c["cadre__unit__name"] or ""},
            c,
            cadre_answers.get(c["cadre_id"], {}),
        )
        for c in _linked(year, "cadre", ["cadre__code", "cadre__name", "cadre__unit__name"])
    ]
    return {"year": year, "units": units, "cadres": cadres}
