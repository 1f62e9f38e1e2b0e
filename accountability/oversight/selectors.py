"""Reads of the oversight pages that a page, its JSON and its exports share.

- The actions list (A10): distinct cadres by kind and rank class, the rows and whether the
  user may open each one's source inspection.
- The year-end page (年终考评, C1, C2, C4): the versions of a year, the league of one version
  with its parts, what a draft would change against the published league, and the half-year
  reviews and annual reports that feed the assessment.

A fixed number of queries whatever the size of the county."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, Subquery

from accountability.models import (
    AccountabilityAction,
    AnnualReport,
    HalfYearReview,
    Rank,
    YearEndRun,
    YearEndScore,
)
from villages.scope import UserScope

DRAFT_READER_PERM = "accountability.view_yearendrun"


def sees_drafts(user):
    """Drafts (and drafts replaced before publication) are the county's working material:
    readable with the versions' view permission (supervisors, admins). Everybody who reads
    the page reads the published versions, the current and the superseded ones."""
    return user.has_perm(DRAFT_READER_PERM)


def versions(year, user):
    """The versions of ``year`` the user may read, newest first, with who computed and who
    published them."""
    runs = YearEndRun.objects.filter(year=year).select_related("computed_by", "published_by")
    if not sees_drafts(user):
        runs = runs.filter(published_at__isnull=False)
    return list(runs.order_by("-number"))


def pick(runs, number=None):
    """The version to show: ``number`` if given (None when the user may not read it), else
    the published one, else (for those who see drafts) the newest."""
    if number is not None:
        return next((run for run in runs if run.number == number), None)
    published = next((run for run in runs if run.status == YearEndRun.Status.PUBLISHED), None)
    return published or (runs[0] if runs else None)


def published_of(runs):
    return next((run for run in runs if run.status == YearEndRun.Status.PUBLISHED), None)


def township_rows(run):
    """The township league of ``run``, best first (ties by code), with the verdict of the
    township's latest half-year review of the year (the review that feeds it)."""
    if run is None:
        return YearEndScore.objects.none()
    latest_review = HalfYearReview.objects.filter(year=run.year, township=OuterRef("township_id")).order_by(
        "-half"
    )
    return (
        run.scores.filter(township__isnull=False)
        .select_related("township")
        .annotate(review_verdict=Subquery(latest_review.values("verdict")[:1]))
        .order_by("-total", "township__code")
    )


def cadre_rows(run, user):
    """The cadres' scores of ``run`` the user may read (a township secretary: his township's
    cadres), best first (ties by code), with each cadre's annual report result of the year."""
    if run is None:
        return YearEndScore.objects.none()
    report = AnnualReport.objects.filter(year=run.year, cadre=OuterRef("cadre_id"))
    rows = (
        run.scores.filter(cadre__isnull=False)
        .select_related("cadre__village", "cadre__township")
        .annotate(report_result=Subquery(report.values("result")[:1]))
        .order_by("-total", "cadre__code")
    )
    return UserScope.of(user).filter(rows, township=["cadre__township_id"])


def half_year_reviews(year, user):
    rows = HalfYearReview.objects.filter(year=year).select_related("township", "recorded_by")
    return UserScope.of(user).filter(rows, township=["township_id"]).order_by("half", "township__code")


def annual_reports(year, user):
    rows = AnnualReport.objects.filter(year=year).select_related(
        "cadre__township", "cadre__village", "recorded_by"
    )
    return UserScope.of(user).filter(rows, township=["cadre__township_id"]).order_by("cadre__code")


# ---------------------------------------------------------------------- what would change


@dataclass(frozen=True)
class Change:
    kind: str  # "township" or "cadre"
    code: str
    name: str
    before_total: object  # Decimal or None (not in the published league)
    after_total: object  # Decimal or None (not in this version)
    before_rating: str | None
    after_rating: str | None

    @property
    def difference(self):
        if self.before_total is None or self.after_total is None:
            return None
        return self.after_total - self.before_total

    @property
    def rating_moved(self):
        return self.before_rating != self.after_rating

    def as_dict(self):
        def num(value):
            return None if value is None else float(value)

        return {
            "kind": self.kind,
            "code": self.code,
            "name": self.name,
            "published_total": num(self.before_total),
            "total": num(self.after_total),
            "difference": num(self.difference),
            "published_rating": self.before_rating,
            "rating": self.after_rating,
        }


def _subjects(run):
    rows = run.scores.values_list(
        "township__code", "township__name", "cadre__code", "cadre__name", "total", "rating"
    ).order_by()
    out = {}
    for t_code, t_name, c_code, c_name, total, rating in rows:
        key = ("township", t_code, t_name) if t_code else ("cadre", c_code, c_name)
        out[key] = (total, rating)
    return out


