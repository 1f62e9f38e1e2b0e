"""The county's headline rates (DOMAIN.md "Headline results"): poverty incidence
(贫困发生率) and rural disposable income per head. This module is their one definition;
the dashboards, exports and the demo's checks all call it.

- A household is **poor on a day D** when it was registered (建档立卡) on or before D and
  either has not exited by D (no exit date, or an exit date after D), or a return to poverty
  (返贫, ``PovertyReturn``) began on or before D and had not ended by D.
- **Poverty incidence on D** = people in households poor on D ÷ the rural registered
  population of D's year (``TownshipStatistics``) × 100, in percent.
- **Change over the year**: incidence on D minus incidence on 31 December of the year
  before, in percentage points (negative = fewer poor).
- **Income per head**: the statistics bureau's rural disposable income per head of D's year;
  for several townships, their figures weighted by rural population.

A figure is ``None`` when a township in scope has no statistics for the year needed: a rate
over part of the county is never passed off as the county's.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Sum

from .models import Household, PovertyReturn, TownshipStatistics

# The seed's line: rural disposable income per head above 10,000 yuan.
INCOME_LINE_YUAN = 10_000


def poor_on(day):
    """Q over households: poor on ``day`` (see the module docstring)."""
    returned = PovertyReturn.objects.filter(household=OuterRef("pk"), returned_on__lte=day).filter(
        Q(exited_again_on__isnull=True) | Q(exited_again_on__gt=day)
    )
    return Q(registered_on__lte=day) & (Q(exited_on__isnull=True) | Q(exited_on__gt=day) | Exists(returned))


def year_end(year):
    return dt.date(year, 12, 31)


def _percent(part, whole):
    return None if part is None or not whole else float(part) * 100 / whole


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def poor_people(days, townships):
    """{township id: {day: people poor on day}} for the given townships, in one query."""
    aggregates = {f"d{i}": Sum("size", filter=poor_on(day)) for i, day in enumerate(days)}
    rows = (
        Household.objects.filter(village__township_id__in=[t.pk for t in townships])
        .order_by()
        .values("village__township_id")
        .annotate(**aggregates)
    )
    found = {row["village__township_id"]: row for row in rows}
    return {
        t.pk: {day: (found.get(t.pk, {}).get(f"d{i}") or 0) for i, day in enumerate(days)} for t in townships
    }


def flows(since, day, townships):
    """People identified, exited and returned to poverty after ``since`` up to ``day``
    (动态调整), per township id, in one query: poor on ``day`` = poor on ``since`` +
    identified − exited + returned − exited again."""
    returned = PovertyReturn.objects.filter(
        household=OuterRef("pk"), returned_on__gt=since, returned_on__lte=day
    )
    rows = (
        Household.objects.filter(village__township_id__in=[t.pk for t in townships])
        .order_by()
        .values("village__township_id")
        .annotate(
            identified=Sum("size", filter=Q(registered_on__gt=since, registered_on__lte=day)),
            exited=Sum("size", filter=Q(exited_on__gt=since, exited_on__lte=day)),
            returned=Sum("size", filter=Q(Exists(returned))),
        )
    )
    found = {row["village__township_id"]: row for row in rows}
    keys = ("identified", "exited", "returned")
    return {t.pk: {f"{k}_people": found.get(t.pk, {}).get(k) or 0 for k in keys} for t in townships}


def statistics(years, townships):
    """{(township id, year): TownshipStatistics} in one query."""
    rows = TownshipStatistics.objects.filter(township_id__in=[t.pk for t in townships], year__in=set(years))
    return {(row.township_id, row.year): row for row in rows}


def _rates(poor, previous_poor, stats, previous_stats):
    """The headline of one township or of several together, from its parts.

    ``stats``/``previous_stats`` are lists of TownshipStatistics (None where missing)."""
    population = None if None in stats or not stats else sum(s.rural_population for s in stats)
    previous_population = (
        None
        if None in previous_stats or not previous_stats
        else sum(s.rural_population for s in previous_stats)
    )
    incidence = _percent(poor, population)
    previous = _percent(previous_poor, previous_population)
    income = None
    if stats and None not in stats and all(s.income_per_head is not None for s in stats):
        weighted = sum(s.income_per_head * s.rural_population for s in stats)
        income = float((weighted / Decimal(population)).quantize(Decimal("0.01")))
    return {
        "poor_people": poor,
        "rural_population": population,
        "poverty_incidence_percent": _round(incidence),
        "previous_poverty_incidence_percent": _round(previous),
        "poverty_incidence_change_points": (
            None if incidence is None or previous is None else _round(incidence - previous)
        ),
        "rural_income_per_head_yuan": income,
        "income_above_line": None if income is None else income > INCOME_LINE_YUAN,
    }


def headline(day, townships):
    """The headline on ``day`` for each township in ``townships`` and for all of them
    together: ``{"total": {...}, "townships": {township id: {...}}}``, with the year's
    flows (people identified, exited, returned). Three queries."""
    townships = list(townships)
    previous_day = year_end(day.year - 1)
    poor = poor_people([day, previous_day], townships)
    moved = flows(previous_day, day, townships)
    stats = statistics([day.year, day.year - 1], townships)
    per_township = {}
    for t in townships:
        per_township[t.pk] = moved[t.pk] | _rates(
            poor[t.pk][day],
            poor[t.pk][previous_day],
            [stats.get((t.pk, day.year))],
            [stats.get((t.pk, day.year - 1))],
        )
    total = {
        k: sum(moved[t.pk][k] for t in townships)
        for k in ("identified_people", "exited_people", "returned_people")
    }
    total |= _rates(
        sum(poor[t.pk][day] for t in townships),
        sum(poor[t.pk][previous_day] for t in townships),
        [stats.get((t.pk, day.year)) for t in townships],
        [stats.get((t.pk, day.year - 1)) for t in townships],
    )
    total["missing_statistics"] = sorted(
        t.code for t in townships if (t.pk, day.year) not in stats or (t.pk, day.year - 1) not in stats
    )
    return {"total": total, "townships": per_township}


def incidence_by_year(years, townships):
    """Incidence on 31 December of each year, per township and in total:
    ``[{"year", "total", "townships": {township id: percent}}]``. Two queries."""
    townships = list(townships)
    days = [year_end(y) for y in years]
    poor = poor_people(days, townships)
    stats = statistics(years, townships)
    out = []
    for year, day in zip(years, days, strict=True):
        per = {}
        for t in townships:
            s = stats.get((t.pk, year))
            per[t.pk] = _round(_percent(poor[t.pk][day], s.rural_population if s else None))
        all_stats = [stats.get((t.pk, year)) for t in townships]
        population = (
            None if None in all_stats or not all_stats else sum(s.rural_population for s in all_stats)
        )
        total = _round(_percent(sum(poor[t.pk][day] for t in townships), population))
        out.append({"year": year, "total": total, "townships": per})
    return out
