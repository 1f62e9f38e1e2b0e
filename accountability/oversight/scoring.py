"""Year-end scores (年终考评, C1, C2, C4), computed in the database, kept as versions.

The formula is ``YearEndScore.WEIGHTS`` (weight name -> percent, summing to 100;
docs/scoring.md). For a year Y, every township gets four parts, each 0–100 or no data:

- *ratings*: the average score of all ratings the township gave its villages' party
  organizations in Y (业绩下评, A3; every cycle: quarterly, half-year, annual);
- *tasks*: the average completion of the township's tasks due in Y, each task counting the
  percent of its last weekly report of the year (a task never reported counts 0);
- *exits* (C1): the households of the township that left poverty in Y as a percentage of
  the township committee's contract target (A2), at most 100 (no data without a target);
- *satisfaction* (C2): the share of "satisfied" and "fairly satisfied" answers among all
  answers of the township's households in Y's survey rounds (no data without answers).

The **work score** is the weighted mean of the work parts that exist (``YearEndScore.work``:
their weights scaled up to the work share, 0 when none exists); the **total** is
``YearEndScore.combine(work, satisfaction)``: satisfaction weighs 12% (the work score alone
when nobody was surveyed). **veto** (一票否决): any one-vote veto decided in Y on a cadre of
the township. **rating**: vetoed → 不称职; else total ≥ 90 优秀, ≥ 80 称职, ≥ 70 基本称职.

Cadres get parts the same way: a township secretary takes his township's; a village
secretary the average rating of his village's party organization, his village's exits
against the village branch's contract and his village's satisfaction; a resident cadre the
average of the ratings his village gave him, his village's exits against the work team's
contract and his village's satisfaction; any other cadre with a one-vote veto in Y gets a
row too (work 0 unless rated).

Versions (``YearEndRun``): ``compute_year_end`` writes a new **draft** beside the published
version (an earlier draft is superseded, and kept); ``publish`` makes a draft the published
league and supersedes the version published before. Every part is rounded half-up to one
decimal and rows are written in a fixed order, so computing twice from the same data gives
the same scores. All figures come from grouped aggregates (one query per figure, not per
row).
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accountability.models import (
    AccountabilityAction,
    Contract,
    Evaluation,
    ProgressReport,
    Task,
    YearEndRun,
    YearEndScore,
)
from villages.models import Cadre, Household, SurveyAnswer, Township

TENTH = Decimal("0.1")
ZERO = Decimal("0.0")
HUNDRED = Decimal(100)

# total at or above: rating (a veto overrides)
RATING_THRESHOLDS = [
    (Decimal(90), YearEndScore.Rating.EXCELLENT),
    (Decimal(80), YearEndScore.Rating.COMPETENT),
    (Decimal(70), YearEndScore.Rating.BASIC),
]


def tenth(value):
    """A number rounded half-up to one decimal, as a Decimal (0.0 for None)."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(TENTH, rounding=ROUND_HALF_UP)


def rating_for(total, vetoed):
    if vetoed:
        return YearEndScore.Rating.UNQUALIFIED
    for threshold, rating in RATING_THRESHOLDS:
        if total >= threshold:
            return rating
    return YearEndScore.Rating.UNQUALIFIED


def part(value):
    """A part as stored: rounded half-up to one decimal, None (no data) kept."""
    return None if value is None else tenth(value)


def exit_part(exited, target):
    """Exits against the contract's target (C1): percent, at most 100; None without a
    target (no contract, or a target of 0: no data, not a score of 0)."""
    if not target:
        return None
    return tenth(min(HUNDRED, Decimal(exited) * HUNDRED / Decimal(target)))


def share_satisfied(positive, answered):
    """Satisfied + fairly satisfied answers as a percent of all answers (None without answers:
    no survey is no data, not a score of 0)."""
    if not answered:
        return None
    return tenth(Decimal(positive) * 100 / Decimal(answered))


@dataclass(frozen=True)
class Figures:
    """Everything the year's scores are made of, each a dict keyed by id."""

    township_ratings: dict  # township id -> average rating of its villages
    township_completion: dict  # township id -> average task completion
    township_answers: dict  # township id -> (positive, all)
    village_ratings: dict  # village id -> average rating of the village party organization
    village_answers: dict  # village id -> (positive, all)
    cadre_ratings: dict  # cadre id -> average rating received
    vetoed_cadres: set  # cadre ids with a one-vote veto in the year
    township_exits: dict  # township id -> households that left poverty in the year
    village_exits: dict  # village id -> households that left poverty in the year
    township_targets: dict  # township id -> the township committee contract's target households
    village_targets: dict  # (village id, contract party) -> the contract's target households


