"""Who and where: the demo logins, townships and villages (with their poverty status and
exits), units and cadres, and the registered poor households (建档立卡)."""

import datetime as dt
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils.translation import gettext as _

from devdata.demo.county import BATCH, DemoError, allocate, money, save, validate
from devdata.demo.figures import (
    ADMIN_NAME,
    DEMO_LOGINS,
    EXITED_PEOPLE_2016,
    HOUSEHOLDS_EXITED_2015,
    HOUSEHOLDS_NOT_EXITED,
    OTHER_SECRETARY_PREFIX,
    PASSWORD,
    POVERTY_TOWNSHIPS,
    POVERTY_VILLAGES_PER_TOWN,
    SECRETARY2_TOWNSHIP,
    SECRETARY_TOWNSHIP,
    TOWN_VILLAGE_EXITS,
    TOWNSHIPS,
    demo_usernames,
)
from devdata.demo.names import (
    AGRI_UNITS,
    CITY_LEADER_NAMES,
    CITY_LEADERS_UNIT,
    CITY_UNITS,
    COMMUNITY_NAMES,
    SUPERVISION_UNIT,
    VILLAGE_FIRST,
    VILLAGE_SECOND,
)
from villages import roles
from villages.models import Cadre, Household, Township, Unit, Village


def users(county):
    """The demo logins (updated in place when they exist) and one login per other township
    secretary, each in its role group; the groups come from the migrations."""
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLES)}
    missing = set(roles.ROLES) - set(groups)
    if missing:
        raise DemoError(
            _("缺少角色组：%(names)s。请先运行 migrate。") % {"names": ", ".join(sorted(missing))}
        )
    password = make_password(PASSWORD)  # hashed once: the same for every demo login
    county.users = {}
    for username in demo_usernames():
        role = DEMO_LOGINS.get(username, roles.TOWNSHIP_SECRETARY)
        user, _created = User.objects.get_or_create(username=username)
        user.password = password if username in DEMO_LOGINS else make_password(None)
        user.is_staff = role == roles.ADMIN
        user.is_superuser = False
        user.is_active = True
        user.full_clean()
        user.save()
        user.groups.set([groups[role]])
        county.users[username] = user


def townships(county):
    county.townships = save(
        Township,
        [
            Township(
                code=code,
                name=name,
                kind=kind,
                poverty=code in POVERTY_TOWNSHIPS,
                exited_on=POVERTY_TOWNSHIPS.get(code),
            )
            for code, name, kind, _n_villages, _n_communities in TOWNSHIPS
        ],
    )
    county.township_by_code = {t.code: t for t in county.townships}
    county.count(Township, len(county.townships))


def villages(county):
    """Villages and communities; every village of a poverty township and four of each town
    are poverty villages. The two townships that take off the hat lose every poverty village
    (two of them already in 2015); a few poverty villages of towns exit too."""
    rng = county.rng
    county.villages = []
    names = set()
    communities = iter(rng.sample(COMMUNITY_NAMES, len(COMMUNITY_NAMES)))
    town_poverty = []
    for (code, _name, kind, n_villages, n_communities), township in zip(
        TOWNSHIPS, county.townships, strict=True
    ):
        for number in range(1, n_villages + 1):
            if number <= n_communities:
                vname, vkind = next(communities) + "社区", Village.Kind.COMMUNITY
            else:
                vname = ""
                while not vname or vname in names:
                    vname = rng.choice(VILLAGE_FIRST) + rng.choice(VILLAGE_SECOND) + "村"
                vkind = Village.Kind.VILLAGE
            names.add(vname)
            village = Village(code=f"{code}{number:02d}", township=township, name=vname, kind=vkind)
            if vkind == Village.Kind.VILLAGE and code in POVERTY_TOWNSHIPS:
                village.poverty = True
            county.villages.append(village)
        if kind == Township.Kind.TOWN:
            candidates = [
                v for v in county.villages if v.township is township and v.kind == Village.Kind.VILLAGE
            ]
            chosen = rng.sample(candidates, POVERTY_VILLAGES_PER_TOWN)
            for village in chosen:
                village.poverty = True
            town_poverty.extend(chosen)
    for code, exited_on in POVERTY_TOWNSHIPS.items():
        if exited_on is None:
            continue
        own = [v for v in county.villages if v.township.code == code]
        for index, village in enumerate(own):
            village.exited_on = (
                county.date_between(dt.date(2015, 11, 20), dt.date(2015, 12, 20))
                if index < 2
                else county.date_between(dt.date(2016, 11, 25), exited_on)
            )
    exiting = rng.sample(town_poverty, sum(TOWN_VILLAGE_EXITS.values()))
    for village in exiting[: TOWN_VILLAGE_EXITS[2015]]:
        village.exited_on = county.date_between(dt.date(2015, 11, 20), dt.date(2015, 12, 20))
    for village in exiting[TOWN_VILLAGE_EXITS[2015] :]:
        village.exited_on = county.date_between(dt.date(2016, 11, 25), dt.date(2016, 12, 20))
    save(Village, county.villages)
    county.poverty_villages = [v for v in county.villages if v.poverty]
    county.count(Village, len(county.villages))


