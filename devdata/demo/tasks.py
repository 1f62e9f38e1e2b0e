"""A 干部定责: the problem list and the responsibility list (A5), the contracts (A2) whose
targets come from them, the weekly progress reports of 2016 (A6) and the week locks, and a
few tasks running this week for the demo logins."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from accountability import periods
from accountability.dashboards import summaries
from accountability.models import Contract, Factor, Problem, ProgressReport, Task, WeekLock
from accountability.periods import week_start
from accountability.tasks.services import check_task_started, check_value
from devdata.demo.county import BATCH, filed_at, money, save, validate
from devdata.demo.figures import SECRETARY2_TOWNSHIP, SECRETARY_TOWNSHIP, YEAR
from devdata.demo.names import ANIMALS, CROPS, REPORT_NOTES
from devdata.demo.places import first_poverty_village
from villages.models import Cadre, Village

PROBLEM_TEXTS = {
    Factor.INDUSTRY: "主导产业规模小，贫困户参与度不高",
    Factor.PROJECT: "通组公路未硬化，雨季出行困难",
    Factor.INFORMATION: "部分贫困户信息与实际不符，需动态调整",
    Factor.TECHNOLOGY: "种养殖技术缺乏，产量不稳",
    Factor.POLICY: "政策知晓率低，部分补助未兑现",
    Factor.TALENT: "村级后备力量不足，青壮年外出务工多",
}
# factor: [(title, unit, lowest target, highest target)]; a highest of 0 means "the number
# of households of the place"; a unit of None means the animal's unit
TOWNSHIP_TEMPLATES = {
    Factor.INDUSTRY: [("全乡镇新增{crop}种植基地", "亩", 500, 3000), ("培育农民专业合作社", "个", 3, 10)],
    Factor.PROJECT: [("实施通组公路硬化工程", "公里", 5, 40), ("建设农村安全饮水工程", "处", 5, 20)],
    Factor.INFORMATION: [("完成建档立卡信息动态调整", "户", 0, 0)],
    Factor.TECHNOLOGY: [("开展农村实用技术培训", "人次", 200, 1500)],
    Factor.POLICY: [("落实教育精准扶贫资助", "人", 100, 800), ("落实医疗救助政策", "人", 100, 600)],
    Factor.TALENT: [("培养农村致富带头人", "名", 10, 40), ("选派党建指导员", "名", 3, 10)],
}
VILLAGE_TEMPLATES = {
    Factor.INDUSTRY: [("发展{crop}种植", "亩", 50, 500), ("发展{animal}养殖", None, 50, 800)],
    Factor.PROJECT: [("硬化通组公路", "公里", 1, 8), ("实施农村危房改造", "户", 5, 40)],
    Factor.INFORMATION: [("核查贫困户信息", "户", 0, 0)],
    Factor.TECHNOLOGY: [("开展{crop}种植技术培训", "人次", 20, 150)],
    Factor.POLICY: [("兑现生态补偿资金", "户", 10, 80), ("开展扶贫政策宣讲", "场次", 4, 12)],
    Factor.TALENT: [("培养村级后备干部", "名", 2, 2), ("组织外出务工技能培训", "人", 10, 60)],
}
HOUSEHOLD_TEMPLATES = [
    (Factor.INDUSTRY, "帮助{head}户发展{crop}种植", "亩", 1, 5),
    (Factor.PROJECT, "完成{head}户危房改造", "户", 1, 1),
    (Factor.POLICY, "落实{head}户低保兜底", "户", 1, 1),
    (Factor.TALENT, "帮助{head}户劳动力转移就业", "人", 1, 2),
    (Factor.TECHNOLOGY, "为{head}户开展技术指导", "次", 2, 6),
]
LAST_DAY = dt.date(YEAR, 12, 30)


def problems(county):
    """The problem list (问题清单): four per poverty village, fewer elsewhere, a quarter of
    them about one household, raised by the township secretary in the first quarter."""
    rng = county.rng
    county.problems = []
    for village in county.villages:
        count = 4 if village.poverty else (1 if village.kind == Village.Kind.COMMUNITY else 2)
        for factor in rng.sample(list(Factor), count):
            household = rng.choice(county.village_households[village.code]) if rng.random() < 0.25 else None
            text = PROBLEM_TEXTS[factor]
            if household:
                text = f"{household.head}户：{text}"
            county.problems.append(
                Problem(
                    township=village.township,
                    village=village,
                    household=household,
                    factor=factor,
                    description=f"{village.name}{text}",
                    raised_by=county.secretary_user[village.township.code],
                    raised_on=county.date_between(dt.date(2016, 1, 4), dt.date(2016, 3, 31)),
                )
            )
    save(Problem, county.problems)


def _spec(
    factor,
    township,
    owner,
    title,
    unit,
    target,
    starts_on,
    due_on,
    village=None,
    household=None,
    problem=None,
):
    return {
        "factor": factor,
        "township": township,
        "village": village,
        "household": household,
        "owner": owner,
        "title": title,
        "unit": unit,
        "target": target,
        "starts_on": starts_on,
        "due_on": due_on,
        "problem": problem,
    }


def responsibility_list(county):
    """The tasks of 2016 (责任清单), not yet saved: contracts count them in their targets.
    Every township and village gets tasks over the six factors (A4), every poverty village
    two household tasks, and about 45% of the problems become a task."""
    rng = county.rng

    def fill(template, unit, low, high, count_default):
        crop, (animal, animal_unit) = rng.choice(CROPS), rng.choice(ANIMALS)
        title = template.format(crop=crop, animal=animal, head="{head}")
        target = count_default if high == 0 else rng.randint(low, high)
        return title, unit or animal_unit, max(target, 1)

    def dates(first_week, last_week, min_weeks, max_weeks):
        start = dt.date.fromisocalendar(YEAR, rng.randint(first_week, last_week), 1)
        due = start + dt.timedelta(weeks=rng.randint(min_weeks, max_weeks), days=-3)
        return start, min(due, LAST_DAY)

    specs = []
    township_households = defaultdict(int)
    for household in county.households:
        township_households[household.village.township.code] += 1
    for township in county.townships:
        secretary = county.township_secretaries[township.code]
        for factor in list(Factor) + rng.sample(list(Factor), 2):
            title, unit, target = fill(
                *rng.choice(TOWNSHIP_TEMPLATES[factor]), township_households[township.code]
            )
            start, due = dates(1, 10, 20, 50)
            specs.append(
                _spec(factor, township, secretary, f"{township.name}{title}", unit, target, start, due)
            )
    for village in county.villages:
        households = county.village_households[village.code]
        team = county.residents.get(village.code, [])
        if village.poverty:
            factors = list(Factor)
        elif village.kind == Village.Kind.COMMUNITY:
            factors = rng.sample(list(Factor), 1)
        else:
            factors = rng.sample(list(Factor), 2)
        for factor in factors:
            title, unit, target = fill(*rng.choice(VILLAGE_TEMPLATES[factor]), len(households))
            owner = county.village_secretaries[village.code]
            if team and factor in (Factor.INFORMATION, Factor.TECHNOLOGY):
                owner = team[0]
            elif team and factor == Factor.TALENT:
                owner = rng.choice(team)
            start, due = dates(1, 40, 6, 26)
            specs.append(
                _spec(
                    factor,
                    village.township,
                    owner,
                    f"{village.name}{title}",
                    unit,
                    target,
                    start,
                    due,
                    village,
                )
            )
        if village.poverty:
            for household in rng.sample(households, 2):
                factor, template, unit, low, high = rng.choice(HOUSEHOLD_TEMPLATES)
                title, unit, target = fill(template, unit, low, high, 1)
                owner = household.cadre if household.cadre.role == Cadre.Role.RESIDENT_CADRE else team[0]
                start, due = dates(5, 44, 4, 16)
                title = f"{village.name}{title.format(head=household.head)}"
                specs.append(
                    _spec(
                        factor, village.township, owner, title, unit, target, start, due, village, household
                    )
                )
    for problem in county.problems:
        if rng.random() >= 0.45:
            continue
        village = problem.village
        team = county.residents.get(village.code, [])
        owner = rng.choice(team) if team and rng.random() < 0.5 else county.village_secretaries[village.code]
        start = week_start(problem.raised_on + dt.timedelta(days=rng.randint(3, 20)))
        due = min(start + dt.timedelta(weeks=rng.randint(6, 24), days=-3), LAST_DAY)
        target, unit = (1, "项") if problem.household is None else (1, "户")
        title = f"解决：{problem.description}"
        specs.append(
            _spec(
                problem.factor,
                problem.township,
                owner,
                title,
                unit,
                target,
                start,
                due,
                village,
                problem.household,
                problem,
            )
        )
    specs.sort(
        key=lambda s: (
            s["starts_on"],
            s["township"].code,
            s["village"].code if s["village"] else "",
            s["title"],
        )
    )
    county.task_specs = specs


def _is_team_task(spec):
    """A village task owned by a resident cadre counts in the work team's contract."""
    return spec["owner"].role == Cadre.Role.RESIDENT_CADRE


