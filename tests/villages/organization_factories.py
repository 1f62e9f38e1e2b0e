"""Organization data for the overview tests: ``build(n)`` gives township A (of the test cast)
``n`` poverty villages, each with a party branch, a full 2111 work team, a cooperative,
households, a pairing project, a collective project and two years of village finance."""

import datetime as dt
from decimal import Decimal

from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    PairingProject,
    PartyOrganization,
    Unit,
    Village,
    VillageFinance,
    WorkTeam,
)
from villages.satisfaction import tallies

SLOTS = ["agri_cadre", "agri_cadre", "reserve_cadre", "rural_youth", "graduate"]


def team_members(village, slots, prefix="M"):
    return [
        Cadre(
            code=f"{prefix}-{village.code}-{k}",
            name=f"队员{k}",
            role=Cadre.Role.RESIDENT_CADRE,
            township=village.township,
            village=village,
            team_slot=slot,
        )
        for k, slot in enumerate(slots)
    ]


def build(township, n, start=0):
    unit, _ = Unit.objects.get_or_create(name="市农牧局")
    villages = Village.objects.bulk_create(
        [
            Village(code=f"OV{start + i:03d}", township=township, name=f"组织{start + i}村", poverty=True)
            for i in range(n)
        ]
    )
    Cadre.objects.bulk_create([c for v in villages for c in team_members(v, SLOTS)])
    WorkTeam.objects.bulk_create(
        [
            WorkTeam(
                village=v, sent_by=unit, started_on=dt.date(2015, 3, 1), ends_on=dt.date(2017, 3, 1),
                reserve_cadres_trained=2,
            )
            for v in villages
        ]
    )  # fmt: skip
    branches = PartyOrganization.objects.bulk_create(
        [
            PartyOrganization(name=f"{v.name}支部", level="village_branch", township=township, village=v)
            for v in villages
        ]
    )
    EconomicOrganization.objects.bulk_create(
        [
            EconomicOrganization(
                name=f"{v.name}合作社", kind="cooperative", township=township, village=v, coverage="joint",
                party_organization=b,
            )
            for v, b in zip(villages, branches, strict=True)
        ]
    )  # fmt: skip
    households = Household.objects.bulk_create(
        [
            Household(
                code=f"OH{start + i:03d}-{k}", village=v, head="户主", size=3, assistance="industry",
                registered_on=dt.date(2014, 5, 1),
            )
            for i, v in enumerate(villages)
            for k in range(2)
        ]
    )  # fmt: skip
    tallies.households_written([h.pk for h in households])  # as every write of households does
    enterprise = EconomicOrganization.objects.create(
        name=f"企业{start}", kind="private_enterprise", coverage="none"
    )
    PairingProject.objects.bulk_create(
        [
            PairingProject(
                enterprise=enterprise, village=v, name=f"{v.name}帮扶", funds=Decimal("1000"),
                started_on=dt.date(2016, 4, 1),
            )
            for v in villages
        ]
    )  # fmt: skip
    projects = CollectiveProject.objects.bulk_create(
        [
            CollectiveProject(
                code=f"OJ{start + i:03d}", village=v, name=f"{v.name}基地", year=2016,
                fiscal_funds=Decimal("500"), loan_subsidy=Decimal("100"),
            )
            for i, v in enumerate(villages)
        ]
    )  # fmt: skip
    through = CollectiveProject.households.through
    through.objects.bulk_create(
        [
            through(collectiveproject_id=p.pk, household_id=h.pk)
            for p in projects
            for h in households
            if h.village_id == p.village_id
        ]
    )
    VillageFinance.objects.bulk_create(
        [
            VillageFinance(
                village=v, year=year, cadre_pay_monthly=pay, office_funds=office, collective_accumulation=1000
            )
            for v in villages
            for year, pay, office in ((2015, 1290, 23000), (2016, 2764, 45000))
        ]
    )
    return villages
