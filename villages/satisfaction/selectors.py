"""Reads of the satisfaction pages (C1, C2, C5). Every number is a grouped aggregate in the
database: a page runs the same queries whatever the size of the county."""

import datetime as dt
from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from chishui.sql import plain_rows, quote
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
    UnitHouseholdTally,
    Village,
    VillageHouseholdTally,
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


@lru_cache(maxsize=1 << 16)
def _share(part, whole):
    """``part`` of ``whole`` in percent, to one decimal (None: nothing to divide). A province's
    results compute 40,000 shares of far fewer distinct counts, and ``round`` is the costly
    part: the shares are remembered."""
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


def _registered_years_q(year, path=""):
    """Households on the register during ``year`` — registered by its end, not out of poverty
    before it — over the households' tallies (``tallies.py``), which count them by the year
    registered and the year out of poverty."""
    return Q(**{f"{path}registered_year__lte": year}) & (
        Q(**{f"{path}exited_year__isnull": True}) | Q(**{f"{path}exited_year__gte": year})
    )


def _villages(year, first=None):
    """The villages in order — ``(id, code, name, township id, registered)`` — with their
    households on the register during ``year``, from the households' tallies per village (one
    query). ``first``: the first villages only (their tallies read village by village)."""
    villages = Village.objects.order_by("township__code", "code")
    if first is None:
        registered = Sum(
            "household_tallies__households", filter=_registered_years_q(year, "household_tallies__")
        )
    else:
        tallies = VillageHouseholdTally.objects.filter(_registered_years_q(year), village=OuterRef("pk"))
        registered = Subquery(tallies.order_by().values("village").annotate(n=Sum("households")).values("n"))
        villages = villages[:first]
    return plain_rows(
        villages.annotate(registered=Coalesce(registered, 0)).values_list(
            "id", "code", "name", "township_id", "registered"
        )
    )


def _registered_per_township(year):
    """``{township id: households on the register during year}``, from the households'
    tallies per village (one query)."""
    tallies = VillageHouseholdTally.objects.filter(_registered_years_q(year)).order_by()
    return dict(
        tallies.values("village__township_id")
        .annotate(n=Sum("households"))
        .values_list("village__township_id", "n")
    )


def _counts(answers, satisfied, fair):
    """:func:`_shares` of plain counts."""
    return {
        "answers": answers,
        "satisfied_share": _share(satisfied, answers),
        "fair_share": _share(fair, answers),
        "content_share": _share(satisfied + fair, answers),
    }


def _village_sums(round_ids):
    """The query of :func:`_answer_sums`' rows per village: ``(village id, c0, c1, …)``."""
    surveyed = Count("household_id", distinct=True)
    per_round = []
    for pk in round_ids:
        in_round = Q(round_id=pk)
        per_round += [Coalesce(Sum(key, filter=in_round), 0) for key in LEVEL_KEYS]
        per_round.append(Count("pk", filter=in_round))
    aggregates = [surveyed, *(Sum(key) for key in LEVEL_KEYS), *per_round]
    aggregates = {f"c{index}": aggregate for index, aggregate in enumerate(aggregates)}
    tallies = HouseholdSurveyTally.objects.filter(round_id__in=round_ids).order_by()
    return tallies.values("village_id").annotate(**aggregates).values_list("village_id", *aggregates)


def _township_sums(round_ids, villages):
    """``{township id: the sums of its villages' rows of _answer_sums}``: the villages' rows
    (``villages``, the query of ``_village_sums(round_ids)``) summed again per township in
    the database (a household belongs to one village, so the households surveyed add up),
    one query whose 850 rows in a province stand for its 6,100 villages' rows."""
    width = 4 + 4 * len(round_ids)
    sums = ", ".join(f"CAST(SUM({quote('sums', f'c{index}')}) AS BIGINT)" for index in range(width))
    township = quote("village", "township_id")
    rows = plain_rows(
        villages,
        f"SELECT {township}, {sums} FROM ({{query}}) {quote('sums')} "
        f"INNER JOIN {quote(Village._meta.db_table)} {quote('village')} "
        f"ON {quote('village', 'id')} = {quote('sums', 'village_id')} GROUP BY {township}",
    )
    return {row[0]: row[1:] for row in rows}


