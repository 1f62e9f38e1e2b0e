"""组织定位 (B1–B4, C3): the overview supervisors read, and the pages where admins (and
township secretaries, for their township's party organizations, economic organizations,
1+X pairing, collective projects and village finance: the township party committee is the
core that covers organizations, pairs enterprises and runs the village guarantee, per the
case report) record it instead of using the Django admin. Work teams are sent by city organs:
admins only.

The overview follows the dashboards' flow: scope (villages.scope.scope_for) → year (query
string, or the latest year with projects) → the selector's dict, served as HTML, as
``&format=json`` or as a table export (``&export=csv|xlsx&table=NAME``). Bad input is a 400
page, an unknown or forbidden place a 404, no role a 403.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from chishui import cache, errors
from chishui.charts import figure_json
from chishui.exports import export_response
from chishui.pagination import PAGE_ROWS, TOP_ROWS, paginate, requested_output
from villages import roles
from villages.models import (
    CollectiveProject,
    EconomicOrganization,
    PairingProject,
    PartyOrganization,
    VillageFinance,
    WorkTeam,
)
from villages.organization import charts, forms, selectors, services
from villages.organization import tables as t
from villages.scope import scope_for

MIN_YEAR, MAX_YEAR = 1900, 2100


# ---- the overview -------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    table: type
    rows: Any  # data dict -> list of rows
    title: Promise
    drill: bool = False


TABLES = {
    "units": TableSpec(t.UnitTable, lambda d: d["units"], gettext_lazy("各单位组织定位"), drill=True),
    "coverage": TableSpec(
        t.CoverageTable, lambda d: d["economic_organizations"]["kinds"], gettext_lazy("经济组织党建覆盖")
    ),
    "branches": TableSpec(
        t.BranchTable, lambda d: d["party_branches"]["problems"], gettext_lazy("未建村党组织或书记空缺的村")
    ),
    "teams": TableSpec(t.TeamTable, lambda d: d["teams"], gettext_lazy("驻村工作组“2111”配置")),
    "finance": TableSpec(t.FinanceTable, lambda d: d["finance"], gettext_lazy("村级保障逐年变化")),
}


def _charts(data):
    return [
        ("chart-org-coverage", charts.coverage_by_kind(data["economic_organizations"])),
        ("chart-org-funds", charts.funds_by_unit(data["units"])),
        ("chart-org-teams", charts.work_teams(data["units"])),
        ("chart-org-finance", charts.finance_by_year(data["finance"])),
    ]


def bad_request(request, message):
    return errors.bad_request(request, message, _("返回组织定位"))


def _url(request, year, township=None, village=None, **extra):
    params = {"year": year, "township": township, "village": village, **extra}
    return request.path + "?" + urlencode({k: v for k, v in params.items() if v})


def _drill(request, year, scope):
    if scope.level == "county":
        return lambda code: _url(request, year, township=code)
    if scope.level == "township":
        return lambda code: _url(request, year, township=scope.township.code, village=code)
    return None


def _breadcrumbs(request, year, scope):
    """County → township → village; links only where the user may go."""
    role = roles.role_of(request.user)
    crumbs = []
    if roles.sees_whole_county(request.user):
        crumbs.append({"label": _("全市"), "url": _url(request, year)})
    if scope.township is not None:
        may_open = role not in (roles.VILLAGE_SECRETARY, roles.RESIDENT_CADRE)
        url = _url(request, year, township=scope.township.code) if may_open else None
        crumbs.append({"label": scope.township.name, "url": url})
    if scope.village is not None:
        crumbs.append({"label": scope.village.name, "url": None})
    if crumbs:
        crumbs[-1]["url"] = None
    return crumbs


def _year(request, scope, pieces):
    raw = request.GET.get("year", "").strip()
    if not raw:
        latest = pieces.get("latest", None, lambda: str(selectors.latest_year(scope) or ""))
        return int(latest) if latest else timezone.localdate().year
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise ValueError(
            _("年度应为 %(min)s 至 %(max)s 之间的四位数字，例如 2016。") % {"min": MIN_YEAR, "max": MAX_YEAR}
        )
    return int(raw)


def _here(scope):
    return {
        "township": scope.township.code if scope.township else None,
        "village": scope.village.code if scope.village else None,
    }


def _entry(request, year, scope, name, table):
    here = _here(scope)
    return {
        "title": TABLES[name].title,
        "table": table,
        "csv": _url(request, year, **here, export="csv", table=name),
        "xlsx": _url(request, year, **here, export="xlsx", table=name),
    }


def _table(request, year, scope, name, rows):
    spec = TABLES[name]
    return spec.table(rows, drill_url=_drill(request, year, scope) if spec.drill else None)


def _body(request, year, scope, data):
    """The charts and the first TOP_ROWS rows of each table: the costly part of the page,
    the same for everyone who sees this year and place (cached; its drill-down links depend
    on the place only)."""
    tables = {}
    for name, spec in TABLES.items():
        rows = spec.rows(data)
        entry = _entry(request, year, scope, name, _table(request, year, scope, name, rows[:TOP_ROWS]))
        entry["html"] = entry["table"].html(request)  # a plain table, put together in Python
        if len(rows) > TOP_ROWS:
            entry["total"] = len(rows)
            entry["full_url"] = _url(request, year, **_here(scope), table=name)
        tables[name] = entry
    context = {
        "tables": tables,
        "charts": [{"id": element, "json": mark_safe(figure_json(fig))} for element, fig in _charts(data)],
    }
    return render_to_string("villages/organization/body.html", context, request=request)


@require_GET
@roles.role_required()
def overview(request):
    scope = scope_for(request.user, request.GET.get("township") or None, request.GET.get("village") or None)
    pieces = cache.Pieces("organization", _here(scope).values())
    try:
        year = _year(request, scope, pieces)
    except ValueError as exc:
        return bad_request(request, str(exc))
    try:
        fmt, export, name = requested_output(request, TABLES)
    except ValueError as exc:
        return bad_request(request, str(exc))

    # the selector's dict is complete (every row): the exports and the JSON read it too
    data = pieces.get("data", year, lambda: selectors.overview(scope, year))
    if export is not None:
        spec = TABLES[name]
        table = spec.table(spec.rows(data), drill_url=None)
        return export_response(table, export, f"organization-{year}-{name}")
    if fmt == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})

    here = _here(scope)
    context = {
        "data": data,
        "year": year,
        "scope": scope,
        "previous_url": _url(request, year - 1, **here),
        "next_url": _url(request, year + 1, **here),
        "json_url": _url(request, year, **here, format="json"),
        "breadcrumbs": _breadcrumbs(request, year, scope),
        "record_kinds": _kinds_for(request.user),
        "generated_at": timezone.localtime(),
    }
    if name is not None:
        table = _table(request, year, scope, name, TABLES[name].rows(data))
        table.prefix = f"{name}-"
        paginate(request, table, PAGE_ROWS)
        context.update(
            name=name, entry=_entry(request, year, scope, name, table), back_url=_url(request, year, **here)
        )
        return render(request, "villages/organization/full_table.html", context)
    body = pieces.get("body", year, lambda: _body(request, year, scope, data))
    context["body"] = mark_safe(body)  # rendered by our templates, escaped there
    return render(request, "villages/organization/overview.html", context)


# ---- the recording pages ------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type
    form: type
    table: type
    title: Promise
    township_secretaries: bool  # township secretaries record it for their township


KINDS = {
    k.slug: k
    for k in (
        Kind(
            "party-orgs",
            PartyOrganization,
            forms.PartyOrganizationForm,
            t.PartyOrganizationTable,
            gettext_lazy("党组织"),
            True,
        ),
        Kind(
            "economic-orgs",
            EconomicOrganization,
            forms.EconomicOrganizationForm,
            t.EconomicOrganizationTable,
            gettext_lazy("经济组织"),
            True,
        ),
        Kind("work-teams", WorkTeam, forms.WorkTeamForm, t.WorkTeamTable, gettext_lazy("驻村工作组"), False),
        Kind(
            "pairing",
            PairingProject,
            forms.PairingProjectForm,
            t.PairingProjectTable,
            gettext_lazy("结对帮扶项目"),
            True,
        ),
        Kind(
            "collective",
            CollectiveProject,
            forms.CollectiveProjectForm,
            t.CollectiveProjectTable,
            gettext_lazy("集体经济项目"),
            True,
        ),
        Kind(
            "finance",
            VillageFinance,
            forms.VillageFinanceForm,
            t.VillageFinanceTable,
            gettext_lazy("村级保障"),
            True,
        ),
    )
}
READERS = (roles.ADMIN, roles.COUNTY_SUPERVISOR, roles.TOWNSHIP_SECRETARY)


def _kind(slug):
    kind = KINDS.get(slug)
    if kind is None:
        raise Http404(_("没有这类记录。"))
    return kind


def _own_township(user):
    """None for the county-wide roles; a township secretary's township."""
    if roles.sees_whole_county(user):
        return None
    cadre = roles.cadre_of(user)
    if cadre is None or cadre.township is None:
        raise PermissionDenied(_("您的干部档案没有所属乡镇。"))
    return cadre.township


