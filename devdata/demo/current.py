"""The year the demo is built in: 2016 closed out as history, and this year's county at work
up to today, whatever today's date is.

2016 is the case report's year and stays exactly as built; its unfinished tasks are closed
out at the year-end through ``close_out_year`` (not overdue forever). This year (``today()``'s)
has its own contracts, signed with targets before any result is in, so townships lead and
lag; tasks under them with weekly reports up to last week (most on time, some filed late,
some weeks missing, some tasks overdue); households leaving poverty so far this year; a few
inspections, accountability actions and television exposures; and an open satisfaction
round that the survey-worker login is part-way through.

The work runs over the weeks from the year's first week, but at least WINDOW_WEEKS back,
so that even in early January the weekly dashboard's 12-week trend is full. These steps
draw from their own generator seeded with the seed and today's date: the same day builds
the same county, and 2016's random draws are never disturbed.
"""

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from simple_history.utils import bulk_create_with_history

from accountability import periods
from accountability.dashboards import summaries
from accountability.models import (
    AccountabilityAction,
    Contract,
    Exposure,
    Factor,
    Finding,
    Inspection,
    ProgressReport,
    Task,
    WeekLock,
)
from accountability.oversight import services as oversight_services
from accountability.periods import week_start
from accountability.tasks import services as task_services
from accountability.tasks.services import check_task_started, check_value
from devdata.demo.county import BATCH, filed_at, money, save, validate
from devdata.demo.figures import (
    CLOSE_OUT_ON,
    SECRETARY_TOWNSHIP,
    SEED,
    SURVEY_SAMPLE,
    SURVEY_WORKER_NAME,
    SURVEY_WORKER_USERNAME,
    YEAR,
)
from devdata.demo.names import ANIMALS, CROPS, REPORT_NOTES
from devdata.demo.oversight import ACTION_REASONS, CATEGORY_TEXTS, SEVERITY_TEXTS, TV_PROGRAMME
from devdata.demo.tasks import TOWNSHIP_TEMPLATES, VILLAGE_TEMPLATES
from villages.models import Cadre, Household, SurveyAnswer
from villages.satisfaction import services as survey_services

# the weekly trend (12 weeks) and a few weeks before it
WINDOW_WEEKS = 16
PROFILES = {"on_track": 70, "lagging": 18, "stalled": 12}
LATE_SHARE = 0.12  # reports filed after their week's Friday


class Now:
    """The dates this year's steps work with."""

    def __init__(self):
        self.today = periods.today()
        self.year = self.today.year
        self.this_week = week_start(self.today)
        self.last_week = self.this_week - dt.timedelta(weeks=1)
        year_start = dt.date.fromisocalendar(self.year, 1, 1)
        self.first_week = min(year_start, self.this_week - dt.timedelta(weeks=WINDOW_WEEKS))
        self.jan_first = dt.date(self.year, 1, 1)
        # share of the year gone by (never zero: the first days have a little to show)
        self.elapsed = max(0.02, (self.today - self.jan_first).days / 365)
        self.signed_on = min(dt.date(self.year, 1, 10), self.today)


def _rng(now):
    return random.Random(f"{SEED}-{now.today.isoformat()}")


def _between(rng, start, end):
    return start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def close_out_2016(county):
    """2016 is history: its unfinished tasks are closed out at the year-end, by the
    supervisor login through the product's service."""
    county.closed_2016 = task_services.close_out_year(YEAR, county.supervisor_user, CLOSE_OUT_ON)
    # and the problems its inspections found and left open are rectified over the first
    # quarter of the next year (recorded through the service), so that ten years later they
    # do not count as 逾期未整改 in this week's reminders; on 2016's own pages they stay overdue
    # at the year's end
    still_open = (
        Finding.objects.with_problem()
        .filter(inspection__held_on__year=YEAR, rectified_on__isnull=True)
        .order_by("pk")
    )
    for number, finding in enumerate(still_open):
        rectified_on = CLOSE_OUT_ON + dt.timedelta(days=number % 80)
        oversight_services.rectify_finding(county.supervisor_user, finding, rectified_on)


