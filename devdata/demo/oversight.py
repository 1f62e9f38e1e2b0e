"""A 干部定责, the checking side: ratings down the chain (A3), inspections with their
findings and rectification (A7–A9), accountability actions (A10, C4), commendations and
promotions (C4), exposures on television (A7), the half-year reviews and annual reports (A8)
and the year-end scores (C1, C2, C4).

Grades come from ``accountability.oversight.services.grade_for``; inspections, findings,
their rectification and accountability actions are recorded through the oversight
services the supervisors' pages use; half-year reviews and annual reports pass their
models' ``clean()``; the year-end scores are computed and published by
``accountability.oversight.scoring`` (the code behind ``manage.py compute_year_end`` and the
year-end page's buttons)."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Avg, Q
from django.utils import timezone

from accountability.models import (
    AccountabilityAction,
    AnnualReport,
    Commendation,
    Evaluation,
    Exposure,
    Finding,
    HalfYearReview,
    Inspection,
    Rank,
)
from accountability.oversight import scoring, services
from devdata.demo.county import save
from devdata.demo.figures import PROMOTIONS, VETOED_TOWNSHIP, WARNING_TALKS, YEAR
from villages.models import Cadre

QUARTER_DATES = {
    1: dt.date(2016, 4, 8),
    2: dt.date(2016, 7, 8),
    3: dt.date(2016, 10, 10),
    4: dt.date(2016, 12, 28),
}
ANNUAL_DATE = dt.date(2016, 12, 30)
COMMENTS = {
    Evaluation.Grade.EXCELLENT: "任务推进有力，群众评价高",
    Evaluation.Grade.GOOD: "工作扎实，个别任务需加快",
    Evaluation.Grade.QUALIFIED: "完成基本任务，进度偏慢",
    Evaluation.Grade.UNQUALIFIED: "任务严重滞后，需限期整改",
}
CATEGORY_TEXTS = {
    Finding.Category.IDENTIFICATION: "贫困户识别",
    Finding.Category.PROJECT_INTEGRATION: "涉农项目整合",
    Finding.Category.TASK_PROGRESS: "任务推进",
    Finding.Category.CADRES_ON_POST: "驻村干部在岗",
    Finding.Category.FUNDS_USE: "扶贫资金使用",
}
SEVERITY_TEXTS = {
    Finding.Severity.OK: "符合要求",
    Finding.Severity.MINOR: "存在一般问题，已要求整改",
    Finding.Severity.SERIOUS: "存在严重问题，移交问责",
}
ACTION_REASONS = [
    "履职不到位，脱贫攻坚任务推进缓慢",
    "驻村期间多次不在岗",
    "工作滞后、情况不清，影响任务落实",
    "扶贫资金拨付迟缓",
    "对督查发现问题整改不力",
]
HONOURS = ["全省优秀驻村干部", "赤水市脱贫攻坚先进个人", "文朝荣式好支书", "优秀村级党组织书记"]


def evaluations(county):
    """Quarterly and annual ratings (业绩下评, A3): each township secretary rates his
    villages' party organizations, each village secretary his resident cadres. A village's
    level follows how far its tasks got; the grade follows the score by the product's rule."""
    rng = county.rng
    village_perf = defaultdict(list)
    for task in county.tasks:
        if task.village_id:
            village_perf[task.village.code].append(min(1.0, county.task_final[task.code]))
    rows = []

    def rate(level, cycle, period, evaluator, village, cadre, base, on):
        score = Decimal(str(round(max(40.0, min(99.0, base + rng.gauss(0, 4))), 1)))
        grade = services.grade_for(score)
        rows.append(
            Evaluation(
                level=level,
                cycle=cycle,
                year=YEAR,
                period=period,
                evaluator=evaluator,
                village=village,
                cadre=cadre,
                score=score,
                grade=grade,
                comment=COMMENTS[grade],
                evaluated_on=on,
            )
        )

    def rate_year(level, evaluator, village, cadre, base):
        for quarter, on in QUARTER_DATES.items():
            rate(level, Evaluation.Cycle.QUARTERLY, quarter, evaluator, village, cadre, base, on)
        rate(level, Evaluation.Cycle.ANNUAL, 1, evaluator, village, cadre, base, ANNUAL_DATE)

    county.cadre_base = {}  # resident cadre code -> the level of his ratings
    for village in county.villages:
        perf = village_perf[village.code]
        base = 70 + 25 * (sum(perf) / len(perf) if perf else 0.8)
        secretary = county.township_secretaries[village.township.code]
        rate_year(Evaluation.Level.TOWNSHIP_RATES_VILLAGE, secretary, village, None, base)
        for resident in county.residents.get(village.code, []):
            cadre_base = base + rng.uniform(-8, 6)
            county.cadre_base[resident.code] = cadre_base
            evaluator = county.village_secretaries[village.code]
            rate_year(Evaluation.Level.VILLAGE_RATES_CADRE, evaluator, village, resident, cadre_base)
    save(Evaluation, rows)
    county.count(Evaluation, len(rows))