def first_poverty_village(county, township_code):
    return next(v for v in county.poverty_villages if v.township.code == township_code)


def units(county):
    """City organs (agriculture-related first), the two state enterprises and the township
    governments."""
    county.units = [Unit(name=name) for name in AGRI_UNITS + CITY_UNITS]
    county.township_units = {}
    for township in county.townships:
        suffix = "办事处" if township.kind == Township.Kind.SUBDISTRICT else "人民政府"
        unit = Unit(name=township.name + suffix)
        county.township_units[township.code] = unit
        county.units.append(unit)
    save(Unit, county.units)
    county.unit_by_name = {u.name: u for u in county.units}
    county.agri_units = [county.unit_by_name[n] for n in AGRI_UNITS]
    county.city_units = [county.unit_by_name[n] for n in AGRI_UNITS + CITY_UNITS]


def cadres(county):
    """Every unit's head, section-level leaders and ordinary cadres; the supervisors; a
    secretary for every township and village; a "2111" team of five resident cadres (B3) in
    every poverty village, and the unit that assists (挂帮) each village."""
    rng = county.rng
    # units that assist poverty villages: organs and enterprises, not the leaders' office
    assisting = [u for u in county.city_units if u.name not in (CITY_LEADERS_UNIT, SUPERVISION_UNIT)]
    rows = []
    county.unit_heads, county.section_leaders, county.ordinary = [], [], []
    county.staff = defaultdict(list)  # unit name -> its section leaders and ordinary cadres
    township_units = set(county.township_units.values())
    for number, unit in enumerate(county.units, 1):
        is_township = unit in township_units
        head = Cadre(code=f"U{number:02d}-ZR", name=county.person(), role=Cadre.Role.UNIT_HEAD, unit=unit)
        county.unit_heads.append(head)
        rows.append(head)
        for k in range(1, (2 if is_township else 3) + 1):
            leader = Cadre(
                code=f"U{number:02d}-K{k}", name=county.person(), role=Cadre.Role.SECTION_LEADER, unit=unit
            )
            county.section_leaders.append(leader)
            county.staff[unit.name].append(leader)
        for k in range(1, (5 if is_township else 6) + 1):
            # the first is the unit's 股级干部 (section-level cadre of the spot checks, A9)
            role = Cadre.Role.SECTION_CADRE if k == 1 else Cadre.Role.ORDINARY
            cadre = Cadre(code=f"U{number:02d}-G{k:02d}", name=county.person(), role=role, unit=unit)
            county.ordinary.append(cadre)
            county.staff[unit.name].append(cadre)
    rows += county.section_leaders + county.ordinary
    supervision = county.unit_by_name[SUPERVISION_UNIT]
    # the supervision bureau's staff (督查局) and, the last two, members of the city
    # supervision groups (市督查组); the city leaders who check the groups (A9)
    county.supervisors = [
        Cadre(
            code=f"DC-{k:02d}",
            name=county.person(),
            role=Cadre.Role.SUPERVISOR if k <= 4 else Cadre.Role.SUPERVISION_GROUP,
            unit=supervision,
        )
        for k in range(1, 7)
    ]
    rows += county.supervisors
    leaders_unit = county.unit_by_name[CITY_LEADERS_UNIT]
    county.city_leaders = [
        Cadre(code=f"SW-{k:02d}", name=name, role=Cadre.Role.CITY_LEADER, unit=leaders_unit)
        for k, name in enumerate(CITY_LEADER_NAMES, 1)
    ]
    rows += county.city_leaders
    county.township_secretaries = {}
    for township in county.townships:
        secretary = Cadre(
            code=f"{township.code}-SJ",
            name=county.person(),
            role=Cadre.Role.TOWNSHIP_SECRETARY,
            township=township,
            unit=county.township_units[township.code],
        )
        county.township_secretaries[township.code] = secretary
        rows.append(secretary)
    county.village_secretaries, county.residents, county.assist_unit = {}, defaultdict(list), {}
    slots = [
        Cadre.TeamSlot.AGRI_CADRE,
        Cadre.TeamSlot.AGRI_CADRE,
        Cadre.TeamSlot.RESERVE_CADRE,
        Cadre.TeamSlot.RURAL_YOUTH,
        Cadre.TeamSlot.GRADUATE,
    ]
    non_agri = [u for u in assisting if u not in county.agri_units]
    for village in county.villages:
        secretary = Cadre(
            code=f"{village.code}-SJ",
            name=county.person(),
            role=Cadre.Role.VILLAGE_SECRETARY,
            township=village.township,
            village=village,
        )
        county.village_secretaries[village.code] = secretary
        rows.append(secretary)
        if not village.poverty:
            county.assist_unit[village.code] = county.township_units[village.township.code]
            continue
        county.assist_unit[village.code] = rng.choice(assisting)
        for k, slot in enumerate(slots, 1):
            if slot == Cadre.TeamSlot.AGRI_CADRE:
                unit = rng.choice(county.agri_units)
            elif slot == Cadre.TeamSlot.RESERVE_CADRE:
                unit = rng.choice(non_agri)
            else:
                unit = county.township_units[village.township.code]
            resident = Cadre(
                code=f"{village.code}-ZC{k}",
                name=county.person(),
                role=Cadre.Role.RESIDENT_CADRE,
                township=village.township,
                village=village,
                team_slot=slot,
                unit=unit,
            )
            county.residents[village.code].append(resident)
            rows.append(resident)
    save(Cadre, rows)
    county.all_residents = [c for team in county.residents.values() for c in team]
    county.count(Cadre, len(rows))


