"""C 群众定效: the 23 livelihood items and the three survey rounds of 2016 with a sample of
households answering every item (C2), outreach events (C5) and jobs and self-employment
(C5)."""

import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from devdata.demo.county import allocate, save
from devdata.demo.figures import (
    JOB_TRANSFER_PEOPLE,
    JOB_TRANSFER_ROWS,
    OUTREACH_OTHER,
    OUTREACH_TOTALS,
    SELF_EMPLOYMENT,
    SURVEY_DATES,
    SURVEY_SAMPLE,
    YEAR,
)
from devdata.demo.names import CROPS
from villages.models import LivelihoodItem, LivelihoodOutcome, OutreachEvent, SurveyAnswer
from villages.satisfaction import services as survey_services

ITEMS_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "livelihood_items.json"
OUTREACH_TITLES = {
    OutreachEvent.Kind.POLICY_TRAINING: "扶贫政策宣传培训班",
    OutreachEvent.Kind.SKILLS_TRAINING: "贫困群众{crop}种植技能培训",
    OutreachEvent.Kind.LONGMENZHEN: "百姓龙门阵：脱贫路上话变化",
    OutreachEvent.Kind.NIGHT_SCHOOL: "农民夜校：{crop}管护",
    OutreachEvent.Kind.MORAL_HALL: "道德讲堂：孝老爱亲",
    OutreachEvent.Kind.REMOTE_EDUCATION: "远程教育：{crop}病虫害防治",
}
JOB_NOTES = ["浙江务工", "广东务工", "市内企业就业", "县内园区就业", "公益性岗位"]


def livelihood_items(county):
    """The 23 items of C2, loaded with ``loaddata`` from the reference fixture. Survey answers
    are already cleared, so items of an earlier load (whatever their codes) are replaced."""
    LivelihoodItem.objects.all().delete()
    call_command("loaddata", str(ITEMS_FIXTURE), verbosity=0)
    county.items = list(LivelihoodItem.objects.order_by("order"))


def survey_rounds(county):
    """The year's three rounds, opened by a supervisor through the product's service; each
    runs two weeks."""
    supervisor = county.users.get("supervisor")
    county.rounds = [
        survey_services.open_round(
            year=YEAR, number=n, held_on=on, ends_on=on + dt.timedelta(days=14), user=supervisor
        )
        for n, on in enumerate(SURVEY_DATES, 1)
    ]


def close_rounds(county):
    """2016 is history: its rounds are closed (read-only) once their answers are in."""
    supervisor = county.users.get("supervisor")
    county.rounds = [survey_services.close_round(r, user=supervisor) for r in county.rounds]


def survey_answers(county):
    """In every round, SURVEY_SAMPLE households of every village answer all items; how
    satisfied they are depends on the township and the item, and rises a little each round."""
    rng = county.rng
    township_base = {t.code: rng.uniform(0.55, 0.85) for t in county.townships}
    item_effect = {item.code: rng.uniform(-0.12, 0.08) for item in county.items}
    answers = []
    for number, survey_round in enumerate(county.rounds):
        for village in county.villages:
            noise = rng.uniform(-0.05, 0.05)
            for household in rng.sample(county.village_households[village.code], SURVEY_SAMPLE):
                for item in county.items:
                    p_sat = (
                        township_base[village.township.code] + item_effect[item.code] + 0.05 * number + noise
                    )
                    p_sat = min(0.97, max(0.2, p_sat))
                    p_dis = (1 - p_sat) * 0.35
                    draw = rng.random()
                    level = 3 if draw < p_sat else (1 if draw < p_sat + p_dis else 2)
                    answers.append(
                        SurveyAnswer(round=survey_round, household=household, item=item, level=level)
                    )
    save(SurveyAnswer, answers)
    survey_services.answers_written(
        [survey_round.pk for survey_round in county.rounds]
    )  # as every write does
    county.count(SurveyAnswer, len(answers))


def outreach_events(county):
    """Policy and skills training with the report's attendance totals, and the other kinds
    of education and outreach (百姓龙门阵, 农民夜校, 道德讲堂, 远程教育)."""
    rng = county.rng
    events = []
    for kind, (count, attendance) in OUTREACH_TOTALS.items():
        people = allocate(attendance, [rng.uniform(0.5, 1.5) for _ in range(count)])
        for number, n in enumerate(people, 1):
            township = rng.choice(county.townships)
            village = None
            if kind == OutreachEvent.Kind.SKILLS_TRAINING:
                village = rng.choice(county.villages)
                township = village.township
            events.append(
                OutreachEvent(
                    kind=kind,
                    title=f"{OUTREACH_TITLES[kind].format(crop=rng.choice(CROPS))}（第{number}期）",
                    township=township,
                    village=village,
                    attendance=n,
                    held_on=county.date_between(dt.date(YEAR, 1, 10), dt.date(YEAR, 12, 20)),
                )
            )
    for kind, count in OUTREACH_OTHER.items():
        for _k in range(count):
            village = rng.choice(county.villages)
            events.append(
                OutreachEvent(
                    kind=kind,
                    title=OUTREACH_TITLES[kind].format(crop=rng.choice(CROPS)),
                    township=village.township,
                    village=village,
                    attendance=rng.randint(20, 120),
                    held_on=county.date_between(dt.date(YEAR, 1, 10), dt.date(YEAR, 12, 20)),
                )
            )
    save(OutreachEvent, events)
    county.count(OutreachEvent, len(events))


def livelihood_outcomes(county):
    """Jobs found for JOB_TRANSFER_PEOPLE people of JOB_TRANSFER_ROWS households, and the
    report's rural inns, agritainment farms, online shops and e-commerce points."""
    rng = county.rng
    outcomes = []
    workers = [h for h in county.households if h.size >= 3]
    chosen = rng.sample(workers, JOB_TRANSFER_ROWS)
    extra = set(rng.sample(range(JOB_TRANSFER_ROWS), JOB_TRANSFER_PEOPLE - 2 * JOB_TRANSFER_ROWS))
    for index, household in enumerate(chosen):
        outcomes.append(
            LivelihoodOutcome(
                kind=LivelihoodOutcome.Kind.JOB_TRANSFER,
                village=household.village,
                household=household,
                people=3 if index in extra else 2,
                started_on=county.date_between(dt.date(YEAR, 1, 5), dt.date(YEAR, 12, 20)),
                note=rng.choice(JOB_NOTES),
            )
        )
    for kind, count in SELF_EMPLOYMENT.items():
        for _k in range(count):
            village = rng.choice(county.villages)
            household = rng.choice(county.village_households[village.code]) if rng.random() < 0.7 else None
            outcomes.append(
                LivelihoodOutcome(
                    kind=kind,
                    village=village,
                    household=household,
                    people=rng.randint(1, 4),
                    started_on=county.date_between(dt.date(YEAR, 1, 5), dt.date(YEAR, 12, 20)),
                )
            )
    save(LivelihoodOutcome, outcomes)
    county.count(LivelihoodOutcome, len(outcomes))