def inspections(county):
    """The five must-checks (五必查, A9) of every township each quarter, ten spot checks at
    each of the five levels (五抽查), three unannounced checks (暗查) a month; recorded by the
    supervisor login through ``record_inspection``, rectified through ``rectify_finding``."""
    rng = county.rng
    planned = []  # (inspection fields, findings, rectified on per category)

    def plan(data, categories):
        findings, rectified = [], {}
        for category in categories:
            severity = rng.choices([Finding.Severity.OK, *Finding.PROBLEMS], [60, 30, 10])[0]
            rectify_by = None
            if severity != Finding.Severity.OK:
                rectify_by = data["held_on"] + dt.timedelta(days=30)
                if rng.random() < 0.8:
                    rectified[category] = data["held_on"] + dt.timedelta(days=rng.randint(5, 40))
            findings.append(
                {
                    "category": category,
                    "severity": severity,
                    "description": f"{CATEGORY_TEXTS[category]}{SEVERITY_TEXTS[severity]}",
                    "rectify_by": rectify_by,
                }
            )
        planned.append((data, findings, rectified))

    quarter_months = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}
    for township in county.townships:
        own = [v for v in county.villages if v.township is township]
        for quarter, (first, last) in quarter_months.items():
            village = rng.choice(own)
            data = {
                "kind": Inspection.Kind.MUST_CHECK,
                "held_on": county.date_between(dt.date(YEAR, first, 5), dt.date(YEAR, last, 25)),
                "township": township,
                "village": village,
                "inspector": rng.choice(county.supervisors),
                "summary": f"{township.name}{village.name}第{quarter}季度五必查",
            }
            plan(data, list(Finding.Category))
    heads_by_unit = {c.unit.name: c for c in county.unit_heads}
    staff_by_unit = defaultdict(lambda: defaultdict(list))
    for cadre in county.section_leaders + county.ordinary:
        staff_by_unit[cadre.unit.name][cadre.role].append(cadre)
    bureau = [c for c in county.supervisors if c.role == Cadre.Role.SUPERVISOR]
    groups = [c for c in county.supervisors if c.role == Cadre.Role.SUPERVISION_GROUP]
    for level in Inspection.SpotLevel:
        for _k in range(10):
            unit = rng.choice(county.city_units[:-2])
            staff = staff_by_unit[unit.name]
            # who inspects whom follows the chain Inspection.clean checks (A9)
            inspector, inspected = {
                Inspection.SpotLevel.CITY_LEADERS: (rng.choice(county.city_leaders), rng.choice(groups)),
                Inspection.SpotLevel.SUPERVISION_BUREAU: (rng.choice(bureau), heads_by_unit[unit.name]),
                Inspection.SpotLevel.UNIT_HEADS: (
                    heads_by_unit[unit.name],
                    rng.choice(staff[Cadre.Role.SECTION_LEADER]),
                ),
                Inspection.SpotLevel.DEPUTIES: (
                    rng.choice(staff[Cadre.Role.SECTION_LEADER]),
                    rng.choice(staff[Cadre.Role.SECTION_CADRE]),
                ),
                Inspection.SpotLevel.SECTION_CADRES: (
                    rng.choice(staff[Cadre.Role.SECTION_CADRE]),
                    rng.choice(staff[Cadre.Role.ORDINARY]),
                ),
            }[level]
            data = {
                "kind": Inspection.Kind.SPOT_CHECK,
                "spot_level": level,
                "held_on": county.date_between(dt.date(YEAR, 2, 1), dt.date(YEAR, 12, 15)),
                "inspector": inspector,
                "inspected_cadre": inspected,
                "summary": f"{Inspection.SpotLevel(level).label}：{inspected.name}",
            }
            plan(
                data,
                rng.sample(
                    [Finding.Category.CADRES_ON_POST, Finding.Category.TASK_PROGRESS], rng.randint(1, 2)
                ),
            )
    for month in range(1, 13):
        for _k in range(3):
            village = rng.choice(county.poverty_villages)
            data = {
                "kind": Inspection.Kind.UNANNOUNCED,
                "held_on": county.date_between(dt.date(YEAR, month, 1), dt.date(YEAR, month, 28)),
                "township": village.township,
                "village": village,
                "inspector": rng.choice(county.supervisors),
                "summary": f"暗查{village.township.name}{village.name}驻村工作组在岗情况",
            }
            plan(data, [Finding.Category.CADRES_ON_POST, Finding.Category.TASK_PROGRESS])

    user = county.supervisor_user
    county.inspections = []
    for data, findings, rectified in planned:
        inspection = services.record_inspection(user, data, findings)
        for finding in inspection.findings.filter(category__in=rectified):
            services.rectify_finding(user, finding, rectified[finding.category])
        county.inspections.append(inspection)
    county.count(Inspection, len(county.inspections))