def year_figures(year):
    """The grouped aggregates of ``year``: eleven queries whatever the size of the county."""
    village_evaluations = Evaluation.objects.filter(year=year, level=Evaluation.Level.TOWNSHIP_RATES_VILLAGE)
    township_ratings = dict(
        village_evaluations.values("village__township_id")
        .annotate(avg=Avg("score"))
        .values_list("village__township_id", "avg")
        .order_by()
    )
    village_ratings = dict(
        village_evaluations.values("village_id")
        .annotate(avg=Avg("score"))
        .values_list("village_id", "avg")
        .order_by()
    )
    cadre_ratings = dict(
        Evaluation.objects.filter(year=year, level=Evaluation.Level.VILLAGE_RATES_CADRE)
        .values("cadre_id")
        .annotate(avg=Avg("score"))
        .values_list("cadre_id", "avg")
        .order_by()
    )

    last_report = ProgressReport.objects.filter(
        task=OuterRef("pk"), week__lte=dt.date(year, 12, 31)
    ).order_by("-week")
    township_completion = dict(
        Task.objects.filter(due_on__year=year)
        .annotate(final_percent=Coalesce(Subquery(last_report.values("percent")[:1]), Value(ZERO)))
        .values("township_id")
        .annotate(avg=Avg("final_percent"))
        .values_list("township_id", "avg")
        .order_by()
    )

    answers = SurveyAnswer.objects.filter(round__year=year)
    counted = {"positive": Count("pk", filter=Q(level__gte=SurveyAnswer.Level.FAIR)), "answered": Count("pk")}
    township_answers = {
        row["household__village__township_id"]: (row["positive"], row["answered"])
        for row in answers.values("household__village__township_id").annotate(**counted).order_by()
    }
    village_answers = {
        row["household__village_id"]: (row["positive"], row["answered"])
        for row in answers.values("household__village_id").annotate(**counted).order_by()
    }

    vetoed_cadres = set(
        AccountabilityAction.objects.filter(
            kind=AccountabilityAction.Kind.ONE_VOTE_VETO, decided_on__year=year
        ).values_list("cadre_id", flat=True)
    )
    exits = Household.objects.filter(exited_on__year=year).order_by()
    township_exits = dict(
        exits.values("village__township_id").annotate(n=Count("pk")).values_list("village__township_id", "n")
    )
    village_exits = dict(exits.values("village_id").annotate(n=Count("pk")).values_list("village_id", "n"))
    contracts = Contract.objects.filter(year=year).order_by()
    township_targets = dict(
        contracts.filter(party=Contract.Party.TOWNSHIP_COMMITTEE)
        .values("township_id")
        .annotate(target=Sum("target_households"))
        .values_list("township_id", "target")
    )
    village_targets = {
        (village_id, party): target
        for village_id, party, target in contracts.filter(village__isnull=False)
        .values("village_id", "party")
        .annotate(target=Sum("target_households"))
        .values_list("village_id", "party", "target")
    }
    return Figures(
        township_exits=township_exits,
        village_exits=village_exits,
        township_targets=township_targets,
        village_targets=village_targets,
        township_ratings=township_ratings,
        township_completion=township_completion,
        township_answers=township_answers,
        village_ratings=village_ratings,
        village_answers=village_answers,
        cadre_ratings=cadre_ratings,
        vetoed_cadres=vetoed_cadres,
    )


@dataclass(frozen=True)
class Score:
    """One subject's parts (each a Decimal rounded to one decimal, or None: no data), the
    exits behind its exits part, and the veto."""

    ratings: Decimal | None
    tasks: Decimal | None
    exits: Decimal | None
    satisfaction: Decimal | None
    vetoed: bool
    exited_households: int | None = None
    target_households: int | None = None

    @property
    def work(self):
        return YearEndScore.work({"ratings": self.ratings, "tasks": self.tasks, "exits": self.exits})

    @property
    def total(self):
        return YearEndScore.combine(self.work, self.satisfaction)

    @property
    def rating(self):
        return rating_for(self.total, self.vetoed)

    def as_fields(self):
        return {
            "ratings_score": self.ratings,
            "tasks_score": self.tasks,
            "exits_score": self.exits,
            "exited_households": self.exited_households,
            "target_households": self.target_households,
            "work_score": self.work,
            "satisfaction_score": self.satisfaction,
            "total": self.total,
            "vetoed": self.vetoed,
            "rating": self.rating,
        }


def township_scores(year, figures):
    """Township id -> Score, for every township of the county."""
    vetoed_townships = set(
        Cadre.objects.filter(pk__in=figures.vetoed_cadres, township__isnull=False).values_list(
            "township_id", flat=True
        )
    )
    scores = {}
    for township_id in Township.objects.order_by("pk").values_list("pk", flat=True):
        exited = figures.township_exits.get(township_id, 0)
        target = figures.township_targets.get(township_id)
        scores[township_id] = Score(
            ratings=part(figures.township_ratings.get(township_id)),
            tasks=part(figures.township_completion.get(township_id)),
            exits=exit_part(exited, target),
            satisfaction=share_satisfied(*figures.township_answers.get(township_id, (0, 0))),
            vetoed=township_id in vetoed_townships,
            exited_households=exited,
            target_households=target,
        )
    return scores


