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

The pages read it through :func:`cached`: the same result, kept in the pages' cache under
the households version (chishui/cache.py). Its inputs are villages' households, returns to
poverty, township statistics, villages (their township) and townships (id and code): every
write bumps that version but those of accountability's rows alone (weekly reports, tasks,
oversight rows), which none of these tables refers to.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import Q, Sum

from chishui import cache

from .models import Household, PovertyReturn, TownshipStatistics

# The seed's line: rural disposable income per head above 10,000 yuan.
INCOME_LINE_YUAN = 10_000


def poor_on(day):
    """Q over households: poor on ``day`` (see the module docstring). The returns are an
    uncorrelated ``IN`` (PostgreSQL hashes the few returned households once) rather than an
    ``EXISTS`` run for every household exited by then."""
    returned = PovertyReturn.objects.filter(returned_on__lte=day).filter(
        Q(exited_again_on__isnull=True) | Q(exited_again_on__gt=day)
    )
    return Q(registered_on__lte=day) & (
        Q(exited_on__isnull=True) | Q(exited_on__gt=day) | Q(pk__in=returned.values("household_id"))
    )


def year_end(year):
    return dt.date(year, 12, 31)


def _percent(part, whole):
    return None if part is None or not whole else float(part) * 100 / whole


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def _household_sums(townships, days, since=None, day=None):
    """One query over the households of ``townships``, grouped by township: the people poor
    on each of ``days`` and, when ``since`` and ``day`` are given, the people identified,
    exited and returned to poverty after ``since`` up to ``day`` (动态调整: poor on ``day`` =
    poor on ``since`` + identified − exited + returned − exited again). One pass over the
    households, however many days: ``{township id: {"poor": {day: people}, "identified_people",
    "exited_people", "returned_people"}}``."""
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


def headline(day, townships, history_years=()):
    """The headline on ``day`` for each township in ``townships`` and for all of them
    together: ``{"total": {...}, "townships": {township id: {...}}}``, with the year's
    flows (people identified, exited, returned). With ``history_years``, also the incidence
    on 31 December of each of those years, as ``incidence_by_year`` gives it, under
    ``"history"``: read in the same pass over the households. Two queries."""
    townships = list(townships)
    previous_day = year_end(day.year - 1)
    history_years = list(history_years)
    sums = _household_sums(
        townships, [day, previous_day, *map(year_end, history_years)], since=previous_day, day=day
    )
    stats = statistics([day.year, day.year - 1, *history_years], townships)
    flow_keys = ("identified_people", "exited_people", "returned_people")
    per_township = {}
    for t in townships:
        poor = sums[t.pk]["poor"]
        per_township[t.pk] = {k: sums[t.pk][k] for k in flow_keys} | _rates(
            poor[day],
            poor[previous_day],
            [stats.get((t.pk, day.year))],
            [stats.get((t.pk, day.year - 1))],
        )
    total = {k: sum(sums[t.pk][k] for t in townships) for k in flow_keys}
    total |= _rates(
        sum(sums[t.pk]["poor"][day] for t in townships),
        sum(sums[t.pk]["poor"][previous_day] for t in townships),
        [stats.get((t.pk, day.year)) for t in townships],
        [stats.get((t.pk, day.year - 1)) for t in townships],
    )
    total["missing_statistics"] = sorted(
        t.code for t in townships if (t.pk, day.year) not in stats or (t.pk, day.year - 1) not in stats
    )
    result = {"total": total, "townships": per_township}
    if history_years:
        result["history"] = _incidence(history_years, townships, sums, stats)
    return result


def cached(day, townships, history_years=()):
    """:func:`headline`, from the pages' cache when the headline's inputs have not changed
    since it was built (the households version, chishui/cache.py), built and stored
    otherwise. ``townships`` count by id and code (the result's keys, ``missing_statistics``).
    Two queries when built, none from the cache."""
    townships, history_years = list(townships), list(history_years)
    return cache.kept(
        cache.households_version() if cache.enabled() else None,
        (
            "headline",
            day.isoformat(),
            ",".join(map(str, history_years)),
            *(f"{t.pk}:{t.code}" for t in townships),
        ),
        lambda: headline(day, townships, history_years),
    )


def incidence_by_year(years, townships):
    """Incidence on 31 December of each year, per township and in total:
    ``[{"year", "total", "townships": {township id: percent}}]``. Two queries."""
    townships = list(townships)
    sums = _household_sums(townships, [year_end(y) for y in years])
    return _incidence(years, townships, sums, statistics(years, townships))


def _incidence(years, townships, sums, stats):
    out = []
    for year in years:
        day = year_end(year)
        per = {}
        for t in townships:
            s = stats.get((t.pk, year))
            per[t.pk] = _round(_percent(sums[t.pk]["poor"][day], s.rural_population if s else None))
        all_stats = [stats.get((t.pk, year)) for t in townships]
        population = (
            None if None in all_stats or not all_stats else sum(s.rural_population for s in all_stats)
        )
        total = _round(_percent(sum(sums[t.pk]["poor"][day] for t in townships), population))
        out.append({"year": year, "total": total, "townships": per})
    return out