def accountability_actions(county):
    """Accountability of 2016 (A10, C4), recorded by the supervisor login through
    ``record_action``: warning talks to exactly WARNING_TALKS distinct cadres per rank (a few
    talked to twice), criticism, organizational handling of lagging village secretaries, and
    two one-vote vetoes (a township secretary and a unit head)."""
    rng = county.rng
    lagging_by_owner = defaultdict(list)
    for task in county.tasks:
        if county.task_profile[task.code] != "on_track":
            lagging_by_owner[task.owner.code].append(task)
    sources = [i for i in county.inspections if i.kind != Inspection.Kind.MUST_CHECK]
    actions = []

    def act(kind, cadre, reason=None):
        decided = county.date_between(dt.date(YEAR, 2, 15), dt.date(YEAR, 12, 20))
        earlier = [i for i in sources if i.held_on <= decided]
        lagging = [t for t in lagging_by_owner.get(cadre.code, []) if t.starts_on <= decided]
        data = {
            "kind": kind,
            "cadre": cadre,
            "decided_on": decided,
            "reason": reason or rng.choice(ACTION_REASONS),
            "inspection": rng.choice(earlier) if earlier and rng.random() < 0.6 else None,
            "task": rng.choice(lagging) if lagging else None,
        }
        actions.append(services.record_action(county.supervisor_user, data))

    # the pools by the cadres' own rank class (Cadre.rank_class, checked by Cadre.clean when
    # the cadres were saved): the action takes it, so the talks count 11 / 45 / 113
    candidates = county.unit_heads + county.section_leaders + county.ordinary + county.all_residents
    pools = {rank: [c for c in candidates if c.rank_class == rank] for rank in Rank}
    talked = []
    for rank, count in WARNING_TALKS.items():
        for cadre in rng.sample(pools[rank], count):
            act(AccountabilityAction.Kind.WARNING_TALK, cadre)
            talked.append(cadre)
    for cadre in rng.sample(talked, 12):  # talked to twice
        act(AccountabilityAction.Kind.WARNING_TALK, cadre)
    for _k in range(24):
        rank = rng.choice(list(Rank))
        act(AccountabilityAction.Kind.CRITICISM, rng.choice(pools[rank]))
    lagging_villages = [v for v in county.poverty_villages if not v.exited_on]
    for village in rng.sample(lagging_villages, 6):
        act(
            AccountabilityAction.Kind.ORG_HANDLING,
            county.village_secretaries[village.code],
            "村级脱贫任务进度严重滞后，予以组织处理",
        )
    vetoed_head = rng.choice([h for h in county.unit_heads if h.unit in county.city_units])
    act(
        AccountabilityAction.Kind.ONE_VOTE_VETO,
        county.township_secretaries[VETOED_TOWNSHIP],
        "脱贫攻坚慢作为、不作为，年终考核一票否决",
    )
    act(AccountabilityAction.Kind.ONE_VOTE_VETO, vetoed_head, "挂帮工作乱作为，年终考核一票否决")
    county.count(AccountabilityAction, len(actions))