def _answer_sums(round_ids):
    """The answers of the rounds ``round_ids`` summed per village and per unit, from the
    households' tallies (``tallies.py``: a row per household and round, with its village and
    unit), grouped in the database (two queries). Per village ``(surveyed, answers,
    satisfied, fair, then for each round: answers, satisfied, fair, surveyed)``; per unit
    ``{"answers", "satisfied", "fair", "surveyed"}``. ``surveyed``: the households that
    answered (in any of the rounds, or in that round)."""
    tallies = HouseholdSurveyTally.objects.filter(round_id__in=round_ids).order_by()
    by_village = {row[0]: row[1:] for row in plain_rows(_village_sums(round_ids))}
    surveyed = Count("household_id", distinct=True)
    by_unit = {
        row["unit_id"]: row
        for row in tallies.values("unit_id").annotate(
            surveyed=surveyed, **{f"{key}_sum": Sum(key) for key in LEVEL_KEYS}
        )
    }
    for row in by_unit.values():
        for key in LEVEL_KEYS:
            row[key] = row.pop(f"{key}_sum")
    return by_village, by_unit


def _items(round_ids):
    """The livelihood items in order, each with its answers, satisfied and fair answers in
    each round (``r{round pk}_{key}``; None: no answer), from the items' tallies (one query)."""
    annotations = {}
    for pk in round_ids:
        tally = ItemSurveyTally.objects.filter(item_id=OuterRef("pk"), round_id=pk)
        for key in LEVEL_KEYS:
            annotations[f"r{pk}_{key}"] = Subquery(tally.values(key)[:1])
    return list(
        LivelihoodItem.objects.order_by("order")
        .values("id", "code", "name", "category")
        .annotate(**annotations)
    )


def _add(total, row):
    for key in ("answers", "satisfied", "fair", "surveyed"):
        total[key] = total.get(key, 0) + (row.get(key) or 0)
    return total


def results(year, page_rows=None):
    """The 群众满意度 page of ``year``: rounds (trend), items, townships → villages, the
    assisting units and outreach. Shares are percents; None where nobody was surveyed.

    The answers are read from their tallies (``tallies.py``) summed per village, per unit and
    per item in the database; a household belongs to one village, so the answers and the
    households surveyed in a round or over the year in a township or the county are sums of
    the villages' rows. The registered households are the households' tallies per village.

    ``page_rows``: only what the page itself shows (``views.results``; the JSON, the exports
    and the tables in full read the whole dict): the rows of the first ``page_rows``
    villages — the townships' ``villages`` hold those only, ``village_count`` says how many
    villages there are — and no ``assisting_units``; the townships' figures are then summed
    per township in the database (:func:`_first_township_rows`), not from 6,100 villages'
    rows in a province. Every other figure is the whole dict's."""
    rounds = list(SurveyRound.objects.filter(year=year).order_by("number"))
    round_ids = [r.pk for r in rounds]
    units = page_rows is None
    items = _items(round_ids)
    townships = Township.objects.order_by("code").values("id", "code", "name")
    if not units:
        townships = townships.annotate(village_count=Count("villages"))
    townships = list(townships)
    width = 4 + 4 * len(round_ids)  # surveyed, the year's counts, each round's counts
    nothing = (0,) * width
    by_unit = {}
    if units:
        by_village, by_unit = _answer_sums(round_ids) if round_ids else ({}, {})
        per_township = _township_rows(_villages(year), by_village, townships, nothing)
    else:
        per_township = _first_township_rows(year, round_ids, townships, page_rows, nothing)

    township_out = []
    county = []
    for township in townships:
        rows, total, registered = per_township[township["id"]]
        county.append(total)
        township_out.append(
            {
                "code": township["code"],
                "name": township["name"],
                "registered": registered,
                "surveyed": total[0],
                **_counts(*total[1:4]),
                "rounds": _round_shares(total),
                "villages": rows,
            }
        )
    county = [sum(column) for column in zip(*county, strict=True)] or list(nothing)
    item_out = []
    for item in items:
        per_round = [[item[f"r{pk}_{key}"] for key in LEVEL_KEYS] for pk in round_ids]
        row = [sum(r[index] or 0 for r in per_round) for index in range(len(LEVEL_KEYS))]
        item_out.append(
            {
                "code": item["code"],
                "name": item["name"],
                "category": item["category"],
                **_counts(*row),
                "rounds": [_counts(*r)["content_share"] if r[0] else None for r in per_round],
            }
        )
    ranked = [i for i in item_out if i["content_share"] is not None]
    lagging = sorted(ranked, key=lambda i: (i["content_share"], i["code"]))[:5]
    data = {
        "year": year,
        "registered": sum(t["registered"] for t in township_out),
        "surveyed": county[0],
        **_counts(*county[1:4]),
        "rounds": [
            {
                "number": r.number,
                "held_on": r.held_on.isoformat(),
                "ends_on": r.ends_on.isoformat() if r.ends_on else None,
                "closed": r.closed,
                "surveyed": county[7 + 4 * index],
                **_counts(*county[4 + 4 * index : 7 + 4 * index]),
            }
            for index, r in enumerate(rounds)
        ],
        "items": item_out,
        "lagging_items": [i["code"] for i in lagging],
        "townships": township_out,
    }
    if units:
        data["assisting_units"] = unit_results(year, cadres=False, unit_answers=by_unit)["units"]
    else:
        data["village_count"] = sum(t["village_count"] for t in townships)
    data["outreach"] = outreach(year, townships)
    return data


