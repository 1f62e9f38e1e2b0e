"""My tasks, the task page with this week's report and its history, evidence files, and the
supervisors' week lock (每周晒任务进度, A6). Views are thin: reads come from
``task_selectors``, writes go through ``services``."""

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability import exports, periods
from accountability.models import Evidence, Task, WeekLock
from accountability.pagination import paginate
from accountability.tasks import selectors as task_selectors
from accountability.tasks import services
from accountability.tasks.filters import TaskFilter
from accountability.tasks.forms import ReportForm, WeekLockForm, add_service_errors
from accountability.tasks.tables import TaskTable
from chishui.cache import Pieces
from villages import roles

PER_PAGE = 25
LOCK_PAGE_WEEKS = 8


@require_GET
@roles.role_required()
def task_list(request):
    today = periods.today()
    export = exports.requested_format(request)
    if export:
        # every matching task, by deadline (not the page's sort or page)
        rows = TaskFilter(
            request.GET or None, queryset=task_selectors.tasks_for_list(request.user, today), request=request
        ).rows
        return exports.export_response(TaskTable(rows.order_by("due_on", "code")), export, "tasks")
    # the list below the 提醒 panel, the same for every viewer of the same tasks on the same
    # day (urgency depends on it), query string and language: kept in the cache per data
    # version, which every write of a task, report, cadre or place bumps
    pieces = Pieces("task_list", viewer=task_selectors.scope_key(request.user))
    # the query string as given: its order shows in the list's links (sorting, pages, export)
    query = request.GET.urlencode()
    list_body = pieces.get("body", (today.isoformat(), query), lambda: render_list_body(request, today))
    return render(
        request,
        "accountability/task_list.html",
        {
            "list_body": list_body,
            "week": periods.Week.of(today),
            "week_locked": services.is_week_locked(periods.week_start(today)),
            "can_lock": request.user.has_perm("accountability.lock_week"),
        },
    )


def render_list_body(request, today):
    """The task list itself: this week's counts, the filters and the page of the table."""
    every_task = task_selectors.tasks_for_list(request.user, today)
    filterset = TaskFilter(request.GET or None, queryset=every_task, request=request)
    by_urgency = task_selectors.urgency_counts(every_task)  # of all his tasks, not the filtered
    # the folded filters of a phone open when a filter is in use; with every filter empty
    # the rows are all his tasks, whose counts the table then uses to page them
    filtering = any(request.GET.get(name) for name in TaskFilter.base_filters)
    table = TaskTable(filterset.rows, by_urgency=None if filtering else by_urgency)
    paginate(request, table, PER_PAGE)
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    export_query.pop("page", None)
    return render_to_string(
        "accountability/task_list_body.html",
        {
            "filter": filterset,
            "table": table,
            "counts": task_selectors.week_counts(by_urgency),
            "filtering": filtering,
            "export_query": export_query.urlencode(),
        },
        request=request,
    )


def closed_week(error):
    """The service refused the report because its week has ended (``check_report_week``)."""
    return any(e.code == "closed_week" for e in getattr(error, "error_dict", {}).get("week", []))


def report_for_this_week(post, task, week, this_week):
    """A report typed for a week that ended before it was sent (a form left open over the
    weekend, or kept without signal by report-form.js): past weeks are read-only, so nothing
    was saved; what the reporter typed comes back as this week's form (on this week's report
    version), with the reason, for him to check and submit, or to change."""
    fresh = post.copy()
    fresh["week"] = str(periods.Week.of(this_week))
    current = task.reports.filter(week=this_week).values_list("version", flat=True).first()
    fresh["version"] = current or 0
    form = ReportForm(fresh)
    form.is_valid()
    form.add_error(
        None,
        _(
            "没有保存：这份进度是%(week)s填写的，该周已经结束，往周进度不能再填报或修改。"
            "您填写的内容已放入本周的表单，请核对后作为本周进度提交（佐证材料请重新选择）。"
        )
        % {"week": periods.Week.of(week).label},
    )
    return form


