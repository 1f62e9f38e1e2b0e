"""Oversight pages: ratings down the chain (业绩下评, A3), inspections (督查: 五必查, 五抽查,
暗查; A7–A9), accountability actions (问责, A10, C4) and the year-end league table (年终考评,
C2, C4). Views are thin: rows come through ``for_user``, writes go through
``oversight_services`` and ``scoring``."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accountability import exports, periods
from accountability.models import (
    AccountabilityAction,
    Evaluation,
    Finding,
    Inspection,
    Rank,
    YearEndRun,
    YearEndScore,
)
from accountability.oversight import scoring, selectors, services
from accountability.oversight.forms import (
    FIRST_YEAR,
    ActionFilter,
    ActionForm,
    AnnualReportForm,
    EvaluationFilter,
    EvaluationGrid,
    EvaluationPeriodForm,
    FindingFormSet,
    FindingRectifyForm,
    HalfYearReviewForm,
    InspectionFilter,
    InspectionForm,
    YearEndForm,
    finding_initial,
)
from accountability.oversight.tables import (
    ActionTable,
    CadreYearEndTable,
    EvaluationTable,
    InspectionTable,
    TownshipYearEndTable,
    YearEndChangeTable,
)
from accountability.pagination import paginate
from accountability.tasks.forms import add_service_errors
from chishui import errors as error_pages
from villages import roles

PER_PAGE = 25
OVERSIGHT_READERS = (roles.ADMIN, roles.COUNTY_SUPERVISOR, roles.TOWNSHIP_SECRETARY)


def permission_required(request, perm, message):
    """403 with ``message`` unless the user holds ``perm`` (the county supervisors' group
    holds the recording permissions; see villages/migrations/0003)."""
    if not request.user.has_perm(perm):
        raise PermissionDenied(message)


# ---------------------------------------------------------------------- ratings (A3)


def last_change_user():
    """The login that last saved a rating (its latest audit history record), as a subquery
    of the ratings' own query: no query per row. None for ratings loaded without history."""
    latest = Evaluation.history.filter(id=OuterRef("pk")).order_by("-history_date", "-history_id")
    return Subquery(latest.values("history_user__username")[:1])