def _village_row(village, counts):
    """A village's row of the results: ``village`` as :func:`_villages` reads it, ``counts``
    its row of :func:`_answer_sums`."""
    _id, code, name, _township_id, registered = village
    return {
        "code": code,
        "name": name,
        "registered": registered,
        "surveyed": counts[0],
        **_counts(*counts[1:4]),
        "rounds": _round_shares(counts),
    }


def _township_rows(villages, by_village, townships, nothing):
    """``{township id: (its villages' rows, its counts, its registered households)}`` from
    every village's ``(id, code, name, township id, registered)`` and counts: the townships'
    counts are column sums of their villages'."""
    per_township = {t["id"]: ([], [], []) for t in townships}  # rows, counts, registered
    for village in villages:
        counts = by_village.get(village[0], nothing)
        rows, township_counts, township_registered = per_township[village[3]]
        township_counts.append(counts)
        township_registered.append(village[4])
        rows.append(_village_row(village, counts))
    return {
        pk: (rows, [sum(column) for column in zip(*counts, strict=True)] or list(nothing), sum(registered))
        for pk, (rows, counts, registered) in per_township.items()
    }


def _first_township_rows(year, round_ids, townships, count, nothing):
    """:func:`_township_rows` with only the first ``count`` villages' rows (the page's): the
    townships' counts and registered households summed per township in the database, the
    first villages' read alone (four queries, three without rounds)."""
    first = _villages(year, count) if count else []
    village_sums = _village_sums(round_ids) if round_ids else None  # built once, run twice
    totals = _township_sums(round_ids, village_sums) if round_ids else {}
    village_ids = [village[0] for village in first]
    by_village = {}
    if round_ids and village_ids:
        first_sums = village_sums.filter(village_id__in=village_ids)
        by_village = {row[0]: row[1:] for row in plain_rows(first_sums)}
    registered = _registered_per_township(year)
    per_township = {t["id"]: [] for t in townships}
    for village in first:
        per_township[village[3]].append(_village_row(village, by_village.get(village[0], nothing)))
    return {
        pk: (rows, list(totals.get(pk, nothing)), registered.get(pk, 0)) for pk, rows in per_township.items()
    }


def _round_shares(counts):
    """Each round's share satisfied or basically satisfied of a row of :func:`_answer_sums`."""
    return [
        _share(counts[index + 1] + counts[index + 2], counts[index]) for index in range(4, len(counts), 4)
    ]


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


