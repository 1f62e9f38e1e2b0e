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

The people poor are not counted household by household (701,500 in a province): they are
summed from the **ledger** (``PovertyLedger``: per township and month, the people
registered and the people exited, of the households that never returned to poverty), the
few households with a return read one by one with :func:`poor_on` (:func:`_household_sums`
says why that is the same). The ledger is a stored copy written by one writer,
:func:`refresh_ledger`, which every write of households, returns and villages' townships
reaches (``satisfaction.services.households_written``), and ``rebuild_summaries``.

The pages read it through :func:`cached`: the same result, kept in the pages' cache under
the households version (chishui/cache.py). Its inputs are villages' households, returns to
poverty, the ledger, township statistics, villages (their township) and townships (id and
code): every write bumps that version but those of accountability's rows alone (weekly
reports, tasks, oversight rows), which none of these tables refers to.
"""

import datetime as dt
import operator
from decimal import Decimal
from functools import reduce

from django.db.models import F, IntegerField, Q, Sum, Value
from django.db.models.functions import TruncMonth

from chishui import cache
from chishui.sql import plain_rows

from .models import Household, PovertyLedger, PovertyReturn, TownshipStatistics

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


def ever_returned():
    """Q over households: has any return to poverty (whatever its dates). The ledger leaves
    these households out; the headline reads them one by one with :func:`poor_on`."""
    return Q(pk__in=PovertyReturn.objects.values("household_id"))


def year_end(year):
    return dt.date(year, 12, 31)


def _percent(part, whole):
    return None if part is None or not whole else float(part) * 100 / whole


def _round(value, digits=2):
    return None if value is None else round(value, digits)


def _month_end(day):
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


# ---- the ledger: the households without a return, summed per township and month --------


def ledger_rows(households):
    """The ledger's rows for ``households`` (a queryset of households; in a migration, of its
    historical model): ``{(township id, month's first day): [people registered, people
    exited]}`` in that month, of the households that never had a return to poverty. One
    query: the households grouped by their registration's month and, after them, by their
    exit's."""
    kept = households.filter(returns__isnull=True).order_by()
    zero = Value(0, output_field=IntegerField())

    def grouped(field, registered, exited):
        return (
            kept.filter(**{f"{field}__isnull": False})
            .values(township=F("village__township_id"), month=TruncMonth(field))
            .annotate(registered=registered, exited=exited)
        )

    rows = {}
    for row in grouped("registered_on", Sum("size"), zero).union(
        grouped("exited_on", zero, Sum("size")), all=True
    ):
        counts = rows.setdefault((row["township"], row["month"]), [0, 0])
        counts[0] += row["registered"]
        counts[1] += row["exited"]
    return rows


def refresh_ledger(township_ids=None):
    """Write the ledger (``PovertyLedger``) again from the households: every township's, or
    only ``township_ids``' — the townships whose households, returns to poverty or villages
    changed, before and after the write. The one writer of the ledger; every write path
    reaches it through ``satisfaction.services.households_written``, ``rebuild_summaries``
    calls it whole. Runs in the caller's transaction: three queries (delete, read, insert)."""
    households, ledger = Household.objects.all(), PovertyLedger.objects.all()
    if township_ids is not None:
        township_ids = {pk for pk in township_ids if pk is not None}
        if not township_ids:
            return
        households = households.filter(village__township_id__in=township_ids)
        ledger = ledger.filter(township_id__in=township_ids)
    ledger.delete()
    PovertyLedger.objects.bulk_create(
        (
            PovertyLedger(township_id=township, month=month, registered_people=r, exited_people=e)
            for (township, month), (r, e) in sorted(ledger_rows(households).items())
        ),
        batch_size=5000,
    )