@require_GET
@roles.role_required()
def evaluation_list(request):
    rows = (
        Evaluation.objects.for_user(request.user)
        .select_related("village", "cadre", "evaluator")
        .annotate(last_changed_by=last_change_user())
    )
    filterset = EvaluationFilter(request.GET or None, queryset=rows, request=request)
    table = EvaluationTable(filterset.rows)
    paginate(request, table, PER_PAGE)
    return render(
        request,
        "accountability/evaluation_list.html",
        {
            "filter": filterset,
            "table": table,
            "can_rate": services.RatingScope.for_user(request.user) is not None,
        },
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(roles.TOWNSHIP_SECRETARY, roles.VILLAGE_SECRETARY)
def evaluation_new(request):
    """The rating grid: pick a period, then one row per village (or resident cadre)."""
    scope = services.RatingScope.for_user(request.user)
    if scope is None:
        raise PermissionDenied(_("您的干部信息没有对应的乡镇或村，不能评定。"))
    today = periods.today()
    source = request.POST if request.method == "POST" else request.GET
    period_form = EvaluationPeriodForm(
        source or None,
        initial={
            "cycle": Evaluation.Cycle.QUARTERLY,
            "year": today.year,
            "period": periods.Quarter.of(today).number,
        },
    )
    context = {"period_form": period_form, "scope": scope, "grid": None}
    status = 200
    if not period_form.is_bound:
        return render(request, "accountability/evaluation_form.html", context)
    if not period_form.is_valid():
        return render(request, "accountability/evaluation_form.html", context, status=400)

    cycle, year, period = (period_form.cleaned_data[k] for k in ("cycle", "year", "period"))
    subjects = {s.pk: s for s in scope.subjects}
    existing = scope.existing(cycle, year, period)
    if request.method == "POST":
        grid = EvaluationGrid(request.POST, form_kwargs={"subjects": subjects})
        if grid.is_valid():
            rows = [form.cleaned_data for form in grid.forms]
            try:
                created, updated = services.save_ratings(scope, cycle, year, period, rows)
            except services.RatingConflict as conflict:
                # keep what the rater typed; the rows now carry the saved versions
                fresh = request.POST.copy()
                for index, form in enumerate(grid.forms):
                    current = existing.get(form.cleaned_data["subject"].pk)
                    fresh[f"form-{index}-version"] = current.version if current else 0
                grid = EvaluationGrid(fresh, form_kwargs={"subjects": subjects})
                grid.is_valid()
                messages.error(request, str(conflict))
                status = 409
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
                status = 400
            else:
                messages.success(
                    request,
                    _("%(period)s评定已保存：新增%(created)s条，修改%(updated)s条。")
                    % {"period": period_form.label(), "created": created, "updated": updated},
                )
                query = f"?year={year}&cycle={cycle}&period={period}"
                return redirect(reverse("accountability:evaluation_list") + query)
        else:
            status = 400
    else:
        grid = EvaluationGrid(
            initial=[
                {
                    "subject": pk,
                    "version": existing[pk].version if pk in existing else 0,
                    "score": existing[pk].score if pk in existing else None,
                    "comment": existing[pk].comment if pk in existing else "",
                }
                for pk in subjects
            ],
            form_kwargs={"subjects": subjects},
        )
    context.update({"grid": grid, "existing": existing, "period_label": period_form.label()})
    return render(request, "accountability/evaluation_form.html", context, status=status)


# ---------------------------------------------------------------------- inspections (A7–A9)


def inspections_for_list(user):
    return (
        Inspection.objects.for_user(user)
        .select_related("township", "village", "inspector")
        .annotate(
            checked=Count("findings", filter=~Q(findings__severity=Finding.Severity.NOT_CHECKED)),
            problems=Count("findings", filter=Q(findings__severity__in=Finding.PROBLEMS)),
            serious=Count("findings", filter=Q(findings__severity=Finding.Severity.SERIOUS)),
        )
    )


@require_GET
@roles.role_required(*OVERSIGHT_READERS)
def inspection_list(request):
    filterset = InspectionFilter(
        request.GET or None, queryset=inspections_for_list(request.user), request=request
    )
    rows = filterset.rows
    export = exports.requested_format(request)
    if export:
        # every matching inspection, newest first (not the page's sort or page)
        return exports.export_response(InspectionTable(rows), export, "inspections")
    table = InspectionTable(rows)
    paginate(request, table, PER_PAGE)
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    export_query.pop("page", None)
    return render(
        request,
        "accountability/inspection_list.html",
        {
            "filter": filterset,
            "table": table,
            "can_record": request.user.has_perm("accountability.record_inspection"),
            "export_query": export_query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def inspection_new(request):
    permission_required(request, "accountability.record_inspection", _("只有市督查人员可以录入督查。"))
    status = 200
    if request.method == "POST":
        form = InspectionForm(request.POST)
        findings = FindingFormSet(request.POST, prefix="findings")
        if form.is_valid() and findings.is_valid():
            data = {name: form.cleaned_data[name] for name in InspectionForm.Meta.fields}
            try:
                inspection = services.record_inspection(request.user, data, findings.findings())
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("督查记录已保存。"))
                return redirect("accountability:inspection_detail", pk=inspection.pk)
        status = 400
    else:
        form = InspectionForm(initial={"held_on": periods.today()})
        findings = FindingFormSet(initial=finding_initial(), prefix="findings")
    return render(
        request, "accountability/inspection_form.html", {"form": form, "findings": findings}, status=status
    )


def inspection_for(user, pk):
    """The inspection ``pk`` if ``user`` may see it (``for_user``), else 404."""
    try:
        return (
            Inspection.objects.for_user(user)
            .select_related("township", "village", "inspector", "inspected_cadre", "recorded_by")
            .get(pk=pk)
        )
    except Inspection.DoesNotExist:
        raise Http404(_("没有找到该督查记录。")) from None


def rectification_records(inspection):
    """Finding id -> the audit history record that set the finding's current 整改完成 date
    (who recorded it, and when), for the findings of ``inspection``. One query, however many
    findings and changes; a finding rectified without history (bulk-loaded) has none."""
    records = (
        Finding.history.filter(inspection_id=inspection.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    previous = {}
    recorded = {}
    for record in records:
        before = previous.get(record.id)
        if before is None:  # the finding's first record: recorded if it came rectified
            changed = record.rectified_on is not None
        else:
            changed = bool(record.diff_against(before, included_fields=["rectified_on"]).changes)
        if changed:
            if record.rectified_on is None:
                recorded.pop(record.id, None)
            else:
                recorded[record.id] = record
        previous[record.id] = record
    return recorded


def render_inspection(request, inspection, bound_form=None, status=200):
    """The detail page. Each finding row carries its 整改 state (a rectified one: who
    recorded it and when, from the finding's history) and, for a county supervisor and a
    problem not yet rectified, the 整改完成 form (``bound_form`` replaces the one of its
    finding, so its errors stand next to the field)."""
    can_record = request.user.has_perm("accountability.record_inspection")
    today = periods.today()
    recorded = rectification_records(inspection)
    rows = []
    for finding in inspection.findings.order_by("pk"):
        state = finding.rectification_on(today)
        show_form = can_record and state in (Finding.Rectification.OPEN, Finding.Rectification.OVERDUE)
        form = None
        if bound_form is not None and bound_form.finding.pk == finding.pk:
            form = bound_form
        elif show_form:
            form = FindingRectifyForm(finding=finding, initial={"rectified_on": today})
        rows.append(
            {
                "finding": finding,
                "state": state,
                "state_label": Finding.Rectification(state).label if state else "",
                "rectified_record": recorded.get(finding.pk)
                if state == Finding.Rectification.RECTIFIED
                else None,
                "form": form,
                "show_form": show_form,
            }
        )
    actions = AccountabilityAction.objects.for_user(request.user).filter(inspection=inspection)
    return render(
        request,
        "accountability/inspection_detail.html",
        {
            "inspection": inspection,
            "rows": rows,
            "actions": actions.select_related("cadre"),
            "history": inspection.history.select_related("history_user").order_by("-history_date"),
            "can_record": can_record,
        },
        status=status,
    )


@require_GET
@roles.role_required(*OVERSIGHT_READERS)
def inspection_detail(request, pk):
    return render_inspection(request, inspection_for(request.user, pk))


@require_POST
@roles.role_required(*OVERSIGHT_READERS)
def finding_rectify(request, pk, finding_pk):
    """整改完成 of one finding (A9): county supervisors only; a finding outside the user's
    inspections (``for_user``) is a 404."""
    inspection = inspection_for(request.user, pk)
    try:
        finding = inspection.findings.get(pk=finding_pk)
    except Finding.DoesNotExist:
        raise Http404(_("没有找到该督查发现。")) from None
    permission_required(request, "accountability.record_inspection", _("只有市督查人员可以记录整改完成。"))
    form = FindingRectifyForm(request.POST, finding=finding)
    if form.is_valid():
        try:
            services.rectify_finding(request.user, finding, form.cleaned_data["rectified_on"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("已记录整改完成：%(category)s，%(date)s。")
                % {
                    "category": finding.get_category_display(),
                    "date": form.cleaned_data["rectified_on"].isoformat(),
                },
            )
            return redirect(reverse("accountability:inspection_detail", args=[inspection.pk]) + "#findings")
    return render_inspection(request, inspection, bound_form=form, status=400)


# ---------------------------------------------------------------------- actions (A10, C4)


def warning_talk_totals(by_rank, totals, year):
    """The page's A10 block: distinct cadres given warning talks in ``year``, by rank class."""
    talks = by_rank[AccountabilityAction.Kind.WARNING_TALK]
    return {
        "year": year,
        "total": totals[AccountabilityAction.Kind.WARNING_TALK],
        "ranks": [(Rank(rank).label, talks[rank]) for rank in Rank.values],
    }


@require_GET
@roles.role_required(*OVERSIGHT_READERS)
def action_list(request):
    """The actions list (A10, C4), as a page, as ``?format=json`` or as ``?export=csv|xlsx``
    (every filtered row). The figures count distinct cadres of the filter's year (else the
    latest year with actions) among the actions the user sees."""
    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "json"):
        return error_pages.bad_request(
            request,
            _("不支持的格式：%(format)s（可用 html 或 json）。") % {"format": fmt},
            _("返回问责记录"),
        )
    rows = AccountabilityAction.objects.for_user(request.user)
    filterset = ActionFilter(request.GET or None, queryset=rows, request=request)
    shown = selectors.action_rows(filterset.rows, request.user)
    export = exports.requested_format(request)
    if export:
        return exports.export_response(ActionTable(shown), export, "actions")
    if filterset.is_bound and filterset.is_valid() and filterset.form.cleaned_data.get("year"):
        year = int(filterset.form.cleaned_data["year"])  # NumberFilter gives a Decimal
    else:
        year = selectors.latest_action_year(rows, periods.today().year)
    by_rank, totals = selectors.distinct_cadres_by_kind(rows, year)
    if fmt == "json":
        if filterset.is_bound and not filterset.is_valid():
            return JsonResponse(
                {"errors": filterset.errors}, status=400, json_dumps_params={"ensure_ascii": False}
            )
        return JsonResponse(
            {
                "year": year,
                "ranks": [{"key": value, "label": str(label)} for value, label in Rank.choices],
                **by_rank,
                "distinct_cadres": totals,
                "actions": [selectors.action_json(action) for action in shown],
            },
            json_dumps_params={"ensure_ascii": False},
        )
    table = ActionTable(shown)
    paginate(request, table, PER_PAGE)
    export_query = request.GET.copy()
    export_query.pop("page", None)
    export_query.pop("format", None)
    export_query["export"] = "csv"
    xlsx_query = export_query.copy()
    xlsx_query["export"] = "xlsx"
    json_query = export_query.copy()
    json_query.pop("export")
    json_query["format"] = "json"
    return render(
        request,
        "accountability/action_list.html",
        {
            "filter": filterset,
            "table": table,
            "totals": warning_talk_totals(by_rank, totals, year),
            "can_record": request.user.has_perm("accountability.record_accountabilityaction"),
            "export_query": export_query.urlencode(),
            "xlsx_query": xlsx_query.urlencode(),
            "json_query": json_query.urlencode(),
        },
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def action_new(request):
    permission_required(
        request, "accountability.record_accountabilityaction", _("只有市督查人员可以录入问责。")
    )
    status = 200
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            try:
                action = services.record_action(request.user, form.cleaned_data)
            except ValidationError as error:
                for name, errors in error.message_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    _("问责记录已保存：%(cadre)s，%(kind)s。")
                    % {"cadre": action.cadre.name, "kind": action.get_kind_display()},
                )
                return redirect(reverse("accountability:action_list") + f"?year={action.decided_on.year}")
        status = 400
    else:
        initial = {"decided_on": periods.today()}
        inspection_id = request.GET.get("inspection", "")
        if inspection_id.isdigit():
            initial["inspection"] = inspection_id
        form = ActionForm(initial=initial)
    return render(request, "accountability/action_form.html", {"form": form}, status=status)


# ---------------------------------------------------------------------- year-end (C2, C4)


@require_GET
@roles.role_required(*OVERSIGHT_READERS)
def year_end_latest(request):
    """The latest year with a version the user may read (a draft only for those who see
    drafts)."""
    runs = YearEndRun.objects.all()
    if not selectors.sees_drafts(request.user):
        runs = runs.filter(published_at__isnull=False)
    latest = runs.order_by("-year").values_list("year", flat=True).first()
    return redirect("accountability:year_end", year=latest or periods.today().year)


def check_year(year):
    if not FIRST_YEAR <= year <= periods.today().year:
        raise Http404(_("没有该年度的年终考评：年度应在%(first)s年到今年之间。") % {"first": FIRST_YEAR})


def year_end_bad_request(request, message):
    return error_pages.bad_request(request, message, _("返回已发布的年终考评"))


def year_end_url(year, number=None):
    url = reverse("accountability:year_end", args=[year])
    return f"{url}?version={number}" if number else url


YEAR_END_TABLES = {"townships": TownshipYearEndTable, "cadres": CadreYearEndTable}


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def year_end(request, year):
    """The year's league: the published version by default, any version the user may read
    with ``?version=N``; a draft shows what publishing it would change. POST (计算年终考评)
    computes a new draft beside the published version. ``?format=json`` and
    ``?export=csv|xlsx&table=townships|cadres`` (docs/api.md)."""
    check_year(year)
    if request.method == "POST":
        permission_required(
            request, "accountability.compute_yearendscore", _("只有市督查人员可以计算年终考评。")
        )
        form = YearEndForm({"year": year})
        if not form.is_valid():
            messages.error(request, "；".join(form.errors["year"]))
            return redirect("accountability:year_end", year=year)
        result = scoring.compute_year_end(year, user=request.user)
        messages.success(
            request,
            _(
                "%(year)s年年终考评已计算为第%(number)s版草稿：%(townships)s个乡镇，%(cadres)s名干部，"
                "其中一票否决%(vetoed)s个。发布前，已发布的结果不变。"
            )
            % {
                "year": year,
                "number": result.number,
                "townships": result.townships,
                "cadres": result.cadres,
                "vetoed": result.vetoed,
            },
        )
        return redirect(year_end_url(year, result.number))

    raw_version = request.GET.get("version", "").strip()
    number = None
    if raw_version:
        if not raw_version.isdigit() or len(raw_version) > 5:
            return year_end_bad_request(
                request, _("版本号应为正整数：%(version)s。") % {"version": raw_version}
            )
        number = int(raw_version)
    fmt = request.GET.get("format", "html")
    if fmt not in ("html", "json"):
        return year_end_bad_request(
            request, _("不支持的格式：%(format)s（可用 html 或 json）。") % {"format": fmt}
        )
    export = request.GET.get("export")
    table_name = request.GET.get("table", "")
    if export is not None:
        if export not in exports.FORMATS:
            return year_end_bad_request(
                request, _("不支持的导出格式：%(format)s（可用 csv 或 xlsx）。") % {"format": export}
            )
        if table_name not in YEAR_END_TABLES:
            return year_end_bad_request(request, _("没有名为 %(table)s 的表格。") % {"table": table_name})

    runs = selectors.versions(year, request.user)
    run = selectors.pick(runs, number)
    if number is not None and run is None:
        raise Http404(_("没有该版本的年终考评。"))
    published = selectors.published_of(runs)
    change_rows = None
    if run is not None and published is not None and run != published and selectors.sees_drafts(request.user):
        change_rows = selectors.changes(run, published)

    if export is not None:
        rows = (
            selectors.township_rows(run)
            if table_name == "townships"
            else selectors.cadre_rows(run, request.user)
        )
        suffix = f"-v{run.number}" if run else ""
        return exports.export_response(
            YEAR_END_TABLES[table_name](rows), export, f"year-end-{year}{suffix}-{table_name}"
        )
    if fmt == "json":
        data = selectors.year_end_data(year, run, runs, request.user, change_rows)
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    townships = TownshipYearEndTable(selectors.township_rows(run), prefix="t-")
    cadres = CadreYearEndTable(selectors.cadre_rows(run, request.user), prefix="c-")
    paginate(request, townships, 50)
    paginate(request, cadres, PER_PAGE)
    changes_table = None
    if change_rows is not None:
        changes_table = YearEndChangeTable(change_rows, prefix="d-")
        paginate(request, changes_table, PER_PAGE)
    here = {"version": run.number} if number is not None and run is not None else {}

    def link(**params):
        return "?" + urlencode({**here, **params})

    return render(
        request,
        "accountability/yearend_scores.html",
        {
            "year": year,
            "run": run,
            "runs": runs,
            "published": published,
            "townships": townships,
            "cadres": cadres,
            "changes": changes_table,
            "change_summary": selectors.change_summary(change_rows) if change_rows is not None else None,
            "reviews": selectors.half_year_reviews(year, request.user),
            "reports": selectors.annual_reports(year, request.user),
            "can_compute": request.user.has_perm("accountability.compute_yearendscore"),
            "can_publish": request.user.has_perm("accountability.publish_yearendscore"),
            "can_record_review": request.user.has_perm("accountability.record_halfyearreview"),
            "can_record_report": request.user.has_perm("accountability.record_annualreport"),
            "previous_year": year - 1 if year > FIRST_YEAR else None,
            "next_year": year + 1 if year < periods.today().year else None,
            "weights": YearEndScore.WEIGHTS,
            "weight": YearEndScore.SATISFACTION_WEIGHT,
            "work_weight": 100 - YearEndScore.SATISFACTION_WEIGHT,
            "json_url": link(format="json"),
            "export_urls": {
                name: {"csv": link(export="csv", table=name), "xlsx": link(export="xlsx", table=name)}
                for name in YEAR_END_TABLES
            },
        },
    )


@require_POST
@roles.role_required(*OVERSIGHT_READERS)
def year_end_publish(request, year, number):
    """发布: the draft ``number`` of ``year`` becomes the published league (frozen); the
    version published before is superseded and stays readable."""
    check_year(year)
    permission_required(request, "accountability.publish_yearendscore", _("只有市督查人员可以发布年终考评。"))
    run = get_object_or_404(YearEndRun, year=year, number=number)
    try:
        scoring.publish(run, user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(year_end_url(year, number))
    messages.success(
        request, _("%(year)s年年终考评第%(number)s版已发布。") % {"year": year, "number": number}
    )
    return redirect("accountability:year_end", year=year)


def record_for_year(request, year, form_class, perm, refusal, template):
    """The supervisors' form of a record that feeds the year's assessment (半年研判,
    全年述职): validated by the model's rules, saved with who recorded it."""
    check_year(year)
    permission_required(request, perm, refusal)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, year=year)
        if form.is_valid():
            record = form.save(commit=False)
            record.recorded_by = request.user
            record.save()
            messages.success(request, _("已保存：%(record)s。") % {"record": record})
            return redirect("accountability:year_end", year=year)
        status = 400
    else:
        form = form_class(year=year)
    return render(request, template, {"form": form, "year": year}, status=status)


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def half_year_review_new(request, year):
    return record_for_year(
        request,
        year,
        HalfYearReviewForm,
        "accountability.record_halfyearreview",
        _("只有市督查人员可以录入半年研判。"),
        "accountability/half_year_review_form.html",
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def annual_report_new(request, year):
    return record_for_year(
        request,
        year,
        AnnualReportForm,
        "accountability.record_annualreport",
        _("只有市督查人员可以录入全年述职。"),
        "accountability/annual_report_form.html",
    )