def may_record(user, kind):
    role = roles.role_of(user)
    return role == roles.ADMIN or (role == roles.TOWNSHIP_SECRETARY and kind.township_secretaries)


def _kinds_for(user):
    if roles.role_of(user) not in READERS:
        return []
    return [
        {"kind": kind, "url": reverse("villages:organization_records", args=[kind.slug])}
        for kind in KINDS.values()
    ]


def _recorder(request, slug):
    kind = _kind(slug)
    if not may_record(request.user, kind):
        raise PermissionDenied(_("您的角色不能填报此类记录。"))
    return kind, _own_township(request.user)


@require_GET
@roles.role_required(*READERS)
def record_list(request, slug):
    kind = _kind(slug)
    township = _own_township(request.user)
    table = kind.table(
        selectors.records(kind.model, township), kind=slug, may_edit=may_record(request.user, kind)
    )
    paginate(request, table, PAGE_ROWS)
    context = {
        "kind": kind,
        "table": table,
        "township": township,
        "may_record": may_record(request.user, kind),
        "record_kinds": _kinds_for(request.user),
    }
    return render(request, "villages/organization/record_list.html", context)


def _save(request, kind, form, list_url):
    if form.is_valid():
        try:
            services.save_record(form)
        except IntegrityError:  # a concurrent write beat the checks; nothing was written
            form.add_error(None, _("保存失败：数据已被他人修改或与已有记录冲突，请刷新后重试。"))
        else:
            messages.success(request, _("已保存：%(record)s") % {"record": form.instance})
            return redirect(list_url)
    return None


