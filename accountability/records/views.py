"""Pages for what county supervisors record: responsibility contracts (军令状, A2), TV
exposures (电视问政, A7), commendations and promotions (表彰提拔, C4). Views are thin: rows
come through ``for_user`` (``records.selectors``), writes go through ``records.services``.

Who: county supervisors record and edit (the ``record_*`` permissions of their group); a
township secretary reads his township's contracts and exposures; a village secretary or
resident cadre reads the contracts he signed; admins read everything; another place's
record is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accountability import exports, periods
from accountability.models import Commendation, Contract, Exposure
from accountability.oversight.views import OVERSIGHT_READERS, permission_required
from accountability.pagination import paginate
from accountability.records import selectors, services
from accountability.records.forms import (
    CommendationFilter,
    CommendationForm,
    ContractFilter,
    ContractForm,
    ExposureFilter,
    ExposureForm,
)
from accountability.records.tables import CommendationTable, ContractTable, ExposureTable
from villages import roles

PER_PAGE = 25
COUNTY_READERS = (roles.ADMIN, roles.COUNTY_SUPERVISOR)
CONTRACT_FIELDS = ContractForm._meta.fields
EXPOSURE_FIELDS = ExposureForm._meta.fields
COMMENDATION_FIELDS = CommendationForm._meta.fields


def list_page(request, template, filterset, table_class, export_name, can_record, **context):
    """The shared shape of the three lists: filters, CSV/XLSX export of every matching row
    (not just the page), the paged table."""
    rows = filterset.rows
    export = exports.requested_format(request)
    if export:
        return exports.export_response(table_class(rows), export, export_name)
    table = table_class(rows, exclude=() if can_record else ("edit",))
    paginate(request, table, PER_PAGE)
    export_query = request.GET.copy()
    export_query["export"] = "csv"
    export_query.pop("page", None)
    return render(
        request,
        template,
        {
            "filter": filterset,
            "table": table,
            "can_record": can_record,
            "export_query": export_query.urlencode(),
            **context,
        },
    )


def save_form(request, form, model, instance=None):
    """Validate and save ``form`` through the services; errors land next to their fields.
    Returns the saved record, or None (the form then carries the errors)."""
    if not form.is_valid():
        return None
    data = form.data_for_save()
    try:
        if instance is None:
            return services.create_record(request.user, model, data)
        return services.update_record(request.user, instance, data, form.cleaned_data["version"])
    except services.EditConflict as conflict:
        form.add_error(None, ValidationError(str(conflict), code="conflict"))
    except ValidationError as error:
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    return None


def edit_page(request, template, form_class, model, perm, denied, saved, instance=None, **context):
    """New or edit page of a record: county supervisors only (``perm``); 400 with the
    errors, or a redirect to ``saved(record)``."""
    permission_required(request, perm, denied)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, instance=instance)
        record = save_form(request, form, model, instance)
        if record is not None:
            messages.success(request, _("已保存。"))
            return redirect(saved(record))
        status = 409 if any(e.code == "conflict" for e in form.non_field_errors().as_data()) else 400
    else:
        form = form_class(instance=instance, initial=context.pop("initial", None))
    return render(request, template, {"form": form, "record": instance, **context}, status=status)


# ---------------------------------------------------------------------- contracts (A2)


@require_GET
@roles.role_required()
def contract_list(request):
    filterset = ContractFilter(
        request.GET or None, queryset=selectors.contracts_for_list(request.user), request=request
    )
    return list_page(
        request,
        "accountability/contract_list.html",
        filterset,
        ContractTable,
        "contracts",
        request.user.has_perm("accountability.record_contract"),
    )


@require_GET
@roles.role_required()
def contract_detail(request, pk):
    contract = selectors.contract_for(request.user, pk)
    return render(
        request,
        "accountability/contract_detail.html",
        {
            "contract": contract,
            "progress": selectors.contract_progress(contract),
            "history": selectors.history_changes(contract, CONTRACT_FIELDS),
            "can_record": request.user.has_perm("accountability.record_contract"),
        },
    )


@require_http_methods(["GET", "POST"])
@roles.role_required()
def contract_new(request):
    return edit_page(
        request,
        "accountability/contract_form.html",
        ContractForm,
        Contract,
        "accountability.record_contract",
        _("只有市督查人员可以录入责任书。"),
        lambda c: reverse("accountability:contract_detail", args=[c.pk]),
        initial={"year": periods.today().year, "signed_on": periods.today()},
    )


@require_http_methods(["GET", "POST"])
@roles.role_required()
def contract_edit(request, pk):
    contract = selectors.contract_for(request.user, pk)
    return edit_page(
        request,
        "accountability/contract_form.html",
        ContractForm,
        Contract,
        "accountability.record_contract",
        _("只有市督查人员可以修改责任书。"),
        lambda c: reverse("accountability:contract_detail", args=[c.pk]),
        instance=contract,
    )


# ---------------------------------------------------------------------- exposures (A7)


@require_GET
@roles.role_required(*OVERSIGHT_READERS)
def exposure_list(request):
    filterset = ExposureFilter(
        request.GET or None, queryset=selectors.exposures_for_list(request.user), request=request
    )
    return list_page(
        request,
        "accountability/exposure_list.html",
        filterset,
        ExposureTable,
        "exposures",
        request.user.has_perm("accountability.record_exposure"),
    )


def exposure_saved(exposure):
    return reverse("accountability:exposure_list") + f"?year={exposure.aired_on.year}"


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def exposure_new(request):
    return edit_page(
        request,
        "accountability/exposure_form.html",
        ExposureForm,
        Exposure,
        "accountability.record_exposure",
        _("只有市督查人员可以录入电视问政。"),
        exposure_saved,
        initial={"aired_on": periods.today()},
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(*OVERSIGHT_READERS)
def exposure_edit(request, pk):
    try:
        exposure = selectors.exposures_for_list(request.user).get(pk=pk)
    except Exposure.DoesNotExist:
        raise Http404(_("没有找到该电视问政记录。")) from None
    return edit_page(
        request,
        "accountability/exposure_form.html",
        ExposureForm,
        Exposure,
        "accountability.record_exposure",
        _("只有市督查人员可以修改电视问政。"),
        exposure_saved,
        instance=exposure,
        history=selectors.history_changes(exposure, EXPOSURE_FIELDS),
    )


# ---------------------------------------------------------------------- commendations (C4)


@require_GET
@roles.role_required(*COUNTY_READERS)
def commendation_list(request):
    filterset = CommendationFilter(
        request.GET or None, queryset=selectors.commendations_for_list(request.user), request=request
    )
    return list_page(
        request,
        "accountability/commendation_list.html",
        filterset,
        CommendationTable,
        "commendations",
        request.user.has_perm("accountability.record_commendation"),
    )


def commendation_saved(commendation):
    return reverse("accountability:commendation_list") + f"?year={commendation.decided_on.year}"


@require_http_methods(["GET", "POST"])
@roles.role_required(*COUNTY_READERS)
def commendation_new(request):
    return edit_page(
        request,
        "accountability/commendation_form.html",
        CommendationForm,
        Commendation,
        "accountability.record_commendation",
        _("只有市督查人员可以录入表彰提拔。"),
        commendation_saved,
        initial={"decided_on": periods.today()},
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(*COUNTY_READERS)
def commendation_edit(request, pk):
    try:
        commendation = selectors.commendations_for_list(request.user).get(pk=pk)
    except Commendation.DoesNotExist:
        raise Http404(_("没有找到该表彰提拔记录。")) from None
    return edit_page(
        request,
        "accountability/commendation_form.html",
        CommendationForm,
        Commendation,
        "accountability.record_commendation",
        _("只有市督查人员可以修改表彰提拔。"),
        commendation_saved,
        instance=commendation,
        history=selectors.history_changes(commendation, COMMENDATION_FIELDS),
    )
