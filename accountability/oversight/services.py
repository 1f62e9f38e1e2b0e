"""Writes of the oversight pages: ratings (业绩下评, A3), inspections with their findings
and the findings' rectification (整改, A7–A9) and accountability actions (A10, C4). Each write validates (``full_clean``) and runs
in one transaction; nothing is half-written."""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accountability import periods
from accountability.dashboards import summaries
from accountability.models import AccountabilityAction, Evaluation, Finding, Inspection
from villages import roles
from villages.models import Cadre, Village
from villages.scope import UserScope

# score at or above: grade (below the last: unqualified)
GRADE_THRESHOLDS = [
    (Decimal(90), Evaluation.Grade.EXCELLENT),
    (Decimal(80), Evaluation.Grade.GOOD),
    (Decimal(60), Evaluation.Grade.QUALIFIED),
]


def grade_for(score):
    """The grade follows from the score: ≥90 优秀, ≥80 良好, ≥60 合格, else 不合格."""
    for threshold, grade in GRADE_THRESHOLDS:
        if score >= threshold:
            return grade
    return Evaluation.Grade.UNQUALIFIED


class RatingScope:
    """What a user rates (A3): a township secretary the village party organizations of his
    township, a village secretary the resident cadres of his village. Nobody else rates.
    ``user`` is the rater's login: the ratings' audit history names him."""

    def __init__(self, user, level, evaluator, subjects):
        self.user = user
        self.level = level
        self.evaluator = evaluator
        self.subjects = subjects

    @classmethod
    def for_user(cls, user):
        scope = UserScope.of(user)
        if scope.township_id:
            villages = Village.objects.filter(township_id=scope.township_id).order_by("code")
            return cls(user, Evaluation.Level.TOWNSHIP_RATES_VILLAGE, scope.cadre, villages)
        if scope.role == roles.VILLAGE_SECRETARY and scope.village_id:
            residents = (
                Cadre.objects.filter(role=Cadre.Role.RESIDENT_CADRE, village_id=scope.village_id)
                .select_related("village")
                .order_by("code")
            )
            return cls(user, Evaluation.Level.VILLAGE_RATES_CADRE, scope.cadre, residents)
        return None

    @property
    def rates_cadres(self):
        return self.level == Evaluation.Level.VILLAGE_RATES_CADRE

    def existing(self, cycle, year, period):
        """Subject id -> the rating already given for this period."""
        ratings = Evaluation.objects.filter(level=self.level, cycle=cycle, year=year, period=period)
        if self.rates_cadres:
            ratings = ratings.filter(cadre__in=self.subjects)
            return {e.cadre_id: e for e in ratings}
        ratings = ratings.filter(village__in=self.subjects)
        return {e.village_id: e for e in ratings}


class RatingConflict(Exception):
    """Someone rated the same subject for the same period after the grid was opened."""

    def __init__(self, subjects):
        self.subjects = subjects
        names = "、".join(str(getattr(s, "name", s)) for s in subjects)
        super().__init__(
            _(
                "保存冲突：%(names)s 在您打开表格之后已被重新评定。您的评定没有保存，请查看最新得分后重新提交。"
            )
            % {"names": names}
        )


def save_ratings(scope, cycle, year, period, rows):
    """Save the grid: ``rows`` are dicts with subject, version, score, comment; rows without
    a score are skipped. A subject already rated for the period is updated only if the row
    carries the version the rater saw; otherwise nothing at all is saved (RatingConflict).
    Each write is in the ratings' audit history under the rater (``scope.user``), so a
    changed score keeps the old one there. Returns (created, updated)."""
    today = periods.today()
    created = updated = 0
    conflicts, written = [], []
    try:
        with transaction.atomic():
            # one save of this rater's grid at a time: a double submit waits, then finds the
            # first one's ratings and gets the conflict instead of a duplicate
            Cadre.objects.select_for_update().filter(pk=scope.evaluator.pk).values_list("pk").first()
            for row in rows:
                if row["score"] is None:
                    continue
                subject = row["subject"]
                lookup = {"level": scope.level, "cycle": cycle, "year": year, "period": period}
                lookup["cadre" if scope.rates_cadres else "village"] = subject
                current = Evaluation.objects.select_for_update().filter(**lookup).first()
                grade = grade_for(row["score"])
                if current is None:
                    if row["version"] != 0:
                        conflicts.append(subject)
                        continue
                    place = {"village": subject.village} if scope.rates_cadres else {}
                    evaluation = Evaluation(
                        **lookup,
                        **place,
                        evaluator=scope.evaluator,
                        score=row["score"],
                        grade=grade,
                        comment=row["comment"],
                        evaluated_on=today,
                    )
                    evaluation.full_clean()
                    evaluation._history_user = scope.user
                    evaluation.save()
                    written.append(evaluation)
                    created += 1
                    continue
                if current.version != row["version"]:
                    conflicts.append(subject)
                    continue
                if current.score == row["score"] and current.comment == row["comment"]:
                    continue
                current.score, current.grade, current.comment = row["score"], grade, row["comment"]
                current.evaluator, current.evaluated_on = scope.evaluator, today
                current.version += 1
                current.full_clean()
                current._history_user = scope.user
                current.save(
                    update_fields=["score", "grade", "comment", "evaluator", "evaluated_on", "version"]
                )
                written.append(current)
                updated += 1
            if conflicts:
                raise RatingConflict(conflicts)
            summaries.changed(written)  # the quarterly ratings
    except IntegrityError:
        # two raters created the same rating at the same moment: the other one won
        raise RatingConflict([row["subject"] for row in rows if row["score"] is not None]) from None
    return created, updated