def _unit_linked(year):
    """:func:`_linked` for the assisting units, from the households' tallies per unit (by the
    year registered and the year out of poverty: a few rows a unit instead of its
    households; one query)."""
    out_in_year = Q(exited_year=year)
    return list(
        UnitHouseholdTally.objects.filter(registered_year__lte=year)
        .values("unit_id", "unit__name")
        .annotate(  # the sums of the fields named as the sums last (a name is then the sum's)
            exited=Coalesce(Sum("households", filter=out_in_year), 0),
            exited_people=Sum("people", filter=out_in_year),
            still_poor=Coalesce(
                Sum("households", filter=Q(exited_year__isnull=True) | Q(exited_year__gt=year)), 0
            ),
            households=Coalesce(Sum("households"), 0),
            people=Sum("people"),
        )
        .order_by("unit__name")
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
        row({"name": u["unit__name"]}, u, unit_answers.get(u["unit_id"], {})) for u in _unit_linked(year)
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
    # the sessions and attendances per township and kind of outreach, and the rows and
    # people per township and kind of outcome: one query (the two groupings' rows, marked)
    grouped = (
        OutreachEvent.objects.filter(held_on__year=year)
        .values("township_id", "kind")
        .annotate(outcome=Value(False), n=Count("pk"), total=Sum("attendance"))
        .values_list("outcome", "township_id", "kind", "n", "total")
        .order_by()
        .union(
            LivelihoodOutcome.objects.filter(started_on__year=year)
            .values("village__township_id", "kind")
            .annotate(outcome=Value(True), n=Count("pk"), total=Sum("people"))
            .values_list("outcome", "village__township_id", "kind", "n", "total")
            .order_by(),
            all=True,
        )
    )
    events, outcomes = {}, {}
    for outcome, township_id, kind, n, total in grouped:
        if outcome:
            outcomes[(township_id, kind)] = {"rows": n, "people": total}
        else:
            events[(township_id, kind)] = {"sessions": n, "attendance": total}
    event_kinds = [{"key": k, "label": str(label)} for k, label in OutreachEvent.Kind.choices]
    outcome_kinds = [{"key": k, "label": str(label)} for k, label in LivelihoodOutcome.Kind.choices]

    event_keys = [kind["key"] for kind in event_kinds]
    # jobs count people transferred; inns, farms, shops and points count themselves
    outcome_keys = [
        (kind["key"], kind["key"] == LivelihoodOutcome.Kind.JOB_TRANSFER) for kind in outcome_kinds
    ]

    def figures(township_id):
        out = {}
        for key in event_keys:
            e = events.get((township_id, key), {})
            out[key] = {"sessions": e.get("sessions", 0), "attendance": e.get("attendance") or 0}
        for key, people in outcome_keys:
            o = outcomes.get((township_id, key), {})
            out[key] = o.get("people") or 0 if people else o.get("rows", 0)
        return out

    def nothing():  # figures() of a township without any (most of a province's)
        return {
            **{key: {"sessions": 0, "attendance": 0} for key in event_keys},
            **dict.fromkeys((key for key, _people in outcome_keys), 0),
        }

    recorded = {township_id for township_id, _kind in (*events, *outcomes)}
    rows, counted = [], []  # counted: the rows of the townships with any
    for t in townships:
        if t["id"] in recorded:
            rows.append({"code": t["code"], "name": t["name"], **figures(t["id"])})
            counted.append(rows[-1])
        else:
            rows.append({"code": t["code"], "name": t["name"], **nothing()})
    totals = {}
    for kind in event_kinds:
        totals[kind["key"]] = {
            "sessions": sum(r[kind["key"]]["sessions"] for r in counted),
            "attendance": sum(r[kind["key"]]["attendance"] for r in counted),
        }
    for kind in outcome_kinds:
        totals[kind["key"]] = sum(r[kind["key"]] for r in counted)
    return {
        "event_kinds": event_kinds,
        "outcome_kinds": outcome_kinds,
        "townships": rows,
        "totals": totals,
        "recorded": bool(events or outcomes),
    }
