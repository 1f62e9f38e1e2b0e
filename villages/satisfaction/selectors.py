"""Reads of the satisfaction pages (C1, C2, C5). Every number is a grouped aggregate in the
database: a page runs the same queries whatever the size of the county."""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.http import Http404
from django.utils.translation import gettext as _

from villages import roles
from villages.models import (
    Household,
    HouseholdSurveyTally,
    ItemSurveyTally,
    LivelihoodItem,
    LivelihoodOutcome,
    OutreachEvent,
    SurveyAnswer,
    SurveyRound,
    Township,
    Village,
)

# Who may enter answers: survey workers in their villages, county supervisors anywhere.
ENTRY_ROLES = (roles.SURVEY_WORKER, roles.COUNTY_SUPERVISOR)
# Who reads the results and opens or closes rounds.
RESULT_ROLES = (roles.COUNTY_SUPERVISOR, roles.ADMIN)

LEVEL_KEYS = ("answers", "satisfied", "fair")


def surveyable_villages(user):
    """The villages ``user`` may survey: a survey worker's village, or every village of his
    township; a supervisor's: all. Anybody else: none."""
    role = roles.role_of(user)
    if role == roles.COUNTY_SUPERVISOR:
        return Village.objects.all()
    if role != roles.SURVEY_WORKER:
        return Village.objects.none()
    cadre = roles.cadre_of(user)
    if cadre is None:
        return Village.objects.none()
    if cadre.village_id:
        return Village.objects.filter(pk=cadre.village_id)
    if cadre.township_id:
        return Village.objects.filter(township_id=cadre.township_id)
    return Village.objects.none()


def surveyable_households(user):
    return Household.objects.filter(village__in=surveyable_villages(user))


def household_for(user, code):
    """The household with ``code`` if ``user`` may survey it, else 404."""
    household = surveyable_households(user).select_related("village__township").filter(code=code).first()
    if household is None:
        raise Http404(_("没有编码为 %(code)s 的贫困户，或不在您的测评范围内。") % {"code": code})
    return household


def find_households(user, query, limit=20):
    """Households by code or head's name (a prefix of either) within the user's villages."""
    query = query.strip()
    if not query:
        return []
    return list(
        surveyable_households(user)
        .filter(Q(code__istartswith=query) | Q(head__startswith=query))
        .select_related("village__township")
        .order_by("code")[:limit]
    )


def pending_q(survey_round):
    """The one definition of a household still to be surveyed in ``survey_round``: registered
    by the round's end, not out of poverty before the round's year, and without any answer
    in the round."""
    answered = SurveyAnswer.objects.filter(round=survey_round, household=OuterRef("pk"))
    return (
        (Q(exited_on__isnull=True) | Q(exited_on__year__gte=survey_round.year))
        & Q(registered_on__lte=survey_round.ends_on or dt.date(survey_round.year, 12, 31))
        & ~Exists(answered)
    )


def pending_households(user, survey_round, village_ids=None, limit=200):
    """Households of the user's villages (or of ``village_ids`` among them) without any
    answer in ``survey_round``; and how many there are."""
    households = surveyable_households(user).filter(pending_q(survey_round))
    if village_ids is not None:
        households = households.filter(village_id__in=village_ids)
    return (
        list(households.select_related("village__township").order_by("village__code", "code")[:limit]),
        households.count(),
    )


def open_rounds():
    """The rounds still open for answers, the latest first."""
    return list(SurveyRound.objects.filter(closed=False).order_by("-year", "-number"))


def pending_by_village(rounds, households=None):
    """``{village_id: {"township_id": id, round pk: households left}}`` for the open
    ``rounds``, over ``households`` (default: all): one grouped query, whatever the number of
    villages and rounds. The reminders (催报) to survey workers count with it."""
    if not rounds:
        return {}
    households = Household.objects.all() if households is None else households
    counts = (
        households.order_by()
        .values("village_id", "village__township_id")
        .annotate(**{f"r{r.pk}": Count("pk", filter=pending_q(r)) for r in rounds})
    )
    return {
        row["village_id"]: {
            "township_id": row["village__township_id"],
            **{r.pk: row[f"r{r.pk}"] for r in rounds},
        }
        for row in counts
    }


def households_left(user, rounds):
    """``[(round, households left)]`` in the user's villages, per open round (one query)."""
    if not rounds:
        return []
    counts = surveyable_households(user).aggregate(
        **{f"r{r.pk}": Count("pk", filter=pending_q(r)) for r in rounds}
    )
    return [(r, counts[f"r{r.pk}"]) for r in rounds]


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


def _linked(year, key, names):
    """Households and people linked through ``key`` (unit or cadre), those out of poverty in
    ``year`` and those still poor at its end; with the ``names`` of the unit or cadre, in
    their order (one query)."""
    end = dt.date(year, 12, 31)
    return list(
        Household.objects.filter(**{f"{key}__isnull": False}, registered_on__lte=end)
        .values(f"{key}_id", *names)
        .annotate(
            households=Count("pk"),
            people=Sum("size"),
            exited=Count("pk", filter=Q(exited_on__year=year)),
            exited_people=Sum("size", filter=Q(exited_on__year=year)),
            still_poor=Count("pk", filter=Q(exited_on__isnull=True) | Q(exited_on__gt=end)),
        )
        .order_by(names[0])
    )


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


def outreach(year, townships=None):
    """C5 by township: sessions and attendances per kind of outreach; jobs found (people)
    and self-employment (rows) per kind of outcome. ``townships``: their id, code and name in
    order, when the caller read them already."""
    if townships is None:
        townships = list(Township.objects.order_by("code").values("id", "code", "name"))
    events = {
        (r["township_id"], r["kind"]): r
        for r in OutreachEvent.objects.filter(held_on__year=year)
        .values("township_id", "kind")
        .annotate(sessions=Count("pk"), attendance=Sum("attendance"))
        .order_by()
    }
    outcomes = {
        (r["village__township_id"], r["kind"]): r
        for r in LivelihoodOutcome.objects.filter(started_on__year=year)
        .values("village__township_id", "kind")
        .annotate(rows=Count("pk"), people=Sum("people"))
        .order_by()
    }
    event_kinds = [{"key": k, "label": str(label)} for k, label in OutreachEvent.Kind.choices]
    outcome_kinds = [{"key": k, "label": str(label)} for k, label in LivelihoodOutcome.Kind.choices]

    def figures(township_id):
        out = {}
        for kind in event_kinds:
            e = events.get((township_id, kind["key"]), {})
            out[kind["key"]] = {"sessions": e.get("sessions", 0), "attendance": e.get("attendance") or 0}
        for kind in outcome_kinds:
            o = outcomes.get((township_id, kind["key"]), {})
            # jobs count people transferred; inns, farms, shops and points count themselves
            out[kind["key"]] = (
                o.get("people") or 0
                if kind["key"] == LivelihoodOutcome.Kind.JOB_TRANSFER
                else o.get("rows", 0)
            )
        return out

    rows = [{"code": t["code"], "name": t["name"], **figures(t["id"])} for t in townships]
    totals = {}
    for kind in event_kinds:
        totals[kind["key"]] = {
            "sessions": sum(r[kind["key"]]["sessions"] for r in rows),
            "attendance": sum(r[kind["key"]]["attendance"] for r in rows),
        }
    for kind in outcome_kinds:
        totals[kind["key"]] = sum(r[kind["key"]] for r in rows)
    return {
        "event_kinds": event_kinds,
        "outcome_kinds": outcome_kinds,
        "townships": rows,
        "totals": totals,
        "recorded": bool(events or outcomes),
    }