def _same_record(user, model, data):
    """The row of ``model`` this user already recorded with exactly ``data``, or None. The
    user's row is locked first, so his two simultaneous submits take turns and the second
    finds the first."""
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()
    return model.objects.filter(**data, recorded_by=user).order_by("pk").first()


def record_inspection(user, data, findings):
    """Record an inspection and its findings in one transaction, both in the audit history
    under ``user``. A five must-checks inspection covers the five categories or says why it
    skips one (``Inspection.must_check_errors``); a rectification deadline cannot come before
    the inspection."""
    errors = {}
    missing = Inspection.must_check_errors(data["kind"], [values["category"] for values in findings])
    if missing:
        errors["__all__"] = missing
    unsaved = Inspection(**data)
    for values in findings:
        try:  # the finding rules (Finding.clean), checked before anything is written
            Finding(inspection=unsaved, **values).clean()
        except ValidationError as error:
            errors.setdefault("__all__", []).extend(error.messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        inspection = Inspection(**data, recorded_by=user)
        inspection.full_clean()  # completes the record (the township of its village) as saved
        same = _same_record(user, Inspection, {name: getattr(inspection, name) for name in data})
        if same is not None and {
            (f.category, f.severity, f.description, f.rectify_by) for f in same.findings.all()
        } == {(f["category"], f["severity"], f["description"], f["rectify_by"]) for f in findings}:
            return same  # a double submit: the first one is the record
        inspection._history_user = user
        inspection.save()
        for values in findings:
            finding = Finding(inspection=inspection, **values)
            finding.full_clean()
            finding._history_user = user
            finding.save()
        summaries.changed([inspection])  # the quarterly inspections and findings
    return inspection


def record_action(user, data):
    """Record an accountability action (with its audit history). The same action submitted
    twice by the same user (a double tap) is recorded once."""
    with transaction.atomic():
        same = _same_record(user, AccountabilityAction, data)
        if same is not None:
            return same
        action = AccountabilityAction(**data, recorded_by=user)
        action.full_clean()
        action._history_user = user
        action.save()
        summaries.changed([action])  # the quarterly 作风问责 and the league table
    return action


def rectify_finding(user, finding, rectified_on):
    """Record that a finding with a problem was rectified (整改完成, A9) on ``rectified_on``:
    not before the inspection, not in the future, and only once. County supervisors only."""
    if not user.has_perm("accountability.record_inspection"):
        raise PermissionDenied(_("只有市督查人员可以记录整改完成。"))
    with transaction.atomic():
        finding = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
        if not finding.has_problem:
            raise ValidationError(_("该类别未发现问题，无需整改。"))
        if finding.rectified_on:
            raise ValidationError(
                _("该问题已于%(date)s整改完成，不能重复记录。") % {"date": finding.rectified_on.isoformat()}
            )
        if rectified_on is None:
            raise ValidationError({"rectified_on": _("请填写整改完成日期。")})
        if rectified_on > periods.today():
            raise ValidationError({"rectified_on": _("整改完成日期不能晚于今天。")})
        finding.rectified_on = rectified_on
        finding.full_clean()  # not before the inspection: Finding.clean
        finding._history_user = user  # who recorded 整改完成: the finding's history keeps it
        finding.save(update_fields=["rectified_on"])
        summaries.changed([finding])
    return finding