def _form_page(request, kind, form, list_url, title):
    context = {"kind": kind, "form": form, "list_url": list_url, "title": title}
    status = 400 if form.is_bound else 200
    return render(request, "villages/organization/record_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@roles.role_required(roles.ADMIN, roles.TOWNSHIP_SECRETARY)
def record_add(request, slug):
    kind, township = _recorder(request, slug)
    list_url = reverse("villages:organization_records", args=[slug])
    form = kind.form(request.POST or None, township=township)
    if request.method == "POST":
        done = _save(request, kind, form, list_url)
        if done:
            return done
    return _form_page(request, kind, form, list_url, _("新增%(kind)s") % {"kind": kind.title})


@require_http_methods(["GET", "POST"])
@roles.role_required(roles.ADMIN, roles.TOWNSHIP_SECRETARY)
def record_edit(request, slug, pk):
    kind, township = _recorder(request, slug)
    instance = get_object_or_404(selectors.records(kind.model, township), pk=pk)
    list_url = reverse("villages:organization_records", args=[slug])
    form = kind.form(request.POST or None, instance=instance, township=township)
    if request.method == "POST":
        done = _save(request, kind, form, list_url)
        if done:
            return done
    title = _("修改%(kind)s：%(record)s") % {"kind": kind.title, "record": instance}
    if kind.model is WorkTeam:
        return _form_page_with_members(request, kind, form, list_url, title, instance)
    return _form_page(request, kind, form, list_url, title)


def _members(team):
    return team.members().select_related("unit").order_by("team_slot", "code")


def _form_page_with_members(request, kind, form, list_url, title, team):
    context = {
        "kind": kind,
        "form": form,
        "list_url": list_url,
        "title": title,
        "team": team,
        "members": _members(team),
        "member_add_url": reverse("villages:organization_member_add", args=[team.pk]),
    }
    return render(
        request, "villages/organization/record_form.html", context, status=400 if form.is_bound else 200
    )


@require_http_methods(["GET", "POST"])
@roles.role_required(roles.ADMIN)
def member_edit(request, team_pk, pk=None):
    """Add a resident cadre to a work team, or change a member's 2111 slot and details."""
    team = get_object_or_404(WorkTeam.objects.select_related("village__township"), pk=team_pk)
    member = None
    if pk is not None:
        member = get_object_or_404(team.members(), pk=pk)
    team_url = reverse("villages:organization_edit", args=["work-teams", team.pk])
    form = forms.TeamMemberForm(request.POST or None, instance=member, team=team)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_record(form)
        except IntegrityError:
            form.add_error(None, _("保存失败：数据已被他人修改或与已有记录冲突，请刷新后重试。"))
        else:
            messages.success(request, _("已保存：%(record)s") % {"record": form.instance})
            return redirect(team_url)
    title = (
        _("%(team)s：新增队员") % {"team": team}
        if member is None
        else _("修改队员：%(member)s") % {"member": member}
    )
    context = {"form": form, "list_url": team_url, "title": title, "kind": KINDS["work-teams"]}
    return render(
        request, "villages/organization/record_form.html", context, status=400 if form.is_bound else 200
    )