def contracts(county):
    """Responsibility contracts (军令状, A2) of 2016: every township committee, and the branch
    and the work team of every poverty village, with targets taken from the data."""
    exits = defaultdict(lambda: [0, 0])  # place code -> [households, people] exiting in YEAR
    for household in county.households:
        if household.exited_on and household.exited_on.year == YEAR:
            for key in (household.village.code, household.village.township.code):
                exits[key][0] += 1
                exits[key][1] += household.size
    funds = defaultdict(int)
    for project in county.collective:
        for key in (project.village.code, project.village.township.code):
            funds[key] += project.fiscal_funds
    for project in county.pairings:
        for key in (project.village.code, project.village.township.code):
            funds[key] += project.funds
    tasks_in = defaultdict(int)
    for spec in county.task_specs:
        tasks_in[spec["township"].code] += 1
        if spec["village"] is not None:
            tasks_in[(spec["village"].code, "team" if _is_team_task(spec) else "branch")] += 1
    rows = []
    county.township_contracts, county.village_contracts = {}, {}
    for township in county.townships:
        exiting = [
            v for v in county.villages if v.township is township and v.exited_on and v.exited_on.year == YEAR
        ]
        contract = Contract(
            party=Contract.Party.TOWNSHIP_COMMITTEE,
            year=YEAR,
            township=township,
            signed_by=county.township_secretaries[township.code],
            signed_on=dt.date(YEAR, 1, 15),
            target_households=exits[township.code][0],
            target_people=exits[township.code][1],
            target_villages=len(exiting),
            target_tasks=tasks_in[township.code],
            target_funds=money(funds[township.code]),
            township_exit=bool(township.exited_on and township.exited_on.year == YEAR),
        )
        county.township_contracts[township.code] = contract
        rows.append(contract)
    for village in county.poverty_villages:
        village_exits = int(bool(village.exited_on and village.exited_on.year == YEAR))
        for party, signer, key in (
            (Contract.Party.VILLAGE_BRANCH, county.village_secretaries[village.code], "branch"),
            (Contract.Party.WORK_TEAM, county.residents[village.code][0], "team"),
        ):
            contract = Contract(
                party=party,
                year=YEAR,
                township=village.township,
                village=village,
                signed_by=signer,
                signed_on=dt.date(YEAR, 1, 22),
                target_households=exits[village.code][0],
                target_people=exits[village.code][1],
                target_villages=village_exits,
                target_tasks=tasks_in[(village.code, key)],
                target_funds=money(funds[village.code]),
            )
            county.village_contracts[(village.code, key)] = contract
            rows.append(contract)
    # with their first audit record, as the contract page records them (A2 targets are audited)
    bulk_create_with_history(validate(rows), Contract, batch_size=BATCH)