def _household_sums(townships, days, since=None, day=None):
    """One query, grouped by township, over the ledger and the few households it leaves out:
    the people poor on each of ``days`` and, when ``since`` and ``day`` are given, the people
    identified, exited and returned to poverty after ``since`` up to ``day`` (动态调整: poor on
    ``day`` = poor on ``since`` + identified − exited + returned − exited again):
    ``{township id: {"poor": {day: people}, "identified_people", "exited_people",
    "returned_people"}}``.

    A household that never returned to poverty is poor on D exactly when it was registered
    by D and had not exited by D (:func:`poor_on`), and it never exits before it was
    registered (the constraint ``household_exit_not_before_registration``): so the people of
    these households poor on D are the people registered by D less the people exited by D,
    and those are the ledger's months up to D's month less the households registered or
    exited after D within D's month (none when D is a month's last day, as every page's day
    is: that part of the query is then left out). The households with a return are summed
    with :func:`poor_on` itself."""
    if not townships:
        return {}  # no query: nothing to sum (as the ORM runs none for an empty IN)
    days = list(dict.fromkeys(days))
    flows = since is not None
    cuts = list(dict.fromkeys([*days, *((since, day) if flows else ())]))
    ids = [t.pk for t in townships]
    zero = Value(0, output_field=IntegerField())

    def columns(part, cut=lambda field, c: zero, poor=lambda d: zero, flow=lambda key: zero):
        """The union's columns, the same in every part, in this order."""
        out = {"part": Value(part, output_field=IntegerField())}
        for j, c in enumerate(cuts):
            out |= {f"r{j}": cut("registered", c), f"e{j}": cut("exited", c)}
        out |= {f"p{i}": poor(d) for i, d in enumerate(days)}
        return out | {key: flow(key) for key in ("identified", "exited", "returned")}

    # 0: the ledger's people registered and exited in the months up to each cut's month
    parts = [
        PovertyLedger.objects.filter(township_id__in=ids)
        .order_by()
        .values("township_id")
        .annotate(
            **columns(0, cut=lambda kind, c: Sum(f"{kind}_people", filter=Q(month__lte=c.replace(day=1))))
        )
    ]
    # 1: the households with a return, summed with poor_on: few, read whatever their township
    # (the others' rows are skipped below) rather than filtered by a list of every township
    if flows:
        returned = PovertyReturn.objects.filter(returned_on__gt=since, returned_on__lte=day)
        flow_q = {
            "identified": Q(registered_on__gt=since, registered_on__lte=day),
            "exited": Q(exited_on__gt=since, exited_on__lte=day),
            "returned": Q(pk__in=returned.values("household_id")),
        }
    parts.append(
        Household.objects.filter(ever_returned())
        .order_by()
        .values(township_id=F("village__township_id"))
        .annotate(
            **columns(
                1,
                poor=lambda d: Sum("size", filter=poor_on(d)),
                flow=(lambda key: Sum("size", filter=flow_q[key])) if flows else (lambda key: zero),
            )
        )
    )
    # 2: the others registered or exited after a cut that is not a month's last day, within
    # its month: to take off the ledger's months
    after = {
        c: {
            kind: Q(**{f"{kind}_on__gt": c, f"{kind}_on__lte": _month_end(c)})
            for kind in ("registered", "exited")
        }
        for c in cuts
        if c != _month_end(c)
    }
    if after:
        parts.append(
            Household.objects.filter(village__township_id__in=ids)
            .exclude(ever_returned())
            .order_by()
            .filter(reduce(operator.or_, (q for windows in after.values() for q in windows.values())))
            .values(township_id=F("village__township_id"))
            .annotate(
                **columns(2, cut=lambda kind, c: Sum("size", filter=after[c][kind]) if c in after else zero)
            )
        )
    # read as the driver returns them: integer sums need none of Django's converters
    rows = plain_rows(parts[0].union(*parts[1:], all=True))

    n = len(cuts)
    width = 2 * n + len(days) + 3
    sums = {t.pk: [0] * width for t in townships}
    for township, part, *values in rows:
        total = sums.get(township)
        if total is None:
            continue  # a returned household of a township not asked for
        sign = -1 if part == 2 else 1  # the window part is taken off
        for k, value in enumerate(values):
            if value:
                total[k] += sign * value
    at = [cuts.index(d) for d in days]
    out = {}
    for t in townships:
        total = sums[t.pk]
        registered, exited = total[0 : 2 * n : 2], total[1 : 2 * n : 2]
        poor, flow = total[2 * n : 2 * n + len(days)], total[2 * n + len(days) :]
        out[t.pk] = {
            "poor": {d: registered[j] - exited[j] + p for d, j, p in zip(days, at, poor, strict=True)}
        }
        if flows:
            a, b = cuts.index(since), cuts.index(day)
            out[t.pk] |= {
                "identified_people": registered[b] - registered[a] + flow[0],
                "exited_people": exited[b] - exited[a] + flow[1],
                "returned_people": flow[2],
            }
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
    ``"history"``: read in the same query (the ledger and the returned households). Two queries."""
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
