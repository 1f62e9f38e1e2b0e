"""B 组织定位: the "2111" work teams (B3), party organizations and the economic
organizations they cover (B1), "1+X" pairing projects (B2), collective projects and the
village-level guarantee (B4)."""

import datetime as dt

from devdata.demo.county import allocate, money, save
from devdata.demo.figures import (
    COLLECTIVE_FISCAL,
    COLLECTIVE_HOUSEHOLDS,
    COLLECTIVE_LOAN_SUBSIDY,
    COLLECTIVE_PROJECTS,
    COLLECTIVE_VILLAGES,
    FINANCE,
    PAIRING_FUNDS,
    PAIRING_PROJECTS,
    YEAR,
)
from devdata.demo.names import ANIMALS, CROPS, ENTERPRISE_PREFIXES, ENTERPRISE_WORDS
from villages.models import (
    CollectiveProject,
    EconomicOrganization,
    PairingProject,
    PartyOrganization,
    Township,
    Village,
    VillageFinance,
    WorkTeam,
)


def work_teams(county):
    """One resident work team per poverty village, sent by its assisting unit for two years."""
    rng = county.rng
    teams = []
    for village in county.poverty_villages:
        started = county.date_between(dt.date(2015, 3, 2), dt.date(2015, 4, 30))
        teams.append(
            WorkTeam(
                village=village,
                sent_by=county.assist_unit[village.code],
                started_on=started,
                ends_on=started.replace(year=started.year + 2),
                reserve_cadres_trained=rng.choice((1, 2, 2, 2)),
            )
        )
    save(WorkTeam, teams)


def party_organizations(county):
    """A committee in every township, a branch in every village."""
    county.committees, county.branches = {}, {}
    county.party_organizations = []
    for township in county.townships:
        body = "工作委员会" if township.kind == Township.Kind.SUBDISTRICT else "委员会"
        org = PartyOrganization(
            name=f"中共赤水市{township.name}{body}",
            level=PartyOrganization.Level.TOWNSHIP_COMMITTEE,
            township=township,
            secretary=county.township_secretaries[township.code],
        )
        county.committees[township.code] = org
        county.party_organizations.append(org)
    for village in county.villages:
        org = PartyOrganization(
            name=f"中共{village.township.name}{village.name}支部委员会",
            level=PartyOrganization.Level.VILLAGE_BRANCH,
            township=village.township,
            village=village,
            secretary=county.village_secretaries[village.code],
        )
        county.branches[village.code] = org
        county.party_organizations.append(org)
    save(PartyOrganization, county.party_organizations)


def economic_organizations(county):
    """Village collective cooperatives, specialised cooperatives, agricultural parks and
    enterprises, with every kind of party coverage (B1): a party organization of their own
    (single), a joint one (the village branch or township committee), a party-building
    instructor from the city organs, or none yet."""
    rng = county.rng
    kind = EconomicOrganization.Kind
    coverage = EconomicOrganization.Coverage
    econ = []
    for village in county.poverty_villages:
        econ.append(
            EconomicOrganization(
                name=f"{village.township.name}{village.name}集体经济股份合作社",
                kind=kind.VILLAGE_ECONOMIC,
                township=village.township,
                village=village,
                coverage=coverage.JOINT,
                party_organization=county.branches[village.code],
            )
        )
    farm_villages = [v for v in county.villages if v.kind == Village.Kind.VILLAGE]
    for village in rng.sample(farm_villages, 40):
        crop = rng.choice(CROPS)
        econ.append(
            EconomicOrganization(
                name=f"赤水市{village.name[:-1]}{crop}专业合作社",
                kind=kind.COOPERATIVE,
                township=village.township,
                village=village,
                coverage=rng.choice(
                    [coverage.SINGLE, coverage.JOINT, coverage.JOINT, coverage.INSTRUCTOR, coverage.NONE]
                ),
            )
        )
    for township in rng.sample(county.townships[3:], 5):
        econ.append(
            EconomicOrganization(
                name=f"赤水市{township.name}{rng.choice(CROPS)}农业产业园区",
                kind=kind.AGRI_PARK,
                township=township,
                coverage=coverage.SINGLE,
            )
        )
    names = set()
    while len(names) < 22:
        names.add(f"赤水市{rng.choice(ENTERPRISE_PREFIXES)}{rng.choice(ENTERPRISE_WORDS)}有限公司")
    for index, name in enumerate(sorted(names)):
        leading = index % 3 == 0
        econ.append(
            EconomicOrganization(
                name=name,
                kind=kind.LEADING_ENTERPRISE if leading else kind.PRIVATE_ENTERPRISE,
                township=rng.choice(county.townships),
                coverage=coverage.SINGLE
                if leading
                else rng.choice([coverage.SINGLE, coverage.INSTRUCTOR, coverage.NONE]),
            )
        )
    # party organizations built in economic organizations; instructors from city organs
    own_party = []
    for org in econ:
        if org.coverage == coverage.SINGLE:
            party = PartyOrganization(
                name=f"中共{org.name}支部委员会",
                level=PartyOrganization.Level.ECONOMIC,
                township=org.township or org.village.township,
                village=org.village,
            )
            own_party.append(party)
            org.party_organization = party
        elif org.coverage == coverage.JOINT and org.village:
            org.party_organization = county.branches[org.village.code]
        elif org.coverage == coverage.JOINT:
            org.party_organization = county.committees[org.township.code]
        elif org.coverage == coverage.INSTRUCTOR:
            org.instructor = rng.choice(county.section_leaders)
    save(PartyOrganization, own_party)
    county.party_organizations += own_party
    for org in econ:  # the keys of the party organizations saved just now
        if org.party_organization is not None:
            org.party_organization = org.party_organization
    save(EconomicOrganization, econ)
    county.enterprises = [o for o in econ if o.kind in (kind.PRIVATE_ENTERPRISE, kind.LEADING_ENTERPRISE)]