@require_http_methods(["GET", "POST"])
@roles.role_required()
def task_detail(request, pk):
    try:
        task = task_selectors.task_for_page(request.user, pk)
    except Task.DoesNotExist:
        raise Http404(_("没有找到该任务。")) from None
    this_week = services.current_week()
    can_edit = Task.objects.editable_by(request.user).filter(pk=task.pk).exists()
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied(_("您不能填报此任务的进度。"))
        form = ReportForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.file_report(
                    task,
                    request.user,
                    data["week"],
                    data["value"],
                    data["note"],
                    data["evidence"],
                    expected_version=data["version"],
                    confirm_over=data["confirm_over"],
                )
            except services.ReportConflict as conflict:
                # keep what the user typed; the form now carries the saved version, so a
                # second save after reading the latest report is a deliberate overwrite
                fresh = request.POST.copy()
                fresh["version"] = conflict.report.version
                form = ReportForm(fresh)
                form.is_valid()
                form.add_error(None, str(conflict))
                status = 409
            except ValidationError as error:
                if closed_week(error) and not services.is_week_locked(this_week):
                    form = report_for_this_week(request.POST, task, data["week"], this_week)
                else:
                    add_service_errors(form, error)
                status = 400
            else:
                # back to the top of the page, where the confirmation is shown
                messages.success(request, _("本周进度已保存。"))
                return redirect("accountability:task_detail", pk=task.pk)
        else:
            status = 400
    else:
        form = None

    reports = list(task_selectors.reports_for_task(task))
    current = next((r for r in reports if r.week == this_week), None)
    week_locked = services.is_week_locked(this_week)
    if form is None and can_edit and not week_locked:
        form = ReportForm(
            initial={
                "week": this_week,
                "version": current.version if current else 0,
                "value": current.value if current else None,
                "note": current.note if current else "",
            }
        )
    return render(
        request,
        "accountability/task_detail.html",
        {
            "task": task,
            "status_label": task_selectors.Status(task.status).label,
            "week": periods.Week.of(this_week),
            "week_locked": week_locked,
            "can_edit": can_edit,
            "form": form,
            "current": current,
            # the saved value is over the target: saving it again asks for the confirmation
            "over_target": current is not None and current.value > task.target,
            "reports": reports,
            "history": task_selectors.report_history(task),
        },
        status=status,
    )


@require_GET
@roles.role_required()
def evidence_file(request, pk):
    """An evidence file, served only to users who may see its task."""
    try:
        evidence = Evidence.objects.select_related("report").get(
            pk=pk, report__task__in=Task.objects.for_user(request.user)
        )
    except Evidence.DoesNotExist:
        raise Http404(_("没有找到该文件。")) from None
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件已不存在。")) from None
    content_type = mimetypes.guess_type(evidence.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type, filename=evidence.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@roles.role_required()
def week_lock(request):
    """Supervisors lock a week: its bulletin is published and no report for it changes.
    Admins see the page read-only."""
    if not request.user.has_perm("accountability.view_weeklock"):
        raise PermissionDenied(_("只有市督查人员可以锁定周进度。"))
    can_lock = request.user.has_perm("accountability.lock_week")
    this_week = periods.Week.of(periods.today())
    status = 200
    if request.method == "POST":
        if not can_lock:
            raise PermissionDenied(_("只有市督查人员可以锁定周进度。"))
        form = WeekLockForm(request.POST)
        if form.is_valid():
            try:
                services.lock_week(form.cleaned_data["week"], request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(week)s 已锁定，该周的进度不能再修改。")
                    % {"week": periods.Week.of(form.cleaned_data["week"]).label},
                )
                return redirect("accountability:week_lock")
        status = 400
    else:
        form = WeekLockForm(initial={"week": this_week.start})
    weeks = [this_week.shift(-n) for n in range(LOCK_PAGE_WEEKS)]
    locks = {
        lock.week: lock
        for lock in WeekLock.objects.select_related("locked_by").filter(
            week__gte=weeks[-1].start, week__lte=this_week.start
        )
    }
    return render(
        request,
        "accountability/task_week_lock.html",
        {
            "form": form if can_lock else None,
            "rows": [(week, locks.get(week.start)) for week in weeks],
            "this_week": this_week,
        },
        status=status,
    )
