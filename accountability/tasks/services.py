"""Writes with more than one step: weekly progress reports, week locks and the problem list.

Every function checks who may write, validates (``full_clean``) and writes inside
``transaction.atomic``; on any refusal it raises and nothing is written.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from accountability import periods
from accountability.dashboards import summaries
from accountability.models import Evidence, Problem, ProgressReport, Task, WeekLock
from accountability.tasks import photos
from villages.models import Cadre, Township
from villages.scope import UserScope

# A value above this multiple of the target is taken for a typing error.
MAX_TARGET_MULTIPLE = 10
MAX_FILES_PER_REPORT = 10

# The messages of refused evidence files; the report form's script gives the same ones in
# the browser before the upload (forms.ReportForm).
TYPE_REFUSED = gettext_lazy("文件“%(name)s”的类型不允许：只能上传 JPG、PNG 图片或 PDF 文件。")
SIZE_REFUSED = gettext_lazy("文件“%(name)s”超过 %(mb)s MB 的大小限制。")
COUNT_REFUSED = gettext_lazy("一次最多上传 %(n)s 个文件。")

# Content signatures (magic bytes) of the accepted evidence types, by extension.
SIGNATURES = {
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "pdf": (b"%PDF-",),
}


class ReportConflict(Exception):
    """Someone else saved the same weekly report after this form was opened."""

    def __init__(self, report):
        self.report = report
        super().__init__(
            _(
                "保存冲突：%(user)s 在您打开表单之后已修改了本周进度（当前为第%(version)s版）。"
                "您的修改没有保存，请查看最新内容后重新填写。"
            )
            % {"user": report.reporter.get_username(), "version": report.version}
        )


def current_week():
    """The Monday of this ISO week (today in Asia/Shanghai)."""
    return periods.week_start(periods.today())


def is_week_locked(week):
    return WeekLock.objects.filter(week=week).exists()


def check_report_week(week):
    """Raise ValidationError (on field ``week``) unless ``week`` may be reported now."""
    this_week = current_week()
    if week > this_week:
        raise ValidationError({"week": _("不能填报未来周的进度。")})
    if week < this_week:
        # code "closed_week": the task page offers the refused values as this week's report
        raise ValidationError(
            {"week": ValidationError(_("往周进度只读，只能填报或修改本周进度。"), code="closed_week")}
        )
    if is_week_locked(week):
        raise ValidationError({"week": _("本周已锁定（周报已发布），进度不能再修改。")})


def check_task_started(task, week):
    """Raise ValidationError (on field ``week``) when ``task`` starts after ``week`` ends
    (its Sunday). A task past its deadline still reports progress."""
    if task.starts_on and week + dt.timedelta(days=6) < task.starts_on:
        raise ValidationError(
            {
                "week": _("任务尚未开始（开始日期 %(date)s），不能填报进度。")
                % {"date": task.starts_on.isoformat()}
            }
        )


def check_value(task, value):
    """Raise ValidationError (on field ``value``) for a negative or absurd value."""
    if value is None:
        raise ValidationError({"value": _("请填写累计完成值。")})
    if value < 0:
        raise ValidationError({"value": _("累计完成值不能为负数。")})
    bound = task.target * MAX_TARGET_MULTIPLE
    if value > bound:
        raise ValidationError(
            {
                "value": _("累计完成值 %(value)s 超过目标值 %(target)s 的%(times)s倍，请核对后重新填写。")
                % {"value": value, "target": task.target, "times": MAX_TARGET_MULTIPLE}
            }
        )


def check_over_target(task, value, confirmed):
    """Raise ValidationError (on field ``confirm_over``) when ``value`` exceeds the target
    and the reporter has not confirmed it: more than 100% is possible (a road longer than
    planned) but is often a typing error."""
    if value is not None and value > task.target and not confirmed:
        raise ValidationError(
            {
                "confirm_over": _(
                    "累计完成值 %(value)s 超过目标值 %(target)s %(unit)s（%(percent)s%%）。"
                    "如确实超额完成，请勾选“确认超过目标”后再保存。"
                )
                % {
                    "value": value,
                    "target": task.target,
                    "unit": task.unit,
                    "percent": round(value * 100 / task.target, 1),
                }
            }
        )


def check_evidence_file(upload):
    """The file to store for ``upload``, or ValidationError (on field ``evidence``): a photo
    (JPG, PNG) up to ``Evidence.MAX_IMAGE_BYTES``, downscaled when larger than the pages need
    (``photos.fit_photo``), or a PDF up to ``Evidence.MAX_BYTES``, whose extension and
    content signature agree."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in Evidence.ALLOWED_EXTENSIONS:
        raise ValidationError({"evidence": TYPE_REFUSED % {"name": name}})
    limit = Evidence.MAX_IMAGE_BYTES if extension in Evidence.IMAGE_EXTENSIONS else Evidence.MAX_BYTES
    if upload.size > limit:
        raise ValidationError({"evidence": SIZE_REFUSED % {"name": name, "mb": limit // (1024 * 1024)}})
    if upload.size == 0:
        raise ValidationError({"evidence": _("文件“%(name)s”是空文件。") % {"name": name}})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(SIGNATURES[extension]):
        raise ValidationError(
            {"evidence": _("文件“%(name)s”的内容与扩展名不符，不是有效的图片或 PDF 文件。") % {"name": name}}
        )
    if extension not in Evidence.IMAGE_EXTENSIONS:
        return upload
    try:
        return photos.fit_photo(upload)
    except photos.PhotoError as error:
        raise ValidationError({"evidence": str(error)}) from None


def _collect(errors, check, *args):
    """Run ``check`` and return what it returns; add its field errors to ``errors`` instead
    of stopping at the first."""
    try:
        return check(*args)
    except ValidationError as exc:
        exc.update_error_dict(errors)  # the errors themselves, with their codes
    return None


def file_report(task, user, week, value, note, files=(), expected_version=0, confirm_over=False):
    """File or correct ``task``'s report for ``week`` (the current week).

    ``expected_version`` is the report version the form was opened on (0: no report yet).
    A value over the target needs ``confirm_over`` (the reporter ticked 确认超过目标).
    If someone saved in between, ``ReportConflict`` is raised and nothing is written. Every
    save is kept in the report's history with the user.
    """
    if not Task.objects.editable_by(user).filter(pk=task.pk).exists():
        raise PermissionDenied(_("您不能填报此任务的进度。"))
    files = list(files)
    errors = {}
    _collect(errors, check_report_week, week)
    _collect(errors, check_task_started, task, week)
    _collect(errors, check_value, task, value)
    if "value" not in errors:
        _collect(errors, check_over_target, task, value, confirm_over)
    if len(files) > MAX_FILES_PER_REPORT:
        # refused as a whole: none of them is opened (decoding photos costs time and memory)
        errors.setdefault("evidence", []).append(COUNT_REFUSED % {"n": MAX_FILES_PER_REPORT})
    else:
        # the files to store: photos larger than the pages need come back downscaled
        files = [_collect(errors, check_evidence_file, upload) for upload in files]
    if errors:
        raise ValidationError(errors)
    percent = task.percent_for(value)

    with transaction.atomic():
        # one writer per task at a time: a simultaneous first report waits here, then finds
        # the other's report below and gets the conflict instead of a duplicate
        Task.objects.select_for_update().filter(pk=task.pk).values_list("pk").first()
        if is_week_locked(week):  # locked while the form was being checked
            raise ValidationError({"week": _("本周已锁定（周报已发布），进度不能再修改。")})
        report = (
            ProgressReport.objects.select_for_update()
            .select_related("reporter")
            .filter(task=task, week=week)
            .first()
        )
        if report is not None:
            report.task = task  # the task in hand: no query for it later
        if report is None:
            if expected_version:
                # the form was opened on a report that no longer exists
                raise ValidationError({"week": _("本周进度已被删除，请刷新页面后重新填写。")})
            report = ProgressReport(
                task=task, week=week, value=value, percent=percent, note=note, reporter=user, version=1
            )
            report.full_clean()
            report._history_user = user
            try:
                with transaction.atomic():
                    report.save()
            except IntegrityError:
                # another user created this week's report at the same moment
                raise ReportConflict(
                    ProgressReport.objects.select_related("reporter").get(task=task, week=week)
                ) from None
        else:
            if report.version != expected_version:
                raise ReportConflict(report)
            report.value = value
            report.percent = percent
            report.note = note
            report.reporter = user
            report.version += 1
            report.full_clean()
            report._history_user = user
            report.save(update_fields=["value", "percent", "note", "reporter", "version", "updated_at"])
        for upload in files:
            evidence = Evidence(report=report, name=upload.name[:200], size=upload.size, uploaded_by=user)
            evidence.file.save(upload.name, upload, save=False)
            evidence.full_clean()
            evidence.save()
        summaries.changed([report])
    return report


def lock_week(week, user):
    """Lock ``week`` (its bulletin is published): no report for it changes any more.
    Only county supervisors lock, and only the current or a past week."""
    if not user.has_perm("accountability.lock_week"):
        raise PermissionDenied(_("只有市督查人员可以锁定周进度。"))
    if week != periods.week_start(week):
        raise ValidationError({"week": _("周必须以周一的日期表示。")})
    if week > current_week():
        raise ValidationError({"week": _("不能锁定未来的周。")})
    already = ValidationError({"week": _("该周已经锁定。")})
    if WeekLock.objects.filter(week=week).exists():
        raise already
    lock = WeekLock(week=week, locked_by=user)
    lock.full_clean(validate_unique=False)  # the unique week is the database's to check
    try:
        with transaction.atomic():
            lock.save()
    except IntegrityError:
        # another supervisor locked the week at the same moment
        raise already from None
    return lock


def close_out_year(year, user, closed_on, closure=Task.Closure.UNFINISHED):
    """Close out the tasks of ``year`` that did not finish (年终结项): every task due in
    ``year`` without a report at 100% and not closed yet gets ``closure`` dated ``closed_on``,
    so that from then on it is neither active nor overdue (the weeks before it keep counting
    it). A county supervisor's year-end step, like publishing a week; ``closed_on`` falls
    after the year and not after today. Returns the number of tasks closed."""
    if not user.has_perm("accountability.lock_week"):
        raise PermissionDenied(_("只有市督查人员可以为年度任务结项。"))
    if closed_on <= dt.date(year, 12, 31):
        raise ValidationError({"closed_on": _("结项日期须在该年度结束之后。")})
    if closed_on > periods.today():
        raise ValidationError({"closed_on": _("结项日期不能晚于今天。")})
    with transaction.atomic():
        tasks = list(
            Task.objects.select_for_update(of=("self",))
            .with_latest_progress()
            .filter(Q(latest_percent__isnull=True) | Q(latest_percent__lt=100), due_on__year=year, closure="")
            .order_by("pk")
        )
        # only the two closing fields change: the task's relations are as they were saved
        relations = [f.name for f in Task._meta.concrete_fields if f.is_relation]
        for task in tasks:
            task.closure, task.closed_on = closure, closed_on
            task.full_clean(exclude=relations, validate_unique=False, validate_constraints=False)
        bulk_update_with_history(tasks, Task, ["closure", "closed_on"], batch_size=500, default_user=user)
        if tasks:
            summaries.changed(tasks)
    return len(tasks)


class TaskExists(Exception):
    """The problem was already turned into this very task (a double submit, or a second tab)."""

    def __init__(self, task):
        self.task = task
        super().__init__(_("该问题已转为任务 %(code)s，没有重复创建。") % {"code": task.code})


def _check_problem_writer(user, township):
    if UserScope.of(user).township_id != township.pk:
        raise PermissionDenied(_("只有本乡镇党委书记可以管理本乡镇的问题清单。"))


def raise_problem(user, township, factor, description, village=None):
    """Add a problem to ``township``'s problem list (A5)."""
    _check_problem_writer(user, township)
    problem = Problem(
        township=township,
        village=village,
        factor=factor,
        description=description.strip(),
        raised_by=user,
        raised_on=periods.today(),
    )
    problem._history_user = user
    problem.full_clean()
    with transaction.atomic():
        # one writer per township's list at a time, so a double submit finds the first
        Township.objects.select_for_update().filter(pk=township.pk).values_list("pk").first()
        same = Problem.objects.filter(
            township=township,
            village=village,
            household=None,
            factor=factor,
            description=problem.description,
            closed_on=None,
        ).first()
        if same is not None:
            return same  # already listed and open: the second submit shows the first
        problem.save()
    return problem


def close_problem(problem, user, resolution):
    """Close a problem with its resolution, dated today."""
    _check_problem_writer(user, problem.township)
    already = ValidationError({"resolution": _("该问题已经解决，不能重复关闭。")})
    if not problem.is_open:
        raise already
    resolution = (resolution or "").strip()
    if not resolution:
        raise ValidationError({"resolution": _("请填写解决情况。")})
    with transaction.atomic():
        # the row lock makes simultaneous closes wait; only the first finds it open
        current = Problem.objects.select_for_update().get(pk=problem.pk)
        if not current.is_open:
            raise already
        current.closed_on = periods.today()
        current.resolution = resolution
        current._history_user = user
        current.full_clean()
        current.save(update_fields=["closed_on", "resolution"])
    problem.closed_on, problem.resolution = current.closed_on, current.resolution
    return problem


def task_owner_choices(township):
    """Cadres who may own a task of ``township``: its township secretary and the cadres of
    its villages."""
    return (
        Cadre.objects.filter(Q(township=township) | Q(village__township=township))
        .select_related("village")
        .order_by("code")
    )


def problem_to_task(problem, user, title, owner, due_on, target, unit=""):
    """Turn an open problem into a task (责任清单) with an owner and a deadline (A5). A
    problem may be broken into several tasks, but the same task is made once: when the
    problem already has a task with this title, owner, deadline, target and unit (a double
    submit), ``TaskExists`` names it and nothing is written."""
    _check_problem_writer(user, problem.township)
    closed = _("该问题已经解决，不能再转为任务。")
    errors = {}
    if not problem.is_open:
        errors["title"] = closed
    if owner is None or not task_owner_choices(problem.township).filter(pk=owner.pk).exists():
        errors["owner"] = _("责任人必须是本乡镇的干部。")
    if due_on is None:
        errors["due_on"] = _("请填写完成时限。")
    elif due_on < periods.today():
        errors["due_on"] = _("完成时限不能早于今天。")
    if target is None or target <= 0:
        errors["target"] = _("目标值必须大于0。")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # a double submit waits here for the first, then finds its task; the task codes
        # are numbered under the same lock
        problem = (
            Problem.objects.select_for_update(of=("self",)).select_related("township").get(pk=problem.pk)
        )
        tasks = Task.objects.filter(problem=problem)
        same = tasks.filter(
            title=title.strip(), owner=owner, due_on=due_on, target=target, unit=unit.strip()
        ).first()
        if same is not None:
            raise TaskExists(same)
        if not problem.is_open:  # closed meanwhile
            raise ValidationError({"title": closed})
        number = tasks.count() + 1
        while Task.objects.filter(code=f"{problem.township.code}-Q{problem.pk}-{number}"[:32]).exists():
            number += 1  # a deleted task's number is not reused
        task = Task(
            code=f"{problem.township.code}-Q{problem.pk}-{number}"[:32],
            title=title.strip(),
            factor=problem.factor,
            township=problem.township,
            village=problem.village,
            household=problem.household,
            problem=problem,
            owner=owner,
            starts_on=periods.today(),
            due_on=due_on,
            target=target,
            unit=unit.strip(),
        )
        task._history_user = user
        task.full_clean()
        task.save()
        summaries.changed([task])
    return task