def tasks(county):
    """The responsibility list saved, each task under the contract it counts in."""
    county.tasks = []
    for number, spec in enumerate(county.task_specs, 1):
        village = spec["village"]
        if village is not None and village.poverty:
            key = "team" if _is_team_task(spec) else "branch"
            contract = county.village_contracts[(village.code, key)]
        else:
            contract = county.township_contracts[spec["township"].code]
        county.tasks.append(
            Task(
                code=f"RW2016-{number:04d}",
                title=spec["title"][:200],
                factor=spec["factor"],
                township=spec["township"],
                village=village,
                household=spec["household"],
                contract=contract,
                problem=spec["problem"],
                owner=spec["owner"],
                starts_on=spec["starts_on"],
                due_on=spec["due_on"],
                target=money(spec["target"]),
                unit=spec["unit"],
            )
        )
    save(Task, county.tasks)
    county.count(Task, len(county.tasks))


def weekly_reports(county):
    """Every task's weekly reports (每周晒, A6) from its first week to its deadline: most
    tasks on track, some lagging, some stalled, a few weeks not reported. Each report passes
    the checks ``file_report`` makes on a report's value and week (the ones about the current
    week aside), its percent comes from ``Task.percent_for``, and its audit history names the
    reporter, filed on the Friday of its week."""
    rng = county.rng
    last_week = dt.date.fromisocalendar(YEAR, 52, 1)
    reports = []
    county.task_profile = {}
    county.task_final = {}  # task code -> share of the target reached at the end
    for task in county.tasks:
        profile = rng.choices(["on_track", "lagging", "stalled"], [76, 15, 9])[0]
        weeks = []
        week = week_start(task.starts_on)
        while week <= min(week_start(task.due_on), last_week):
            weeks.append(week)
            week += dt.timedelta(weeks=1)
        goal = {"on_track": 1.0, "lagging": rng.uniform(0.55, 0.9), "stalled": rng.uniform(0.3, 0.7)}[profile]
        stop = len(weeks) if profile != "stalled" else max(1, int(len(weeks) * rng.uniform(0.4, 0.7)))
        missing = {"on_track": 0.05, "lagging": 0.15, "stalled": 0.3}[profile]
        value = Decimal(0)
        reporter = task.owner.user or county.secretary_user[task.township.code]
        for index, week in enumerate(weeks):
            is_last = index == len(weeks) - 1
            if index and not (is_last and profile == "on_track") and rng.random() < missing:
                continue
            progress = goal * min(1.0, (index + 1) / stop) ** rng.uniform(0.8, 1.2)
            if profile == "on_track" and is_last:
                progress = 1.0
            value = max(value, money(float(task.target) * progress))
            check_task_started(task, week)
            check_value(task, value)
            report = ProgressReport(
                task=task,
                week=week,
                value=value,
                percent=task.percent_for(value),
                note=rng.choice(REPORT_NOTES[profile]),
                reporter=reporter,
            )
            report._history_user = reporter
            report._history_date = filed_at(week)
            reports.append(report)
        county.task_profile[task.code] = profile
        county.task_final[task.code] = float(value / task.target) if weeks else 0.0
    bulk_create_with_history(validate(reports), ProgressReport, batch_size=BATCH)
    summaries.refresh_progress({report.task_id for report in reports})  # their copy of the latest
    county.count(ProgressReport, len(reports))


