"""The quarterly dashboard's selector as it was at db37c9e (before the inspections' groups
read as plain tuples and the survey's shares put in each unit's row directly), kept as the
reference the new one must equal, byte for byte as JSON (the page, its JSON and its exports
are made from its dict)."""

import datetime as dt

from django.db.models import Count, Q, Sum, Window
from django.db.models.functions import Coalesce

from accountability import periods
from accountability.dashboards import measures, summaries
from accountability.dashboards.selectors import (
    LEAGUE_ACTION_PENALTY,
    LEAGUE_WEIGHTS,
    LIST_LIMIT,
    _choices,
    _getter,
    _merge,
    _num,
    _pct,
    _sum_groups,
    survey_rounds_for,
)
from accountability.models import AccountabilityAction, Contract, Evaluation, Finding, Inspection, Rank, Task
from accountability.periods import Month
from villages.models import Household, LivelihoodItem, SurveyAnswer


def _survey_sums(cells):
    """From the survey's (unit, item) cells — tuples ``(unit, item, answers, content,
    level_sum)``, a province's some 20,000 — in one pass: each cell's satisfied share
    (``{unit: {item: share}}``, ``_pct``'s rounding, None without answers) and the items'
    and the units' sums (``{id: {answers, content, mean}}``, the mean level
    ``level_sum / answers``). Plain additions on plain tuples: this is most of a province's
    quarterly page."""
    items, units = {}, {}
    for unit, item, answers, content, level_sum in cells:
        # counts and sums of non-null integers: never None (a grouped row has answers)
        share = round(100.0 * content / answers, 1) if answers else None
        total = units.get(unit)
        if total is None:
            units[unit] = [answers, content, level_sum, {item: share}]
        else:
            total[0] += answers
            total[1] += content
            total[2] += level_sum
            total[3][item] = share
        total = items.get(item)
        if total is None:
            items[item] = [answers, content, level_sum]
        else:
            total[0] += answers
            total[1] += content
            total[2] += level_sum

    def with_mean(sums):
        return {
            key: {"answers": a, "content": c, "mean": level / a if a else None}
            for key, (a, c, level, *_shares) in sums.items()
        }

    shares = {unit: total[3] for unit, total in units.items()}
    return shares, with_mean(items), with_mean(units)