def changes(run, published):
    """What publishing ``run`` would change against ``published``: every township and cadre
    whose total or rating differs, or who is in one version only; rating moves first, then
    by the size of the difference, then townships before cadres, then by code. Two
    queries."""
    before, after = _subjects(published), _subjects(run)
    rows = []
    for key in before.keys() | after.keys():
        kind, code, name = key
        b_total, b_rating = before.get(key, (None, None))
        a_total, a_rating = after.get(key, (None, None))
        if (b_total, b_rating) != (a_total, a_rating):
            rows.append(Change(kind, code, name, b_total, a_total, b_rating, a_rating))
    rows.sort(
        key=lambda c: (
            not c.rating_moved,
            -abs(c.difference) if c.difference is not None else 0,
            c.kind != "township",
            c.code,
        )
    )
    return rows


def change_summary(rows):
    return {
        "rating_moves": sum(1 for c in rows if c.rating_moved and c.difference is not None),
        "score_changes": sum(1 for c in rows if c.difference),
        "added": sum(1 for c in rows if c.before_total is None),
        "removed": sum(1 for c in rows if c.after_total is None),
    }


# ---------------------------------------------------------------------- JSON


def _num(value):
    return None if value is None else float(value)


def _parts(score):
    return {name: _num(value) for name, value in score.parts.items()}


def _run_dict(run):
    if run is None:
        return None
    return {
        "number": run.number,
        "status": run.status,
        "computed_at": run.computed_at.isoformat(),
        "computed_by": run.computed_by.username if run.computed_by else None,
        "published_at": run.published_at.isoformat() if run.published_at else None,
        "published_by": run.published_by.username if run.published_by else None,
    }


def year_end_data(year, run, runs, user, change_rows=None):
    """The JSON of ``/year-end/<year>/?format=json``: the weights, the version shown and the
    versions the user may read, the league's township rows and cadre rows with their parts,
    and (a draft against the published league) what would change."""
    townships = [
        {
            "rank": rank,
            "code": row.township.code,
            "name": row.township.name,
            "parts": _parts(row),
            "exited_households": row.exited_households,
            "target_households": row.target_households,
            "work": _num(row.work_score),
            "total": _num(row.total),
            "vetoed": row.vetoed,
            "rating": row.rating,
            "half_year_review": row.review_verdict,
        }
        for rank, row in enumerate(township_rows(run), start=1)
    ]
    cadres = [
        {
            "rank": rank,
            "code": row.cadre.code,
            "name": row.cadre.name,
            "role": row.cadre.role,
            "township": row.cadre.township.code if row.cadre.township else None,
            "village": row.cadre.village.code if row.cadre.village else None,
            "parts": _parts(row),
            "exited_households": row.exited_households,
            "target_households": row.target_households,
            "work": _num(row.work_score),
            "total": _num(row.total),
            "vetoed": row.vetoed,
            "rating": row.rating,
            "annual_report": row.report_result,
        }
        for rank, row in enumerate(cadre_rows(run, user), start=1)
    ]
    return {
        "year": year,
        "weights": dict(YearEndScore.WEIGHTS),
        "version": _run_dict(run),
        "versions": [_run_dict(r) for r in runs],
        "townships": townships,
        "cadres": cadres,
        "changes": None
        if change_rows is None
        else {"summary": change_summary(change_rows), "rows": [c.as_dict() for c in change_rows]},
    }


# ---- the actions list (A10) ----


def distinct_cadres_by_kind(rows, year):
    """A10: for each kind of action decided in ``year``, the distinct cadres by rank class
    (``{kind: {rank: n}}``) and in all (``{kind: n}``), counted in the database in one
    query: a cadre talked to twice counts once. The rank is the one the action recorded (the
    cadre's rank on the day of the decision)."""
    in_year = rows.filter(decided_on__year=year).order_by()
    aggregates = {}
    for kind in AccountabilityAction.Kind.values:
        aggregates[kind] = Count("cadre", distinct=True, filter=Q(kind=kind))
        for rank in Rank.values:
            aggregates[f"{kind}:{rank}"] = Count("cadre", distinct=True, filter=Q(kind=kind, rank=rank))
    counts = in_year.aggregate(**aggregates)
    by_rank = {
        kind: {rank: counts[f"{kind}:{rank}"] for rank in Rank.values}
        for kind in AccountabilityAction.Kind.values
    }
    totals = {kind: counts[kind] for kind in AccountabilityAction.Kind.values}
    return by_rank, totals


def latest_action_year(rows, default):
    """The year of the latest action among ``rows`` (like the dashboards' latest period with
    data), else ``default``."""
    latest = rows.order_by("-decided_on").values_list("decided_on", flat=True).first()
    return latest.year if latest else default


def action_rows(rows, user):
    """The rows of the actions list, its JSON and its exports: joined for the columns, and
    each marked with whether ``user`` may open its source inspection
    (``AccountabilityAction.objects.with_visible_inspection``)."""
    return rows.select_related("cadre__township", "inspection", "task").with_visible_inspection(user)


def action_json(action):
    return {
        "id": action.pk,
        "kind": action.kind,
        "cadre": {"code": action.cadre.code, "name": action.cadre.name},
        "rank": action.rank,
        "decided_on": action.decided_on.isoformat(),
        "inspection": action.inspection_id if action.inspection_visible else None,
        "task": action.task.code if action.task_id else None,
    }