def cadre_scores(year, figures, townships):
    """Cadre id -> Score, for the cadres the year's figures concern."""
    rated_villages = set(figures.village_ratings)
    concerned = (
        Cadre.objects.filter(
            Q(role=Cadre.Role.TOWNSHIP_SECRETARY, township__isnull=False)
            | Q(role=Cadre.Role.VILLAGE_SECRETARY, village_id__in=rated_villages)
            | Q(pk__in=figures.cadre_ratings.keys())
            | Q(pk__in=figures.vetoed_cadres)
        )
        .order_by("pk")
        .values_list("pk", "role", "township_id", "village_id")
    )
    # whose contract a village cadre's exits are measured against
    contract_of = {
        Cadre.Role.VILLAGE_SECRETARY: Contract.Party.VILLAGE_BRANCH,
        Cadre.Role.RESIDENT_CADRE: Contract.Party.WORK_TEAM,
    }
    scores = {}
    for cadre_id, role, township_id, village_id in concerned:
        vetoed = cadre_id in figures.vetoed_cadres
        if role == Cadre.Role.TOWNSHIP_SECRETARY and township_id in townships:
            township = townships[township_id]
            scores[cadre_id] = Score(
                ratings=township.ratings,
                tasks=township.tasks,
                exits=township.exits,
                satisfaction=township.satisfaction,
                vetoed=vetoed,
                exited_households=township.exited_households,
                target_households=township.target_households,
            )
            continue
        if role == Cadre.Role.VILLAGE_SECRETARY:
            rating = figures.village_ratings.get(village_id)
        else:
            rating = figures.cadre_ratings.get(cadre_id)
        exited = target = None
        if role in contract_of and village_id is not None:
            exited = figures.village_exits.get(village_id, 0)
            target = figures.village_targets.get((village_id, contract_of[role]))
        scores[cadre_id] = Score(
            ratings=part(rating),
            tasks=None,
            exits=None if exited is None else exit_part(exited, target),
            satisfaction=share_satisfied(*figures.village_answers.get(village_id, (0, 0))),
            vetoed=vetoed,
            exited_households=exited,
            target_households=target,
        )
    return scores


@dataclass(frozen=True)
class Result:
    year: int
    number: int
    townships: int
    cadres: int
    vetoed: int


def score_rows(run, townships, cadres):
    """The unsaved rows of ``run``: townships, then cadres, each by id. Each row's fields
    pass their validators (0–100) before anything is written; the database constraints hold
    the rest."""
    rows = [
        YearEndScore(run=run, year=run.year, township_id=township_id, **score.as_fields())
        for township_id, score in sorted(townships.items())
    ] + [
        YearEndScore(run=run, year=run.year, cadre_id=cadre_id, **score.as_fields())
        for cadre_id, score in sorted(cadres.items())
    ]
    for row in rows:
        row.clean_fields(exclude=["run", "township", "cadre"])
    return rows


def compute_year_end(year, user=None, at=None):
    """Compute the year-end scores of ``year`` (townships and cadres) into a new draft
    version beside the published one, in one transaction; an earlier draft of the year is
    superseded (and kept). ``at``: when it was computed (now unless given: the demo dates
    its history). Returns the counts and the draft's number."""
    figures = year_figures(year)
    townships = township_scores(year, figures)
    cadres = cadre_scores(year, figures, townships)
    with transaction.atomic():
        # one computation of a year at a time: the year's versions are locked while numbering
        runs = YearEndRun.objects.select_for_update().filter(year=year)
        number = (runs.aggregate(last=Max("number"))["last"] or 0) + 1
        runs.filter(status=YearEndRun.Status.DRAFT).update(status=YearEndRun.Status.SUPERSEDED)
        run = YearEndRun(year=year, number=number, computed_at=at or timezone.now(), computed_by=user)
        run.full_clean()
        run.save()
        YearEndScore.objects.bulk_create(score_rows(run, townships, cadres), batch_size=500)
    vetoed = sum(s.vetoed for s in townships.values()) + sum(s.vetoed for s in cadres.values())
    return Result(year=year, number=number, townships=len(townships), cadres=len(cadres), vetoed=vetoed)


def publish(run, user=None, at=None):
    """Publish the draft ``run``: it becomes the year's league and is frozen; the version
    published before is superseded and stays readable. A version that is not a draft (a
    published one, or a draft replaced by a newer computation) cannot be published."""
    with transaction.atomic():
        run = YearEndRun.objects.select_for_update().get(pk=run.pk)
        if run.status != YearEndRun.Status.DRAFT:
            raise ValidationError(
                _("只有草稿可以发布：第%(number)s版是“%(status)s”。")
                % {
                    "number": run.number,
                    "status": run.get_status_display(),
                }
            )
        YearEndRun.objects.filter(year=run.year, status=YearEndRun.Status.PUBLISHED).update(
            status=YearEndRun.Status.SUPERSEDED
        )
        run.status = YearEndRun.Status.PUBLISHED
        run.published_at = at or timezone.now()
        run.published_by = user
        run.full_clean()
        run.save(update_fields=["status", "published_at", "published_by"])
    return run


def compute_and_publish(year, user=None, at=None):
    """Compute ``year`` and publish the result at once (the demo, ``compute_year_end
    --publish``): the same two steps as on the page."""
    result = compute_year_end(year, user=user, at=at)
    publish(YearEndRun.objects.get(year=year, number=result.number), user=user, at=at)
    return result