def quarterly_dashboard(scope, quarter, use_summaries=True, overdue_limit=LIST_LIMIT):
    span = {"gte": quarter.start, "lte": quarter.end}
    level = scope.level

    # evaluations (A3, A8): the quarterly assessment of this quarter
    evaluations = Evaluation.objects.filter(
        scope.q("village__township_id", "village_id"),
        cycle=Evaluation.Cycle.QUARTERLY,
        year=quarter.year,
        period=quarter.number,
    ).order_by()
    e_key = scope.unit_path("village__township_id", "village_id")
    grade_aggs = {g: Count("pk", filter=Q(grade=g)) for g in Evaluation.Grade.values}
    # one grouped query per (unit, level); the units' and the levels' rows are its sums
    e_groups = list(
        evaluations.values(e_key, "level").annotate(n=Count("pk"), score_sum=Sum("score"), **grade_aggs)
    )
    e_rows = _sum_groups(e_groups, e_key, ("n", "score_sum", *grade_aggs))
    e_levels = {r["level"]: r for r in _sum_groups(e_groups, "level", ("n", "score_sum", *grade_aggs))}
    for row in (*e_rows, *e_levels.values()):
        row["evaluations"] = row["n"]
        row["average_score"] = row["score_sum"] / row["n"] if row["n"] else None

    # inspections and findings (A7–A9)
    inspections = Inspection.objects.filter(
        scope.q("township_id", "village_id"), held_on__gte=span["gte"], held_on__lte=span["lte"]
    ).order_by()
    i_key = scope.unit_path("township_id", "village_id")
    # one grouped query per (unit, kind) over the inspections and their findings: the
    # inspections, and the findings per category and severity (an inspection has one unit
    # and one kind, so the groups' sums count each once)
    cells = [(c, sev) for c in Finding.Category.values for sev in Finding.Severity.values]
    i_groups = list(
        inspections.values(i_key, "kind").annotate(
            inspections=Count("pk", distinct=True),
            **{
                f"f_{n}": Count("findings", filter=Q(findings__category=c, findings__severity=sev))
                for n, (c, sev) in enumerate(cells)
            },
        )
    )
    # the findings' counts of each group as one tuple (a province has thousands of groups)
    counts_of = _getter([f"f_{n}" for n in range(len(cells))])
    serious = [n for n, (_c, sev) in enumerate(cells) if sev == Finding.Severity.SERIOUS]
    counts = [counts_of(row) for row in i_groups]
    for row, row_counts in zip(i_groups, counts, strict=True):
        row["serious_findings"] = sum([row_counts[n] for n in serious])
    i_rows = _sum_groups(i_groups, i_key, ("inspections", "serious_findings"))
    i_kinds = {r["kind"]: r["inspections"] for r in _sum_groups(i_groups, "kind", ("inspections",))}
    f_cells = dict(
        zip(cells, map(sum, zip(*counts, strict=True)) if counts else [0] * len(cells), strict=True)
    )

    # accountability actions (A10, C4); a cadre's township is his own or his village's
    actions = (
        AccountabilityAction.objects.annotate(
            township_ref=Coalesce("cadre__township_id", "cadre__village__township_id")
        )
        .filter(
            scope.q("township_ref", "cadre__village_id"),
            decided_on__gte=span["gte"],
            decided_on__lte=span["lte"],
        )
        .order_by()
    )
    a_key = scope.unit_path("township_ref", "cadre__village_id")
    # per unit, kind and rank class: the records, and the distinct cadres (a cadre talked to
    # twice in the quarter counts once in ``distinct_cadres``; a cadre has one unit, so the
    # units' sums count him once)
    a_groups = list(
        actions.values(a_key, "kind", "rank").annotate(n=Count("pk"), cadres=Count("cadre", distinct=True))
    )
    a_rows = [{a_key: r[a_key], "actions": r["n"]} for r in _sum_groups(a_groups, a_key, ("n",))]
    a_cells, a_cadres = {}, {}
    for r in a_groups:
        cell = (r["kind"], r["rank"])
        a_cells[cell] = a_cells.get(cell, 0) + r["n"]
        a_cadres[cell] = a_cadres.get(cell, 0) + r["cadres"]

    # 逾期未整改 (A9): problems found by any inspection in scope whose deadline passed before
    # the quarter's end (or today, in the current quarter) and that were not rectified by then
    as_of = min(quarter.end, periods.today())
    overdue = Finding.objects.filter(scope.q("inspection__township_id", "inspection__village_id")).overdue_on(
        as_of
    )
    # the rows shown and how many there are, in one query (the count is a window over all)
    overdue_rows = (
        overdue.select_related("inspection__township", "inspection__village")
        .annotate(total=Window(Count("pk")))
        .order_by("rectify_by", "inspection__held_on", "pk")
    )
    if overdue_limit is not None:
        overdue_rows = overdue_rows[:overdue_limit]
    overdue_rows = list(overdue_rows)
    overdue_total = overdue_rows[0].total if overdue_rows else 0

    # satisfaction (C2): township × item
    rounds = survey_rounds_for(quarter)
    answers = SurveyAnswer.objects.filter(
        scope.q("household__village__township_id", "household__village_id"),
        round_id__in=[r["id"] for r in rounds],
    ).order_by()
    s_key = scope.unit_path("household__village__township_id", "household__village_id")
    county = use_summaries and level == "county"
    year_months = [Month(quarter.year, n) for n in range(1, 3 * quarter.number + 1)]
    stored, stored_exits, stored_progress = (
        summaries.for_quarter(rounds, year_months, quarter) if county else (None, None, None)
    )
    if stored is None:
        # one grouped query per (unit, item); the items' and the units' rows are its sums
        stored = answers.values_list(s_key, "item_id").annotate(
            answers=Count("pk"), content=Count("pk", filter=Q(level__gte=2)), level_sum=Sum("level")
        )
    s_shares, s_items, s_units = _survey_sums(stored)
    items = list(LivelihoodItem.objects.order_by("order").values("id", "code", "name"))
    item_ids = [i["id"] for i in items]

    # league inputs: progress at the quarter's end, exits of the year to the quarter's end, targets
    t_key = scope.unit_path("township_id", "village_id")
    if stored_progress is not None:
        progress_groups = [{**r, t_key: r["township_id"]} for r in stored_progress]
    else:
        progress_groups = (
            Task.objects.filter(scope.q("township_id", "village_id"))
            .filter(measures.started_by(quarter.end))
            .order_by()
            .values(t_key)
            .annotate(**measures.progress_aggregates(quarter.end))
        )
    progress_rows = [{t_key: r[t_key], "progress": measures.progress(r)} for r in progress_groups]
    h_key = scope.unit_path("village__township_id", "village_id")
    if stored_exits is not None:
        exit_rows = [
            {h_key: r["township_id"], "households_exited": r["y_households"]} for r in stored_exits[0]
        ]
    else:
        exit_rows = (
            Household.objects.filter(
                scope.q("village__township_id", "village_id"),
                exited_on__gte=dt.date(quarter.year, 1, 1),
                exited_on__lte=quarter.end,
            )
            .order_by()
            .values(h_key)
            .annotate(households_exited=Count("pk"))
        )
    party = Contract.Party.TOWNSHIP_COMMITTEE if level == "county" else Contract.Party.VILLAGE_BRANCH
    target_rows = (
        Contract.objects.filter(scope.q("township_id", "village_id"), year=quarter.year, party=party)
        .order_by()
        .values(t_key)
        .annotate(target_households=Sum("target_households"))
    )

    units = scope.units()
    _merge(units, e_rows, e_key, {"evaluations": 0, "average_score": None, **dict.fromkeys(grade_aggs, 0)})
    _merge(units, i_rows, i_key, {"inspections": 0, "serious_findings": 0})
    _merge(units, a_rows, a_key, {"actions": 0})
    for u in units:
        u.update(s_units.get(u["id"]) or {"answers": 0, "content": 0, "mean": None})
    _merge(units, progress_rows, t_key, {"progress": None})
    _merge(units, exit_rows, h_key, {"households_exited": 0})
    _merge(units, target_rows, t_key, {"target_households": 0})

    def satisfaction(cell):
        return {
            "answers": cell["answers"],
            "satisfied_share": _pct(cell["content"], cell["answers"]),
            "mean_level": _num(cell["mean"], 2),
        }

    league = []
    for u in units:
        progress = _num(u["progress"]) or 0.0
        exit_rate = min(100.0, _pct(u["households_exited"], u["target_households"]) or 0.0)
        # no survey answers (a quarter without a round): satisfaction is no data, not 0;
        # the other components are renormalised to 100
        sat = _pct(u["content"], u["answers"])
        weighted = LEAGUE_WEIGHTS["progress"] * progress + LEAGUE_WEIGHTS["exits"] * exit_rate
        if sat is None:
            weighted /= LEAGUE_WEIGHTS["progress"] + LEAGUE_WEIGHTS["exits"]
        else:
            weighted += LEAGUE_WEIGHTS["satisfaction"] * sat
        score = weighted - LEAGUE_ACTION_PENALTY * u["actions"]
        league.append(
            {
                "code": u["code"],
                "name": u["name"],
                "progress": progress,
                "exit_rate": round(exit_rate, 1),
                "satisfaction": sat,
                "actions": u["actions"],
                "score": round(max(0.0, score), 1),
            }
        )
    league.sort(key=lambda r: (-r["score"], r["code"]))
    for rank, row in enumerate(league, start=1):
        row["rank"] = rank

    def evaluation_out(row):
        return {
            "evaluations": row.get("evaluations", row.get("n", 0)),
            "average_score": _num(row.get("average_score")),
            "grades": {g: row.get(g, 0) for g in grade_aggs},
        }

    return {
        "period": str(quarter),
        "label": str(quarter.label),
        "start": quarter.start.isoformat(),
        "end": quarter.end.isoformat(),
        "scope": scope.as_dict(),
        "summary": {
            "evaluations": sum(r["n"] for r in e_levels.values()),
            "inspections": sum(i_kinds.values()),
            "findings": sum(f_cells.values()),
            "serious_findings": sum(n for (_c, s), n in f_cells.items() if s == Finding.Severity.SERIOUS),
            "actions": sum(a_cells.values()),
            "survey_answers": sum(r["answers"] for r in s_items.values()),
        },
        "grades": _choices(Evaluation.Grade.choices),
        "evaluations": {
            "by_level": [
                {"level": str(label), "key": value, **evaluation_out(e_levels.get(value, {}))}
                for value, label in Evaluation.Level.choices
            ],
            "units": [{"code": u["code"], "name": u["name"], **evaluation_out(u)} for u in units],
        },
        "inspections": {
            "by_kind": [
                {"kind": value, "label": str(label), "inspections": i_kinds.get(value, 0)}
                for value, label in Inspection.Kind.choices
            ],
            "units": [
                {
                    "code": u["code"],
                    "name": u["name"],
                    "inspections": u["inspections"],
                    "serious_findings": u["serious_findings"],
                }
                for u in units
            ],
        },
        "findings": {
            "severities": _choices(Finding.Severity.choices),
            "categories": [
                {
                    "category": value,
                    "label": str(label),
                    **{s: f_cells.get((value, s), 0) for s in Finding.Severity.values},
                }
                for value, label in Finding.Category.choices
            ],
        },
        "actions": {
            "ranks": _choices(Rank.choices),
            # records (actions) by kind and rank class
            "kinds": [
                {"kind": value, "label": str(label), **{r: a_cells.get((value, r), 0) for r in Rank.values}}
                for value, label in AccountabilityAction.Kind.choices
            ],
            # distinct cadres by kind and rank class
            "distinct_cadres": {
                value: {r: a_cadres.get((value, r), 0) for r in Rank.values}
                for value in AccountabilityAction.Kind.values
            },
        },
        "overdue_rectifications": {
            "as_of": as_of.isoformat(),
            "total": overdue_total,
            "findings": [
                {
                    "inspection": f.inspection_id,
                    "held_on": f.inspection.held_on.isoformat(),
                    "kind": f.inspection.kind,
                    "township": f.inspection.township.name if f.inspection.township_id else None,
                    "village": f.inspection.village.name if f.inspection.village_id else None,
                    "category": f.category,
                    "label": f.get_category_display(),
                    "severity": f.severity,
                    "rectify_by": f.rectify_by.isoformat(),
                    "days_overdue": (as_of - f.rectify_by).days,
                }
                for f in overdue_rows
            ],
        },
        "satisfaction": {
            "rounds": [
                {"year": r["year"], "number": r["number"], "held_on": r["held_on"].isoformat()}
                for r in rounds
            ],
            "items": [
                {
                    "code": i["code"],
                    "name": i["name"],
                    **satisfaction(s_items.get(i["id"], {"answers": 0, "content": 0, "mean": None})),
                }
                for i in items
            ],
            "units": [
                {
                    "code": u["code"],
                    "name": u["name"],
                    **satisfaction(u),
                    "items": [shares.get(i) for i in item_ids],
                }
                for u, shares in zip(units, [s_shares.get(u["id"], {}) for u in units], strict=True)
            ],
        },
        "league": league,
    }