def link_users(county):
    """Tie the logins to their cadres: the demo logins to the cadres of the README, the other
    secretaries' logins to their townships."""
    village = first_poverty_village(county, SECRETARY_TOWNSHIP)
    links = {
        "supervisor": county.supervisors[0],
        "secretary": county.township_secretaries[SECRETARY_TOWNSHIP],
        "secretary2": county.township_secretaries[SECRETARY2_TOWNSHIP],
        "cadre": county.residents[village.code][0],
        "village": county.village_secretaries[village.code],
    }
    for code, secretary in county.township_secretaries.items():
        if code not in (SECRETARY_TOWNSHIP, SECRETARY2_TOWNSHIP):
            links[f"{OTHER_SECRETARY_PREFIX}{code.lower()}"] = secretary
    for username, cadre in links.items():
        cadre.user = county.users[username]
    Cadre.objects.bulk_update(validate(list(links.values())), ["user"], batch_size=BATCH)
    # the header shows a login's name: his cadre's
    named = []
    for username, cadre in [*links.items(), ("admin", None)]:
        user = county.users[username]
        user.first_name = cadre.name if cadre else ADMIN_NAME
        named.append(user)
    User.objects.bulk_update(named, ["first_name"])
    county.secretary_user = {code: c.user for code, c in county.township_secretaries.items()}
    county.supervisor_user = county.users["supervisor"]


