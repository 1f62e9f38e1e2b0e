"""Reads of the organization overview (组织定位, B1–B4, C3).

``overview(scope, year)`` runs a fixed number of grouped queries whatever the data size and
returns plain dicts and lists (numbers, strings, ISO dates): the same dict feeds the
template, the tables, the charts, the CSV/XLSX exports and ``&format=json``.

Units: at county level the overview's rows are townships; drilled into a township, its
villages; drilled into a village, that village.
"""

import datetime as dt

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    PairingProject,
    PartyOrganization,
    Village,
    VillageFinance,
    WorkTeam,
)
from villages.models.organization import TEAM_SLOTS_2111

COVERAGE_KEYS = ("single", "joint", "instructor", "none")


def _num(value, digits=2):
    return None if value is None else round(float(value), digits)


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def _in_scope(scope, township_path, village_path):
    return scope.q(township_path, village_path)


def latest_year(scope):
    """The latest year with pairing or collective projects in the scope (two queries)."""
    pairing = PairingProject.objects.filter(_in_scope(scope, "village__township_id", "village_id")).aggregate(
        year=Max(ExtractYear("started_on"))
    )["year"]
    collective = CollectiveProject.objects.filter(
        _in_scope(scope, "village__township_id", "village_id")
    ).aggregate(year=Max("year"))["year"]
    years = [y for y in (pairing, collective) if y]
    return max(years) if years else None


def _economic_organizations(scope):
    if scope.village is not None:
        where = Q(village_id=scope.village.pk)
    elif scope.township is not None:
        where = Q(township_id=scope.township.pk) | Q(village__township_id=scope.township.pk)
    else:
        where = Q()
    counts = {key: Count("id", filter=Q(coverage=key)) for key in COVERAGE_KEYS}
    rows = {
        row["kind"]: row
        for row in EconomicOrganization.objects.filter(where)
        .values("kind")
        .annotate(total=Count("id"), **counts)
        .order_by()
    }
    kinds = []
    for kind, label in EconomicOrganization.Kind.choices:
        row = rows.get(kind, {"total": 0, **dict.fromkeys(COVERAGE_KEYS, 0)})
        covered = row["total"] - row["none"]
        kinds.append(
            {
                "kind": kind,
                "label": str(label),
                "total": row["total"],
                **{key: row[key] for key in COVERAGE_KEYS},
                "covered_share": _pct(covered, row["total"]),
            }
        )
    total = sum(k["total"] for k in kinds)
    coverage = {key: sum(k[key] for k in kinds) for key in COVERAGE_KEYS}
    return {
        "total": total,
        "coverage": coverage,
        "covered": total - coverage["none"],
        "covered_share": _pct(total - coverage["none"], total),
        "kinds": kinds,
    }


def _branches(scope):
    """Villages without a party branch, and branches without a secretary (one query)."""
    branch = Q(party_organizations__level=PartyOrganization.Level.VILLAGE_BRANCH)
    villages = (
        Village.objects.filter(_in_scope(scope, "township_id", "id"))
        .annotate(
            branches=Count("party_organizations", filter=branch),
            vacant=Count(
                "party_organizations", filter=branch & Q(party_organizations__secretary__isnull=True)
            ),
        )
        .values("code", "name", "township__name", "poverty", "branches", "vacant")
        .order_by("code")
    )
    total = with_branch = 0
    problems = []
    for v in villages:
        total += 1
        with_branch += 1 if v["branches"] else 0
        if not v["branches"] or v["vacant"]:
            problems.append(
                {
                    "code": v["code"],
                    "name": v["name"],
                    "township": v["township__name"],
                    "poverty": v["poverty"],
                    "vacant": bool(v["branches"]),
                    "problem": _("书记空缺") if v["branches"] else _("未建立村党组织"),
                }
            )
    return {
        "villages": total,
        "with_branch": with_branch,
        "without_branch": total - with_branch,
        "vacant_secretary": sum(1 for p in problems if p["vacant"]),
        "problems": problems,
    }