def week_locks(county):
    """Every week of 2016 is published (locked) except the last two."""
    save(
        WeekLock,
        [
            WeekLock(week=dt.date.fromisocalendar(YEAR, n, 1), locked_by=county.supervisor_user)
            for n in range(1, 51)
        ],
    )


def close_solved_problems(county):
    """A problem whose task was finished is closed on the task's deadline."""
    solved = {
        id(t.problem): t for t in county.tasks if t.problem and county.task_profile[t.code] == "on_track"
    }
    closed = []
    for problem in county.problems:
        if id(problem) in solved:
            problem.closed_on = solved[id(problem)].due_on
            problem.resolution = "已按责任清单完成整改"
            closed.append(problem)
    Problem.objects.bulk_update(validate(closed), ["closed_on", "resolution"], batch_size=BATCH)


def current_work(county):
    """A few tasks running now, dated from the day the demo is built and not reported yet,
    so the demo logins have this week's report to file. Nothing of 2016 changes."""
    this_week = week_start(periods.today())
    village = first_poverty_village(county, SECRETARY_TOWNSHIP)
    first = county.township_secretaries[SECRETARY_TOWNSHIP]
    second = county.township_secretaries[SECRETARY2_TOWNSHIP]
    home, other = county.township_by_code[SECRETARY_TOWNSHIP], county.township_by_code[SECRETARY2_TOWNSHIP]
    specs = [  # (township, village, owner, factor, title, unit, target, weeks to go)
        (home, None, first, Factor.INFORMATION, "完成建档立卡信息年度复核", "户", 120, 6),
        (home, None, first, Factor.TECHNOLOGY, "组织冬季农村实用技术培训", "人次", 300, 8),
        (
            home,
            village,
            county.village_secretaries[village.code],
            Factor.PROJECT,
            f"{village.name}硬化通组公路",
            "公里",
            3,
            10,
        ),
        (
            home,
            village,
            county.residents[village.code][0],
            Factor.INDUSTRY,
            f"{village.name}发展林下养殖",
            "户",
            25,
            9,
        ),
        (other, None, second, Factor.POLICY, "落实冬春困难群众救助政策", "户", 80, 5),
        (other, None, second, Factor.TALENT, "培养农村致富带头人", "名", 12, 10),
    ]
    save(
        Task,
        [
            Task(
                code=f"RW{this_week.year}-C{number:02d}",
                title=title,
                factor=factor,
                township=township,
                village=place,
                owner=owner,
                starts_on=this_week - dt.timedelta(weeks=3),
                due_on=this_week + dt.timedelta(weeks=weeks, days=4),
                target=Decimal(target),
                unit=unit,
            )
            for number, (township, place, owner, factor, title, unit, target, weeks) in enumerate(specs, 1)
        ],
    )