def setup(county):
    """This year's dates and generator, and the survey worker (测评员) login and cadre."""
    now = county.now = Now()
    county.now_rng = _rng(now)
    user = county.users[SURVEY_WORKER_USERNAME]
    township = county.township_by_code[SECRETARY_TOWNSHIP]
    worker = Cadre(
        code=f"{township.code}-CP01",
        name=SURVEY_WORKER_NAME,
        role=Cadre.Role.ORDINARY,
        township=township,
        unit=county.township_units[township.code],
        user=user,
    )
    save(Cadre, [worker])
    user.first_name = worker.name
    user.save(update_fields=["first_name"])
    county.survey_worker = worker


def exits(county):
    """Households leaving poverty so far this year: each township plans a share of its poor
    households at the start of the year (the contract's target) and gets ahead of or behind
    the plan; at least one household of every township leaves this month."""
    now, rng = county.now, county.now_rng
    poor = defaultdict(list)
    for household in county.households:
        if household.exited_on is None:
            poor[household.village.township.code].append(household)
    county.exit_plan, exited = {}, []
    for township in county.townships:
        pool = sorted(poor[township.code], key=lambda h: h.code)
        if not pool:
            county.exit_plan[township.code] = (0, 0)
            continue
        planned = rng.sample(pool, max(1, round(len(pool) * rng.uniform(0.2, 0.4))))
        county.exit_plan[township.code] = (len(planned), sum(h.size for h in planned))
        pace = rng.uniform(0.55, 1.35)  # behind or ahead of the plan
        count = min(len(pool), max(1, round(len(planned) * now.elapsed * pace)))
        month_start = now.today.replace(day=1)
        for number, household in enumerate(rng.sample(pool, count)):
            start = month_start if number == 0 else now.jan_first
            household.exited_on = max(_between(rng, start, now.today), household.registered_on)
            exited.append(household)
    Household.objects.bulk_update(validate(exited), ["exited_on"], batch_size=BATCH)
    county.exited_now = exited


def _fill(rng, template, unit, low, high, households):
    crop, (animal, animal_unit) = rng.choice(CROPS), rng.choice(ANIMALS)
    title = template.format(crop=crop, animal=animal)
    target = households if high == 0 else rng.randint(low, high)
    return title, unit or animal_unit, max(target, 1)