def households(county):
    """Registered poor households in three exit groups (2015, 2016, not yet), weighted by
    village; the ones leaving poverty in 2016 hold exactly EXITED_PEOPLE_2016 people. Each is
    linked to its village's assisting unit and a helping cadre (C1)."""
    rng = county.rng
    shares = []  # per village: its weight in each exit group
    for village in county.villages:
        if village.kind == Village.Kind.COMMUNITY:
            base = 0.15
        elif village.poverty:
            base = rng.uniform(0.8, 1.3)
        else:
            base = rng.uniform(0.3, 0.5)
        if village.exited_on and village.exited_on.year == 2015:
            mix = (0.8, 0.2, 0.02)
        elif village.exited_on:
            mix = (0.25, 0.75, 0.03)
        elif village.poverty:
            mix = (0.15, 0.35, 0.5)
        else:
            mix = (0.3, 0.4, 0.3)
        shares.append([base * m for m in mix])
    size_weights = [8, 18, 24, 22, 14, 8, 4, 2]  # sizes 1..8
    mean_size = sum((i + 1) * w for i, w in enumerate(size_weights)) / sum(size_weights)
    totals = [HOUSEHOLDS_EXITED_2015, round(EXITED_PEOPLE_2016 / mean_size), HOUSEHOLDS_NOT_EXITED]
    per_group = [allocate(total, [s[g] for s in shares]) for g, total in enumerate(totals)]

    assistance = list(Household.Assistance.values)
    assistance_weights = [40, 15, 25, 10, 10]
    county.households = []
    county.village_households = defaultdict(list)
    exited_2016 = []
    for index, village in enumerate(county.villages):
        groups = [per_group[0][index], per_group[1][index], per_group[2][index]]
        groups[2] = max(groups[2], 8 - groups[0] - groups[1])  # every village gets a survey sample
        helpers = county.residents[village.code] + county.staff[county.assist_unit[village.code].name]
        number = 0
        for group, count in enumerate(groups):
            for _k in range(count):
                number += 1
                if rng.random() < 0.8:
                    registered = county.date_between(dt.date(2014, 4, 1), dt.date(2014, 10, 31))
                else:
                    registered = county.date_between(dt.date(2015, 1, 5), dt.date(2015, 3, 31))
                if group == 0:
                    exited = county.date_between(dt.date(2015, 6, 1), dt.date(2015, 12, 25))
                elif group == 1:
                    exited = max(
                        county.date_between(dt.date(2016, 3, 1), dt.date(2016, 12, 25)) for _ in "ab"
                    )
                else:
                    exited = None
                size = rng.choices(range(1, 9), size_weights)[0]
                income = rng.uniform(3300, 6500) if exited else rng.uniform(1700, 3000)
                household = Household(
                    code=f"{village.code}-{number:04d}",
                    village=village,
                    head=county.person(),
                    size=size,
                    assistance=rng.choices(assistance, assistance_weights)[0],
                    registered_on=registered,
                    exited_on=exited,
                    income=money(round(income)),
                    unit=county.assist_unit[village.code],
                    cadre=rng.choice(helpers),
                )
                county.households.append(household)
                county.village_households[village.code].append(household)
                if group == 1:
                    exited_2016.append(household)
    gap = EXITED_PEOPLE_2016 - sum(h.size for h in exited_2016)
    step = 1 if gap > 0 else -1
    while gap:
        household = rng.choice(exited_2016)
        if 1 <= household.size + step <= 8:
            household.size += step
            gap -= step
    save(Household, county.households)
    county.count(Household, len(county.households))
