"""问题清单 (A5): the township secretary raises and closes his township's problems and turns
a problem into a task with an owner and a deadline. Other roles read what their scope holds;
the list has the task list's table, filters, pagination and CSV export."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accountability import exports
from accountability.models import Problem
from accountability.pagination import paginate
from accountability.tasks import selectors as task_selectors
from accountability.tasks import services
from accountability.tasks.filters import ProblemFilter
from accountability.tasks.forms import ProblemCloseForm, ProblemForm, ProblemTaskForm, add_service_errors
from accountability.tasks.tables import ProblemTable
from villages import roles
from villages.scope import UserScope

PER_PAGE = 25


def secretary_township(user):
    """The township whose problems this user manages (a township secretary's), or None."""
    return UserScope.of(user).township


@require_http_methods(["GET", "POST"])
@roles.role_required()
def problem_list(request):
    township = secretary_township(request.user)
    status = 200
    if request.method == "POST":
        if township is None:
            raise PermissionDenied(_("只有乡镇党委书记可以提出问题。"))
        form = ProblemForm(request.POST, township=township)
        if form.is_valid():
            data = form.cleaned_data
            try:
                problem = services.raise_problem(
                    request.user, township, data["factor"], data["description"], village=data["village"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("问题已加入问题清单。"))
                return redirect("accountability:problem_detail", pk=problem.pk)
        status = 400
    else:
        form = ProblemForm(township=township) if township else None

    rows = task_selectors.problems_for_list(request.user)
    filterset = ProblemFilter(request.GET or None, queryset=rows, request=request)
    rows = filterset.rows
    export = exports.requested_format(request)
    if request.method == "GET" and export:
        # every matching problem in the page's default order (open first, newest first)
        return exports.export_response(ProblemTable(rows), export, "problems")
    table = ProblemTable(rows)
    paginate(request, table, PER_PAGE)
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    export_query.pop("page", None)
    return render(
        request,
        "accountability/problem_list.html",
        {
            "filter": filterset,
            "table": table,
            "form": form,
            "township": township,
            "export_query": export_query.urlencode(),
        },
        status=status,
    )


def get_problem(user, pk):
    try:
        return task_selectors.problem_for_page(user, pk)
    except Problem.DoesNotExist:
        raise Http404(_("没有找到该问题。")) from None


def render_problem(request, problem, close_form=None, task_form=None, status=200):
    can_edit = Problem.objects.editable_by(request.user).filter(pk=problem.pk).exists()
    if can_edit and problem.is_open:
        close_form = close_form or ProblemCloseForm()
        task_form = task_form or ProblemTaskForm(owners=services.task_owner_choices(problem.township))
    # a refused form (e.g. on a problem closed meanwhile) is shown with its errors either way
    return render(
        request,
        "accountability/problem_detail.html",
        {
            "problem": problem,
            "tasks": list(problem.tasks.select_related("owner").order_by("due_on", "code")),
            "history": list(problem.history.select_related("history_user").order_by("-history_date")),
            "close_form": close_form,
            "task_form": task_form,
        },
        status=status,
    )


@require_http_methods(["GET"])
@roles.role_required()
def problem_detail(request, pk):
    return render_problem(request, get_problem(request.user, pk))


def editable_problem(request, pk):
    problem = get_problem(request.user, pk)
    if not Problem.objects.editable_by(request.user).filter(pk=problem.pk).exists():
        raise PermissionDenied(_("只有本乡镇党委书记可以管理本乡镇的问题清单。"))
    return problem


@require_POST
@roles.role_required()
def problem_close(request, pk):
    problem = editable_problem(request, pk)
    form = ProblemCloseForm(request.POST)
    if form.is_valid():
        try:
            services.close_problem(problem, request.user, form.cleaned_data["resolution"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("问题已标记为解决。"))
            return redirect("accountability:problem_detail", pk=problem.pk)
    problem.refresh_from_db(fields=["closed_on", "resolution"])
    return render_problem(request, problem, close_form=form, status=400)


@require_POST
@roles.role_required()
def problem_to_task(request, pk):
    problem = editable_problem(request, pk)
    form = ProblemTaskForm(request.POST, owners=services.task_owner_choices(problem.township))
    if form.is_valid():
        data = form.cleaned_data
        try:
            task = services.problem_to_task(
                problem,
                request.user,
                data["title"],
                data["owner"],
                data["due_on"],
                data["target"],
                data["unit"],
            )
        except services.TaskExists as exists:
            # a double submit (or a second tab): show the task the first one made
            messages.info(request, str(exists))
            return redirect("accountability:task_detail", pk=exists.task.pk)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已根据问题创建任务 %(code)s。") % {"code": task.code})
            return redirect("accountability:task_detail", pk=task.pk)
    return render_problem(request, problem, task_form=form, status=400)