def tasks(county):
    """This year's responsibility list: four tasks per township, two per poverty village and
    one in some other villages, starting over the weeks so far, some due already."""
    now, rng = county.now, county.now_rng
    weeks_so_far = max(1, (now.last_week - now.first_week).days // 7)
    specs = []

    def add(township, village, owner, factor, templates, households):
        title, unit, target = _fill(rng, *rng.choice(templates[factor]), households)
        start = now.first_week + dt.timedelta(weeks=rng.randint(0, weeks_so_far))
        due = start + dt.timedelta(weeks=rng.randint(4, 26), days=4)
        place = village.name if village else township.name
        specs.append((township, village, owner, factor, f"{place}{title}", unit, target, start, due))

    for township in county.townships:
        secretary = county.township_secretaries[township.code]
        for factor in rng.sample(list(Factor), 4):
            add(township, None, secretary, factor, TOWNSHIP_TEMPLATES, 50)
    for village in county.villages:
        households = len(county.village_households[village.code])
        team = county.residents.get(village.code, [])
        if village.poverty:
            factors = rng.sample(list(Factor), 2)
        elif rng.random() < 0.3:
            factors = rng.sample(list(Factor), 1)
        else:
            continue
        for factor in factors:
            owner = county.village_secretaries[village.code]
            if team and factor in (Factor.INFORMATION, Factor.TECHNOLOGY, Factor.TALENT):
                owner = rng.choice(team)
            add(village.township, village, owner, factor, VILLAGE_TEMPLATES, households)
    specs.sort(key=lambda s: (s[7], s[0].code, s[1].code if s[1] else "", s[4]))
    county.now_specs = specs


def contracts(county):
    """This year's contracts, signed at the start of the year before any result: the exit
    targets are the townships' plans (``exits``), the task targets the tasks planned, the
    funds a budget; every township committee and every poverty village's branch."""
    now, rng = county.now, county.now_rng
    tasks_in = defaultdict(int)
    for spec in county.now_specs:
        tasks_in[spec[0].code] += 1
        if spec[1] is not None:
            tasks_in[spec[1].code] += 1
    rows = []
    county.now_contracts = {}
    for township in county.townships:
        households, people = county.exit_plan[township.code]
        contract = Contract(
            party=Contract.Party.TOWNSHIP_COMMITTEE,
            year=now.year,
            township=township,
            signed_by=county.township_secretaries[township.code],
            signed_on=now.signed_on,
            target_households=households,
            target_people=people,
            target_tasks=tasks_in[township.code] + rng.randint(0, 3),
            target_funds=money(rng.randint(20, 300) * 10_000),
        )
        county.now_contracts[township.code] = contract
        rows.append(contract)
    for village in county.poverty_villages:
        contract = Contract(
            party=Contract.Party.VILLAGE_BRANCH,
            year=now.year,
            township=village.township,
            village=village,
            signed_by=county.village_secretaries[village.code],
            signed_on=now.signed_on,
            target_households=rng.randint(2, 12),
            target_people=rng.randint(6, 40),
            target_tasks=tasks_in[village.code],
            target_funds=money(rng.randint(5, 60) * 10_000),
        )
        county.now_contracts[village.code] = contract
        rows.append(contract)
    # with their first audit record, as the contract page records them (A2 targets are audited)
    bulk_create_with_history(validate(rows), Contract, batch_size=BATCH)


def save_tasks(county):
    now = county.now
    rows = []
    for number, (township, village, owner, factor, title, unit, target, start, due) in enumerate(
        county.now_specs, 1
    ):
        contract = county.now_contracts.get(village.code if village else None) or county.now_contracts.get(
            township.code
        )
        rows.append(
            Task(
                code=f"RW{now.year}-{number:04d}",
                title=title[:200],
                factor=factor,
                township=township,
                village=village,
                contract=contract,
                owner=owner,
                starts_on=start,
                due_on=due,
                target=money(target),
                unit=unit,
            )
        )
    county.now_tasks = save(Task, rows)


def weekly_reports(county):
    """Weekly reports from each task's first week up to last week (this week is the logins'
    to file): most filed on the Friday, some a few days late, some weeks missing. On-track
    tasks reach 100% by their deadline; lagging ones fall behind and catch up after it;
    stalled ones stop reporting part-way and, past their deadline, are overdue."""
    now, rng = county.now, county.now_rng
    reports = []
    county.now_profile = {}
    for task in county.now_tasks:
        profile = rng.choices(list(PROFILES), list(PROFILES.values()))[0]
        county.now_profile[task.code] = profile
        due_week = week_start(task.due_on)
        total = (due_week - task.starts_on).days // 7 + 1
        goal = {"on_track": 1.0, "lagging": rng.uniform(0.6, 0.9), "stalled": rng.uniform(0.2, 0.6)}[profile]
        stop = total * rng.uniform(0.4, 0.7) if profile == "stalled" else None
        missing = {"on_track": 0.04, "lagging": 0.1, "stalled": 0.25}[profile]
        reporter = task.owner.user or county.secretary_user[task.township.code]
        value, week, index = Decimal(0), task.starts_on, 0
        while week <= now.last_week and value < task.target and (stop is None or index < stop):
            index += 1
            share = goal * min(1.0, index / total) ** rng.uniform(0.8, 1.2)
            if profile == "on_track" and week == due_week:
                share = 1.0
            elif profile == "lagging" and week > due_week:  # catching up after the deadline
                share = min(1.0, goal + 0.08 * (index - total))
            if rng.random() < missing and share < 1:
                week += dt.timedelta(weeks=1)
                continue
            value = max(value, money(float(task.target) * share))
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
            filed = filed_at(week)
            if rng.random() < LATE_SHARE:
                filed += dt.timedelta(days=rng.randint(2, 4))
            report._history_user = reporter
            report._history_date = filed
            reports.append(report)
            week += dt.timedelta(weeks=1)
    bulk_create_with_history(validate(reports), ProgressReport, batch_size=BATCH)
    summaries.refresh_progress({report.task_id for report in reports})  # their copy of the latest
    county.count(ProgressReport, county.counts[ProgressReport._meta.verbose_name_plural] + len(reports))
    county.count(Task, Task.objects.count())


def week_locks(county):
    """This year's weekly bulletins are published up to the week before last."""
    now = county.now
    locked = set(WeekLock.objects.values_list("week", flat=True))
    rows, week = [], now.first_week
    while week <= now.this_week - dt.timedelta(weeks=2):
        if week not in locked:
            rows.append(WeekLock(week=week, locked_by=county.supervisor_user))
        week += dt.timedelta(weeks=1)
    save(WeekLock, rows)


# what a category checked was found to be (a skipped one, NOT_CHECKED, needs a reason)
CHECKED_SEVERITIES = [Finding.Severity.OK, Finding.Severity.MINOR, Finding.Severity.SERIOUS]


def inspections(county):
    """This year's five must-checks (五必查) so far, one township in three every quarter,
    and an unannounced check (暗查) a month, recorded and rectified by the supervisor login
    through the product's services; every quarter so far has its checks."""
    now, rng = county.now, county.now_rng
    user = county.supervisor_user
    quarters = sorted({(d.month - 1) // 3 for d in (now.jan_first, now.today)})
    quarters = list(range(quarters[0], quarters[-1] + 1))
    planned = []
    for quarter in quarters:
        start = dt.date(now.year, 3 * quarter + 1, 1)
        end = min(dt.date(now.year, 3 * quarter + 3, 28), now.today)
        for township in rng.sample(county.townships, 6):
            village = rng.choice([v for v in county.villages if v.township is township])
            planned.append(
                (
                    {
                        "kind": Inspection.Kind.MUST_CHECK,
                        "held_on": _between(rng, start, end),
                        "township": township,
                        "village": village,
                        "inspector": rng.choice(county.supervisors),
                        "summary": f"{township.name}{village.name}第{quarter + 1}季度五必查",
                    },
                    list(Finding.Category),
                )
            )
    month = now.jan_first
    while month <= now.today:
        village = rng.choice(county.poverty_villages)
        planned.append(
            (
                {
                    "kind": Inspection.Kind.UNANNOUNCED,
                    "held_on": _between(rng, month, min(month + dt.timedelta(days=27), now.today)),
                    "township": village.township,
                    "village": village,
                    "inspector": rng.choice(county.supervisors),
                    "summary": f"暗查{village.township.name}{village.name}驻村工作组在岗情况",
                },
                [Finding.Category.CADRES_ON_POST, Finding.Category.TASK_PROGRESS],
            )
        )
        month = (month + dt.timedelta(days=32)).replace(day=1)
    county.now_inspections = []
    for data, categories in planned:
        findings, rectified = [], {}
        for category in categories:
            severity = rng.choices(CHECKED_SEVERITIES, [60, 30, 10])[0]
            rectify_by = None
            if severity != Finding.Severity.OK:
                rectify_by = data["held_on"] + dt.timedelta(days=30)
                done = data["held_on"] + dt.timedelta(days=rng.randint(5, 40))
                if done <= now.today and rng.random() < 0.7:
                    rectified[category] = done
            findings.append(
                {
                    "category": category,
                    "severity": severity,
                    "description": f"{CATEGORY_TEXTS[category]}{SEVERITY_TEXTS[severity]}",
                    "rectify_by": rectify_by,
                }
            )
        inspection = oversight_services.record_inspection(user, data, findings)
        for finding in inspection.findings.filter(category__in=rectified):
            oversight_services.rectify_finding(user, finding, rectified[finding.category])
        county.now_inspections.append(inspection)


def accountability_actions(county):
    """A few warning talks this year, to owners of stalled tasks, through ``record_action``."""
    now, rng = county.now, county.now_rng
    stalled = [t for t in county.now_tasks if county.now_profile[t.code] == "stalled"]
    for task in rng.sample(stalled, min(4, len(stalled))):
        oversight_services.record_action(
            county.supervisor_user,
            {
                "kind": AccountabilityAction.Kind.WARNING_TALK,
                "cadre": task.owner,  # the action takes his rank (AccountabilityAction.clean)
                "decided_on": _between(rng, max(task.starts_on, now.jan_first), now.today),
                "reason": rng.choice(ACTION_REASONS),
                "inspection": None,
                "task": task,
            },
        )


def exposures(county):
    """Television questioning (电视问政) this year: stalled tasks exposed (one of them last
    week, so the weekly bulletin has one on air) and a finished task praised."""
    now, rng = county.now, county.now_rng
    stalled = [t for t in county.now_tasks if county.now_profile[t.code] == "stalled"]
    done = [
        t for t in county.now_tasks if county.now_profile[t.code] == "on_track" and t.due_on < now.last_week
    ]
    rows = []
    for number, task in enumerate(rng.sample(stalled, min(3, len(stalled)))):
        aired = (
            now.last_week + dt.timedelta(days=3) if number == 0 else _between(rng, task.starts_on, now.today)
        )
        rows.append(
            Exposure(
                kind=Exposure.Kind.EXPOSED,
                township=task.township,
                task=task,
                aired_on=max(aired, task.starts_on),
                programme=TV_PROGRAMME,
                title=f"电视问政：{task.title}进度滞后",
            )
        )
    for task in rng.sample(done, min(1, len(done))):
        rows.append(
            Exposure(
                kind=Exposure.Kind.PRAISED,
                township=task.township,
                task=task,
                aired_on=min(task.due_on + dt.timedelta(days=7), now.today),
                programme=TV_PROGRAMME,
                title=f"经验做法：{task.title}",
            )
        )
    save(Exposure, rows)


def survey_round(county):
    """This year's first satisfaction round, open (opened by the supervisor login through the
    product's service): the survey worker has answered SURVEY_SAMPLE households in each village of
    his township and has the rest to visit."""
    now, rng = county.now, county.now_rng
    held_on = max(now.jan_first, now.today - dt.timedelta(days=10))
    ends_on = min(held_on + dt.timedelta(days=30), dt.date(now.year, 12, 31))
    current = survey_services.open_round(
        year=now.year, number=1, held_on=held_on, ends_on=ends_on, user=county.users["supervisor"]
    )
    worker = county.survey_worker
    answered = []
    for village in county.villages:
        if village.township_id != worker.township_id:
            continue
        households = [
            h
            for h in county.village_households[village.code]
            if h.exited_on is None or h.exited_on.year >= now.year
        ]
        answered += rng.sample(households, min(SURVEY_SAMPLE, len(households) // 2))
    answers = [
        SurveyAnswer(
            round=current, household=household, item=item, level=rng.choices([3, 2, 1], [70, 22, 8])[0]
        )
        for household in answered
        for item in county.items
    ]
    save(SurveyAnswer, answers)
    county.count(SurveyAnswer, county.counts[SurveyAnswer._meta.verbose_name_plural] + len(answers))