def pairing_projects(county):
    """ "1+X" pairing (B2): PAIRING_PROJECTS projects of enterprises with poverty villages
    (some with one household), worth exactly PAIRING_FUNDS yuan."""
    rng = county.rng
    funds = allocate(PAIRING_FUNDS // 1000, [rng.uniform(0.3, 2.5) for _ in range(PAIRING_PROJECTS)])
    pairing_kinds = [
        "{crop}订单收购帮扶",
        "{crop}加工扶贫车间",
        "{animal}养殖带动",
        "乡村旅游结对帮扶",
        "电商销售帮扶",
        "务工就业帮扶",
    ]
    county.pairings = []
    for number, amount in enumerate(funds, 1):
        village = rng.choice(county.poverty_villages)
        household = rng.choice(county.village_households[village.code]) if rng.random() < 0.4 else None
        label = rng.choice(pairing_kinds).format(crop=rng.choice(CROPS), animal=rng.choice(ANIMALS)[0])
        who = f"{household.head}户" if household else ""
        county.pairings.append(
            PairingProject(
                enterprise=rng.choice(county.enterprises),
                village=village,
                household=household,
                name=f"{village.name}{who}{label}（{number:03d}）",
                funds=money(amount * 1000),
                started_on=county.date_between(dt.date(2016, 2, 1), dt.date(2016, 11, 30)),
            )
        )
    save(PairingProject, county.pairings)
    county.count(PairingProject, len(county.pairings))


def collective_projects(county):
    """Collective-economy projects (B4): 2 or 3 in each of COLLECTIVE_VILLAGES poverty
    villages, covering exactly COLLECTIVE_HOUSEHOLDS of their households, with the fiscal
    funds and loan-interest subsidy totals of the report."""
    rng = county.rng
    villages = sorted(rng.sample(county.poverty_villages, COLLECTIVE_VILLAGES), key=lambda v: v.code)
    per_village = allocate(COLLECTIVE_PROJECTS, [1] * len(villages))
    fiscal = allocate(COLLECTIVE_FISCAL // 1000, [rng.uniform(0.5, 1.5) for _ in range(COLLECTIVE_PROJECTS)])
    subsidy = allocate(
        COLLECTIVE_LOAN_SUBSIDY // 1000, [rng.uniform(0.5, 1.5) for _ in range(COLLECTIVE_PROJECTS)]
    )
    sizes = [len(county.village_households[v.code]) for v in villages]
    covered = allocate(COLLECTIVE_HOUSEHOLDS, sizes)
    project_kinds = [
        "{crop}种植基地",
        "{crop}初加工厂",
        "{animal}养殖场",
        "乡村旅游接待中心",
        "农机服务队",
        "光伏发电",
        "农产品冷链仓储",
    ]
    county.collective = []
    coverage_rows = []
    number = 0
    for village, count, n_covered in zip(villages, per_village, covered, strict=True):
        chosen = rng.sample(county.village_households[village.code], n_covered)
        projects = []
        for _k in range(count):
            label = rng.choice(project_kinds).format(crop=rng.choice(CROPS), animal=rng.choice(ANIMALS)[0])
            project = CollectiveProject(
                code=f"JT2016-{number + 1:03d}",
                village=village,
                name=f"{village.name}{label}",
                year=YEAR,
                fiscal_funds=money(fiscal[number] * 1000),
                loan_subsidy=money(subsidy[number] * 1000),
            )
            number += 1
            projects.append(project)
            county.collective.append(project)
        for index, household in enumerate(chosen):
            coverage_rows.append((projects[index % count], household))
            if rng.random() < 0.1:  # some households share in two projects of their village
                coverage_rows.append((projects[(index + 1) % count], household))
    save(CollectiveProject, county.collective)
    through = CollectiveProject.households.through
    save(
        through,
        [through(collectiveproject_id=p.pk, household_id=h.pk) for p, h in dict.fromkeys(coverage_rows)],
    )
    county.count(CollectiveProject, len(county.collective))


def village_finance(county):
    """Village-level guarantee (B4) of 2015 and 2016: average cadre pay, office funds per
    village and total collective accumulation as in the report."""
    rng = county.rng
    finances = []
    n = len(county.villages)
    for year, (pay, office, accumulation) in FINANCE.items():
        pays = allocate(pay * n, [rng.uniform(0.85, 1.15) for _ in range(n)])
        offices = allocate(office * n // 100, [rng.uniform(0.8, 1.2) for _ in range(n)])
        accumulations = allocate(
            accumulation // 100, [rng.uniform(0.2, 1.0) * (2 if v.poverty else 1) for v in county.villages]
        )
        for village, p, o, a in zip(county.villages, pays, offices, accumulations, strict=True):
            finances.append(
                VillageFinance(
                    village=village,
                    year=year,
                    cadre_pay_monthly=money(p),
                    office_funds=money(o * 100),
                    collective_accumulation=money(a * 100),
                )
            )
    save(VillageFinance, finances)