def _work_teams(scope, year):
    """The teams in the village during ``year`` with their 2111 composition (one query)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    resident = Q(village__cadres__role=Cadre.Role.RESIDENT_CADRE)
    slots = {
        f"slot_{slot}": Count("village__cadres", filter=resident & Q(village__cadres__team_slot=slot))
        for slot in [*TEAM_SLOTS_2111, ""]
    }
    teams = (
        WorkTeam.objects.filter(_in_scope(scope, "village__township_id", "village_id"))
        .filter(started_on__lte=end)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=start))
        .annotate(members=Count("village__cadres", filter=resident), **slots)
        .values(
            "village__code",
            "village__name",
            "village__township__code",
            "village__township__name",
            "village__exited_on",
            "sent_by__name",
            "started_on",
            "ends_on",
            "withdrawn_on",
            "reserve_cadres_trained",
            "members",
            *slots,
        )
        .order_by("village__code")
    )
    rows = []
    for t in teams:
        counts = {slot: t[f"slot_{slot}"] for slot in [*TEAM_SLOTS_2111, ""]}
        shortfalls = WorkTeam.shortfalls(
            slots=counts,
            started_on=t["started_on"],
            ends_on=t["ends_on"],
            reserve_trained=t["reserve_cadres_trained"],
            withdrawn_on=t["withdrawn_on"],
            village_exited_on=t["village__exited_on"],
        )
        rows.append(
            {
                "code": t["village__code"],
                "name": t["village__name"],
                "township_code": t["village__township__code"],
                "township": t["village__township__name"],
                "sent_by": t["sent_by__name"] or "",
                "started_on": t["started_on"].isoformat(),
                "ends_on": t["ends_on"].isoformat(),
                "withdrawn_on": t["withdrawn_on"].isoformat() if t["withdrawn_on"] else None,
                "members": t["members"],
                "agri_cadre": counts[Cadre.TeamSlot.AGRI_CADRE],
                "reserve_cadre": counts[Cadre.TeamSlot.RESERVE_CADRE],
                "rural_youth": counts[Cadre.TeamSlot.RURAL_YOUTH],
                "graduate": counts[Cadre.TeamSlot.GRADUATE],
                "state_cadres": counts[Cadre.TeamSlot.AGRI_CADRE] + counts[Cadre.TeamSlot.RESERVE_CADRE],
                "reserve_trained": t["reserve_cadres_trained"],
                "compliant": not shortfalls,
                "shortfalls": [str(s) for s in shortfalls],
            }
        )
    return rows


def _by_unit(scope, queryset, township_path, village_path, **aggregates):
    path = scope.unit_path(township_path, village_path)
    return {row[path]: row for row in queryset.values(path).annotate(**aggregates).order_by()}


def _finance(scope, year):
    """Village guarantee year on year, up to ``year`` (one query)."""
    rows = (
        VillageFinance.objects.filter(_in_scope(scope, "village__township_id", "village_id"), year__lte=year)
        .values("year")
        .annotate(
            villages=Count("id"),
            pay=Sum("cadre_pay_monthly"),
            office=Sum("office_funds"),
            accumulation=Sum("collective_accumulation"),
        )
        .order_by("year")
    )
    return [
        {
            "year": r["year"],
            "villages": r["villages"],
            "cadre_pay_monthly": _num(r["pay"] / r["villages"]),
            "office_funds": _num(r["office"] / r["villages"]),
            "collective_accumulation": _num(r["accumulation"]),
        }
        for r in rows
    ]


def overview(scope, year):
    """The organization overview of ``scope`` in ``year`` (nine queries, eight drilled into
    a village)."""
    where = _in_scope(scope, "village__township_id", "village_id")
    pairing = PairingProject.objects.filter(where, started_on__year=year)
    pairing_total = pairing.aggregate(
        projects=Count("id"),
        funds=Sum("funds"),
        villages=Count("village", distinct=True),
        households=Count("household", distinct=True),
        enterprises=Count("enterprise", distinct=True),
    )
    collective = CollectiveProject.objects.filter(where, year=year)
    covered = Household.objects.filter(
        _in_scope(scope, "village__township_id", "village_id"), collective_projects__year=year
    )
    teams = _work_teams(scope, year)

    units = scope.units()
    pairing_units = _by_unit(
        scope, pairing, "village__township_id", "village_id", projects=Count("id"), funds=Sum("funds")
    )
    collective_units = _by_unit(
        scope,
        collective,
        "village__township_id",
        "village_id",
        projects=Count("id"),
        fiscal=Sum("fiscal_funds"),
        loan=Sum("loan_subsidy"),
        villages=Count("village", distinct=True),
    )
    household_units = _by_unit(
        scope, covered, "village__township_id", "village_id", households=Count("id", distinct=True)
    )
    # A village, and a household, belongs to one unit (its township, or itself): the
    # county's collective totals are the sums of the units' rows.
    collective_total = {
        key: sum(row[key] or 0 for row in collective_units.values())
        for key in ("projects", "fiscal", "loan", "villages")
    }
    collective_households = sum(row["households"] for row in household_units.values())
    team_units = {}
    for team in teams:
        team_units.setdefault(team["township_code"] if scope.level == "county" else team["code"], []).append(
            team
        )
    unit_rows = []
    for unit in units:
        p = pairing_units.get(unit["id"], {})
        c = collective_units.get(unit["id"], {})
        h = household_units.get(unit["id"], {})
        unit_teams = team_units.get(unit["code"], [])
        unit_rows.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "pairing_projects": p.get("projects", 0),
                "pairing_funds": _num(p.get("funds") or 0),
                "collective_projects": c.get("projects", 0),
                "collective_funds": _num((c.get("fiscal") or 0) + (c.get("loan") or 0)),
                "collective_households": h.get("households", 0),
                "work_teams": len(unit_teams),
                "work_teams_compliant": sum(1 for t in unit_teams if t["compliant"]),
            }
        )

    return {
        "year": year,
        "label": _("%(year)s年") % {"year": year},
        "scope": scope.as_dict(),
        "pairing_projects": pairing_total["projects"],
        "pairing_funds_yuan": _num(pairing_total["funds"] or 0),
        "pairing_villages": pairing_total["villages"],
        "pairing_households": pairing_total["households"],
        "pairing_enterprises": pairing_total["enterprises"],
        "collective_projects": collective_total["projects"],
        "collective_fiscal_funds_yuan": _num(collective_total["fiscal"]),
        "collective_loan_subsidy_yuan": _num(collective_total["loan"]),
        "collective_villages": collective_total["villages"],
        "collective_households": collective_households,
        "work_teams": len(teams),
        "work_teams_compliant": sum(1 for t in teams if t["compliant"]),
        "work_team_members": sum(t["members"] for t in teams),
        "teams": teams,
        "economic_organizations": _economic_organizations(scope),
        "party_branches": _branches(scope),
        "finance": _finance(scope, year),
        "units": unit_rows,
    }


# ---- the recording pages' lists ------------------------------------------------------------


def records(model, township=None):
    """The rows of one kind of record a user may list, joined for its table: the county, or a
    township secretary's township."""
    if model is PartyOrganization:
        rows = PartyOrganization.objects.select_related("township", "village", "secretary")
        path = Q(township=township)
    elif model is EconomicOrganization:
        rows = EconomicOrganization.objects.select_related(
            "township", "village", "party_organization", "instructor"
        )
        path = Q(township=township) | Q(village__township=township)
    elif model is WorkTeam:
        resident = Q(village__cadres__role=Cadre.Role.RESIDENT_CADRE)
        rows = WorkTeam.objects.select_related("village__township", "sent_by").annotate(
            member_count=Count("village__cadres", filter=resident)
        )
        path = Q(village__township=township)
    elif model is PairingProject:
        rows = PairingProject.objects.select_related("enterprise", "village", "household")
        path = Q(village__township=township)
    elif model is CollectiveProject:
        rows = CollectiveProject.objects.select_related("village").annotate(covered=Count("households"))
        path = Q(village__township=township)
    elif model is VillageFinance:
        rows = VillageFinance.objects.select_related("village").order_by("-year", "village__code")
        path = Q(village__township=township)
    else:
        raise ValueError(model)
    return rows.filter(path) if township is not None else rows