def commendations(county):
    """The PROMOTIONS best-rated resident cadres are promoted, the next twenty and twelve
    village secretaries commended (C4)."""
    rng = county.rng
    ranked = sorted(county.all_residents, key=lambda c: (-county.cadre_base[c.code], c.code))
    rows = []
    for cadre in ranked[:PROMOTIONS]:
        rows.append(
            Commendation(
                kind=Commendation.Kind.PROMOTED,
                cadre=cadre,
                decided_on=county.date_between(dt.date(YEAR, 9, 1), dt.date(YEAR, 12, 20)),
                title=f"提拔为{rng.choice(county.townships).name}副科级领导干部",
            )
        )
    secretaries = sorted(county.village_secretaries.values(), key=lambda c: c.code)
    for cadre in ranked[PROMOTIONS : PROMOTIONS + 20] + rng.sample(secretaries, 12):
        rows.append(
            Commendation(
                kind=Commendation.Kind.COMMENDED,
                cadre=cadre,
                decided_on=county.date_between(dt.date(YEAR, 6, 25), dt.date(YEAR, 12, 25)),
                title=rng.choice(HONOURS[:2] if cadre.role == Cadre.Role.RESIDENT_CADRE else HONOURS[2:]),
            )
        )
    save(Commendation, rows)


TV_PROGRAMME = "赤水电视台《电视问政》"


def exposures(county):
    """Television questioning (电视问政, A7): eight stalled tasks exposed, four finished
    village tasks reported as good practice."""
    rng = county.rng
    stalled = [t for t in county.tasks if county.task_profile[t.code] == "stalled"]
    done = [t for t in county.tasks if county.task_profile[t.code] == "on_track" and t.village_id]
    rows = [
        Exposure(
            kind=Exposure.Kind.EXPOSED,
            township=task.township,
            task=task,
            aired_on=max(task.starts_on + dt.timedelta(weeks=6), dt.date(YEAR, 3, 1)),
            programme=TV_PROGRAMME,
            title=f"电视问政：{task.title}进度滞后",
        )
        for task in rng.sample(stalled, 8)
    ]
    rows += [
        Exposure(
            kind=Exposure.Kind.PRAISED,
            township=task.township,
            task=task,
            aired_on=task.due_on,
            programme=TV_PROGRAMME,
            title=f"经验做法：{task.title}",
        )
        for task in rng.sample(done, 4)
    ]
    save(Exposure, rows)


def _review_verdict(average):
    if average is None or average >= 85:
        return HalfYearReview.Verdict.ON_TRACK
    if average >= 75:
        return HalfYearReview.Verdict.LAGGING
    return HalfYearReview.Verdict.SERIOUSLY_LAGGING


