"""Year-end scores (年终考评, C2 and C4), computed in the database.

For a year Y, every township gets:

- **work score** (工作实绩, 0–100): the mean of two components, each 0–100,
  - *ratings* E: the average score of all ratings the township gave its villages' party
    organizations in Y (业绩下评, A3; every cycle: quarterly, half-year, annual);
  - *task completion* C: the average completion of the township's tasks due in Y, each task
    counting the percent of its last weekly report of the year (a task never reported
    counts 0).
  If only one component exists it is the work score; with neither the work score is 0.
- **satisfaction score** (群众满意度, 0–100): the share of "satisfied" and "fairly satisfied"
  answers among all answers of the township's households in Y's survey rounds, × 100
  (None when nobody was surveyed: no data, and the total is the work score alone).
- **total** = ``YearEndScore.combine(work, satisfaction)``: satisfaction weighs 12%.
- **veto** (一票否决): any one-vote veto decided in Y on a cadre of the township.
- **rating**: vetoed → 不称职; else total ≥ 90 优秀, ≥ 80 称职, ≥ 70 基本称职, below 不称职.

Cadres get a score the same way, with their own work and their place's satisfaction:
a township secretary takes his township's work score; a village secretary the average
rating of his village's party organization; a resident cadre the average of the ratings his
village gave him; any other cadre with a one-vote veto in Y gets a row too (work 0 unless
rated). Satisfaction is his village's (a township secretary's: his township's). A cadre is
vetoed when a one-vote veto on him was decided in Y.

All figures come from grouped aggregates (one query per figure, not per row); the scores are
written with ``update_or_create`` in one transaction, so a recomputation replaces the year.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from accountability.models import AccountabilityAction, Evaluation, ProgressReport, Task, YearEndScore
from villages.models import Cadre, SurveyAnswer, Township

TENTH = Decimal("0.1")
ZERO = Decimal("0.0")

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


def mean_of_present(*values):
    present = [v for v in values if v is not None]
    if not present:
        return ZERO
    return tenth(sum(present) / len(present))


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


def year_figures(year):
    """The grouped aggregates of ``year``: seven queries whatever the size of the county."""
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
    return Figures(
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
    work: Decimal
    satisfaction: Decimal | None
    vetoed: bool

    @property
    def total(self):
        return YearEndScore.combine(self.work, self.satisfaction)

    @property
    def rating(self):
        return rating_for(self.total, self.vetoed)

    def as_defaults(self):
        return {
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
    for township_id in Township.objects.values_list("pk", flat=True):
        rating = figures.township_ratings.get(township_id)
        completion = figures.township_completion.get(township_id)
        scores[township_id] = Score(
            work=mean_of_present(rating, completion),
            satisfaction=share_satisfied(*figures.township_answers.get(township_id, (0, 0))),
            vetoed=township_id in vetoed_townships,
        )
    return scores


def cadre_scores(year, figures, townships):
    """Cadre id -> Score, for the cadres the year's figures concern."""
    rated_villages = set(figures.village_ratings)
    concerned = Cadre.objects.filter(
        Q(role=Cadre.Role.TOWNSHIP_SECRETARY, township__isnull=False)
        | Q(role=Cadre.Role.VILLAGE_SECRETARY, village_id__in=rated_villages)
        | Q(pk__in=figures.cadre_ratings.keys())
        | Q(pk__in=figures.vetoed_cadres)
    ).values_list("pk", "role", "township_id", "village_id")
    scores = {}
    for cadre_id, role, township_id, village_id in concerned:
        vetoed = cadre_id in figures.vetoed_cadres
        if role == Cadre.Role.TOWNSHIP_SECRETARY and township_id in townships:
            work = townships[township_id].work
            satisfaction = townships[township_id].satisfaction
        else:
            if role == Cadre.Role.VILLAGE_SECRETARY:
                rating = figures.village_ratings.get(village_id)
            else:
                rating = figures.cadre_ratings.get(cadre_id)
            work = mean_of_present(rating)
            satisfaction = share_satisfied(*figures.village_answers.get(village_id, (0, 0)))
        scores[cadre_id] = Score(work=work, satisfaction=satisfaction, vetoed=vetoed)
    return scores


@dataclass(frozen=True)
class Result:
    year: int
    townships: int
    cadres: int
    vetoed: int


def compute_year_end(year):
    """Compute and store the year-end scores of ``year`` (townships and cadres) in one
    transaction. Rows of the year whose subject no longer gets a score are deleted, so the
    stored year always equals a fresh computation."""
    figures = year_figures(year)
    townships = township_scores(year, figures)
    cadres = cadre_scores(year, figures, townships)
    with transaction.atomic():
        for township_id, score in townships.items():
            YearEndScore.objects.update_or_create(
                year=year, township_id=township_id, cadre=None, defaults=score.as_defaults()
            )
        for cadre_id, score in cadres.items():
            YearEndScore.objects.update_or_create(
                year=year, cadre_id=cadre_id, township=None, defaults=score.as_defaults()
            )
        YearEndScore.objects.filter(year=year, township__isnull=False).exclude(
            township_id__in=townships.keys()
        ).delete()
        YearEndScore.objects.filter(year=year, cadre__isnull=False).exclude(
            cadre_id__in=cadres.keys()
        ).delete()
    vetoed = sum(s.vetoed for s in townships.values()) + sum(s.vetoed for s in cadres.values())
    return Result(year=year, townships=len(townships), cadres=len(cadres), vetoed=vetoed)