def half_year_reviews(county):
    """半年研判 (A8): in July the supervisors review every township's first half, the verdict
    following the township's ratings of its villages in the first two quarters; the
    township that is vetoed at the year's end was already found lagging."""
    first_half = dict(
        Evaluation.objects.filter(
            year=YEAR,
            level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE,
            cycle=Evaluation.Cycle.QUARTERLY,
            period__in=[1, 2],
        )
        .values("village__township_id")
        .annotate(avg=Avg("score"))
        .values_list("village__township_id", "avg")
        .order_by()
    )
    rows = []
    for township in sorted(county.townships, key=lambda t: t.code):
        verdict = _review_verdict(first_half.get(township.pk))
        if township.code == VETOED_TOWNSHIP and verdict == HalfYearReview.Verdict.ON_TRACK:
            verdict = HalfYearReview.Verdict.LAGGING
        problems = (
            ""
            if verdict == HalfYearReview.Verdict.ON_TRACK
            else "部分村任务推进滞后，贫困户帮扶措施落实不到位"
        )
        conclusions = {
            HalfYearReview.Verdict.ON_TRACK: "上半年任务推进有序，下半年按责任书目标冲刺",
            HalfYearReview.Verdict.LAGGING: "限期赶上进度，乡镇党委书记督促各村逐项整改",
            HalfYearReview.Verdict.SERIOUSLY_LAGGING: "约谈乡镇党委书记，列为下半年督查重点",
        }[verdict]
        rows.append(
            HalfYearReview(
                year=YEAR,
                half=1,
                township=township,
                held_on=county.date_between(dt.date(YEAR, 7, 11), dt.date(YEAR, 7, 22)),
                verdict=verdict,
                problems=problems,
                conclusions=conclusions,
                recorded_by=county.supervisor_user,
            )
        )
    save(HalfYearReview, rows)


def _report_result(average):
    if average is None:
        return AnnualReport.Result.FAIR
    if average >= 90:
        return AnnualReport.Result.GOOD
    if average >= 80:
        return AnnualReport.Result.FAIRLY_GOOD
    if average >= 65:
        return AnnualReport.Result.FAIR
    return AnnualReport.Result.POOR


def annual_reports(county):
    """全年述职 (A8): at the year's end every township secretary and every poverty village's
    party secretary reports on his duty; the result follows the year's ratings of his
    township's villages or of his village's party organization."""
    ratings = Evaluation.objects.filter(year=YEAR, level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE)
    by_township = dict(
        ratings.values("village__township_id")
        .annotate(avg=Avg("score"))
        .values_list("village__township_id", "avg")
        .order_by()
    )
    by_village = dict(
        ratings.values("village_id").annotate(avg=Avg("score")).values_list("village_id", "avg").order_by()
    )
    secretaries = (
        Cadre.objects.filter(role__in=[Cadre.Role.TOWNSHIP_SECRETARY, Cadre.Role.VILLAGE_SECRETARY])
        .filter(Q(role=Cadre.Role.TOWNSHIP_SECRETARY) | Q(village__poverty=True))
        .order_by("code")
    )
    rows = []
    for cadre in secretaries:
        if cadre.role == Cadre.Role.TOWNSHIP_SECRETARY:
            average, summary = (
                by_township.get(cadre.township_id),
                "全乡镇脱贫攻坚统筹情况、责任书目标完成情况",
            )
        else:
            average, summary = (
                by_village.get(cadre.village_id),
                "本村脱贫攻坚任务落实、贫困户帮扶和组织建设情况",
            )
        rows.append(
            AnnualReport(
                year=YEAR,
                cadre=cadre,
                delivered_on=county.date_between(dt.date(YEAR, 12, 26), dt.date(YEAR + 1, 1, 13)),
                summary=summary,
                result=_report_result(average),
                recorded_by=county.supervisor_user,
            )
        )
    save(AnnualReport, rows)


def year_end_scores(county):
    """The year-end scores of 2016 (年终考评, C1, C2, C4), computed from the ratings,
    reports, exits against the contracts, survey answers and vetoes above by the product's
    scoring, and published, as ``compute_year_end 2016 --publish`` (or the page's two
    buttons) would, in January of the next year; nothing is written by hand."""
    at = timezone.make_aware(dt.datetime(YEAR + 1, 1, 20, 10, 0))
    scoring.compute_and_publish(YEAR, user=county.supervisor_user, at=at)
