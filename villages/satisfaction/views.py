"""Pages of household satisfaction (群众定效, C1, C2, C5).

- Survey workers (测评员) and county supervisors enter one household's 23 answers per round
  (``survey``, ``survey_entry``) and list the households not yet surveyed (``pending``).
- County supervisors open and close rounds (``rounds``, ``round_close``) and record
  outreach and outcomes; supervisors and admins read the results (``results``: per round,
  item, township → village, ``&format=json``, CSV/XLSX exports, print) and the results per
  assisting unit and helping cadre (``unit_results``).

Bad input is a 400 page or a message next to the field; a place or household outside the
user's villages is a 404; other roles get 403.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chishui import cache, errors
from chishui.charts import figure_json
from chishui.exports import export_response
from chishui.pagination import PAGE_ROWS, TOP_ROWS, paginate, requested_output
from villages import roles
from villages.models import SurveyAnswer, SurveyRound, Township

from . import charts, selectors, services
from . import tables as t
from .forms import AnswersForm, OutcomeForm, OutreachForm, RoundForm, YearForm

entry_roles = roles.role_required(*selectors.ENTRY_ROLES)
result_roles = roles.role_required(*selectors.RESULT_ROLES)
supervisor_only = roles.role_required(roles.COUNTY_SUPERVISOR)


def bad_request(request, message):
    return errors.bad_request(request, message, _("返回最新年度"))


def _year(request, pieces):
    """The ``year`` of the query string, else the year of the latest round (cached), else
    this year; or an error message."""
    raw = request.GET.get("year", "").strip()
    if not raw:
        latest = pieces.get(
            "latest",
            None,
            lambda: str(SurveyRound.objects.order_by("-year").values_list("year", flat=True).first() or ""),
        )
        return int(latest) if latest else timezone.localdate().year, None
    form = YearForm({"year": raw})
    if not form.is_valid():
        return None, _("年度无效：%(errors)s") % {"errors": " ".join(form.errors["year"])}
    return form.cleaned_data["year"], None


@dataclass(frozen=True)
class TableSpec:
    table: Callable  # (rows, round numbers) -> a table
    rows: Callable  # data dict -> list of rows
    title: Promise
    # data dict, n -> (the first n rows, how many there are), where the rows are made up
    first: Callable | None = None


def _villages(data):
    return [{**v, "township": tw["name"]} for tw in data["townships"] for v in tw["villages"]]


def _first_villages(data, count):
    """The first ``count`` rows of :func:`_villages`, and how many it has (thousands in a
    province: the page shows the first rows). ``data`` may be the page's figures, which hold
    the first villages' rows only and their number (``selectors.results``' ``page_rows``)."""
    rows = []
    for township in data["townships"]:
        rows += [{**v, "township": township["name"]} for v in township["villages"][: count - len(rows)]]
    if "village_count" in data:
        return rows, data["village_count"]
    return rows, sum(len(township["villages"]) for township in data["townships"])


def _round_numbers(data):
    return [r["number"] for r in data["rounds"]]


def _outreach_table(rows, data):
    outreach = data["outreach"]
    return t.OutreachTable(rows, outreach["event_kinds"], outreach["outcome_kinds"])


RESULT_TABLES = {
    "rounds": TableSpec(
        lambda rows, data: t.RoundTable(rows), lambda d: d["rounds"], gettext_lazy("各轮测评")
    ),
    "items": TableSpec(
        lambda rows, data: t.ItemTable(rows, rounds=_round_numbers(data)),
        lambda d: d["items"],
        gettext_lazy("各民生项目满意度"),
    ),
    "townships": TableSpec(
        lambda rows, data: t.TownshipTable(rows, rounds=_round_numbers(data)),
        lambda d: d["townships"],
        gettext_lazy("各乡镇满意度"),
    ),
    "villages": TableSpec(
        lambda rows, data: t.VillageTable(rows, rounds=_round_numbers(data)),
        _villages,
        gettext_lazy("各村满意度"),
        _first_villages,
    ),
    "outreach": TableSpec(
        _outreach_table, lambda d: d["outreach"]["townships"], gettext_lazy("宣传培训与就业创业（按乡镇）")
    ),
}
UNIT_TABLES = {
    "units": TableSpec(lambda rows, data: t.UnitTable(rows), lambda d: d["units"], gettext_lazy("挂帮单位")),
    "cadres": TableSpec(
        lambda rows, data: t.CadreTable(rows), lambda d: d["cadres"], gettext_lazy("帮扶责任人")
    ),
}


def _entry(request, year, specs, name, table):
    return {
        "title": specs[name].title,
        "table": table,
        "csv": f"{request.path}?year={year}&export=csv&table={name}",
        "xlsx": f"{request.path}?year={year}&export=xlsx&table={name}",
    }


def _body(request, year, specs, data, template, charts_of=None):
    """The charts and the first rows of each table: the costly part of the page, the same
    for everyone who reads it (cached)."""
    tables = []
    for name, spec in specs.items():
        if spec.first is None:
            rows = spec.rows(data)
            rows, total = rows[:TOP_ROWS], len(rows)
        else:
            rows, total = spec.first(data, TOP_ROWS)
        entry = _entry(request, year, specs, name, spec.table(rows, data))
        entry["html"] = entry["table"].html(request)  # a plain table, put together in Python
        if total > TOP_ROWS:
            entry["total"] = total
            entry["full_url"] = f"{request.path}?year={year}&table={name}"
        tables.append((name, entry))
    figures = charts_of(data) if charts_of else []
    context = {
        "tables": tables,
        "charts": [{"id": element, "json": mark_safe(figure_json(fig))} for element, fig in figures],
    }
    return render_to_string(template, context, request=request)


def _result_charts(data):
    if not (data["rounds"] and data["answers"]):
        return []
    return [
        ("chart-satisfaction-rounds", charts.round_trend(data["rounds"])),
        ("chart-satisfaction-items", charts.item_shares(data["items"])),
        ("chart-satisfaction-townships", charts.township_shares(data["townships"], _round_numbers(data))),
    ]


def _results_head(data):
    """What the results page shows around its body (``results.html``): the year's figures,
    the outreach totals and the lagging items — a few hundred bytes to cache, where the
    whole dict of a province is 900 KB."""
    items = {i["code"]: i for i in data["items"]}
    head = {key: data[key] for key in ("rounds", "registered", "surveyed", "answers")}
    head.update(satisfied_share=data["satisfied_share"], content_share=data["content_share"])
    head["outreach"] = {key: data["outreach"][key] for key in ("recorded", "totals")}
    return {"data": head, "lagging": [items[code] for code in data["lagging_items"]]}


@dataclass(frozen=True)
class PageFigures:
    """How a page is built without its selector's whole dict: ``build(year)`` gives the
    figures its body and head need, ``head(figures)`` the context around the body."""

    build: Callable
    head: Callable


def _page(request, pieces, year, specs, build, page_figures, charts_of):
    """The page's context around its rendered body, cached: from the selector's whole dict
    (cached too, the JSON's and the exports'), or from ``page_figures`` (the page's piece is
    then all there is to store)."""
    body_template = "villages/satisfaction/body.html"
    if page_figures is None:
        data = pieces.get("data", year, lambda: build(year))
        body = pieces.get("body", year, lambda: _body(request, year, specs, data, body_template, charts_of))
        return {"data": data}, body

    def both():
        figures = page_figures.build(year)
        return page_figures.head(figures), _body(request, year, specs, figures, body_template, charts_of)

    return pieces.get("page", year, both)


def _serve(request, page, specs, build, template, title, charts_of=None, page_figures=None):
    """The flow both result pages share: year → the selector's dict (cached per year and
    language) → an export, the JSON, one table in full; or the page: its head and body
    (cached, :func:`_page`)."""
    pieces = cache.Pieces(page)
    year, error = _year(request, pieces)
    if error:
        return bad_request(request, error)
    try:
        fmt, export, name = requested_output(request, specs)
    except ValueError as exc:
        return bad_request(request, str(exc))

    context = {
        "year": year,
        "json_url": f"{request.path}?year={year}&format=json",
        "previous_url": f"{request.path}?year={year - 1}",
        "next_url": f"{request.path}?year={year + 1}",
        "generated_at": timezone.localtime(),
    }
    if fmt == "html" and name is None:
        head, body = _page(request, pieces, year, specs, build, page_figures, charts_of)
        context.update(head)
        context["body"] = mark_safe(body)  # rendered by our templates, escaped there
        return render(request, template, context)

    data = pieces.get("data", year, lambda: build(year))
    if export is not None:
        spec = specs[name]
        return export_response(spec.table(spec.rows(data), data), export, f"{page}-{year}-{name}")
    if fmt == "json":
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    spec = specs[name]  # one table in full
    table = spec.table(spec.rows(data), data)
    table.prefix = f"{name}-"
    paginate(request, table, PAGE_ROWS)
    context.update(
        data=data,
        name=name,
        entry=_entry(request, year, specs, name, table),
        title=title,
        back_url=f"{request.path}?year={year}",
    )
    return render(request, "villages/satisfaction/full_table.html", context)


@result_roles
@require_GET
def results(request):
    """群众满意度 of a year: rounds (trend), items, townships → villages, outreach (C2, C5)."""
    return _serve(
        request,
        "satisfaction",
        RESULT_TABLES,
        selectors.results,
        "villages/satisfaction/results.html",
        _("群众满意度"),
        charts_of=_result_charts,
        page_figures=PageFigures(lambda year: selectors.results(year, page_rows=TOP_ROWS), _results_head),
    )


@result_roles
@require_GET
def unit_results(request):
    """C1: results per assisting unit (挂帮单位) and helping cadre (帮扶责任人)."""
    return _serve(
        request,
        "satisfaction-units",
        UNIT_TABLES,
        selectors.unit_results,
        "villages/satisfaction/units.html",
        _("挂帮单位和帮扶责任人成效"),
    )


@result_roles
@require_http_methods(["GET", "POST"])
def rounds(request):
    """The rounds of every year; a county supervisor opens a new one."""
    may_open = roles.role_of(request.user) == roles.COUNTY_SUPERVISOR
    if request.method == "POST":
        if not may_open:
            raise PermissionDenied(_("只有市督查人员可以开启测评轮次。"))
        form = RoundForm(request.POST)
        if form.is_valid():
            survey_round = services.open_round(**form.cleaned_data, user=request.user)
            messages.success(request, _("已开启%(round)s。") % {"round": survey_round})
            return redirect("villages:survey_rounds")
    else:
        form = RoundForm(initial={"year": timezone.localdate().year})
    listed = SurveyRound.objects.order_by("-year", "-number")
    return render(
        request,
        "villages/satisfaction/rounds.html",
        {"rounds": listed, "form": form if may_open else None, "may_close": may_open},
    )


@supervisor_only
@require_POST
def round_close(request, pk):
    survey_round = get_object_or_404(SurveyRound, pk=pk)
    try:
        services.close_round(survey_round, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(round)s已结束，答卷不能再修改。") % {"round": survey_round})
    return redirect("villages:survey_rounds")


def _open_round(request):
    """The round to survey: ``?round=ID`` among the open ones, else the latest open round."""
    open_rounds = selectors.open_rounds()
    raw = request.GET.get("round") or request.POST.get("round")
    if raw:
        chosen = next((r for r in open_rounds if str(r.pk) == raw), None)
        return chosen, open_rounds
    return (open_rounds[0] if open_rounds else None), open_rounds


@entry_roles
@require_GET
def survey(request):
    """The survey worker's start page: the open round, a search for a household by code or
    head's name within his villages, and links to the households not yet surveyed."""
    survey_round, open_rounds = _open_round(request)
    query = request.GET.get("q", "").strip()
    found = selectors.find_households(request.user, query) if query and survey_round else []
    villages = selectors.surveyable_villages(request.user).select_related("township").order_by("code")
    worker = roles.role_of(request.user) == roles.SURVEY_WORKER
    return render(
        request,
        "villages/satisfaction/survey.html",
        {
            "round": survey_round,
            "open_rounds": open_rounds,
            "query": query,
            "found": found,
            "searched": bool(query),
            "villages": villages[:50] if worker else [],
            # the 提醒 panel: what he owes, households left per open round (one query)
            "households_left": selectors.households_left(request.user, open_rounds) if worker else None,
        },
    )


@entry_roles
@require_http_methods(["GET", "POST"])
def survey_entry(request, round_id, code):
    """One household's 23 answers in one round, on one screen."""
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    household = selectors.household_for(request.user, code)
    items = services.items()
    existing = dict(
        SurveyAnswer.objects.filter(round=survey_round, household=household).values_list("item_id", "level")
    )
    read_only = survey_round.closed
    if request.method == "POST" and not read_only:
        form = AnswersForm(request.POST, items=items, initial_levels=existing)
        if form.is_valid():
            try:
                services.record_answers(survey_round, household, form.levels(), user=request.user)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _("已保存 %(household)s 的测评（%(round)s）。")
                    % {"household": household, "round": survey_round},
                )
                return redirect(f"{reverse('villages:survey')}?round={survey_round.pk}")
        status = 400
    else:
        form = AnswersForm(items=items, initial_levels=existing)
        status = 403 if request.method == "POST" else 200
        if request.method == "POST":
            messages.error(request, _("%(round)s已结束，答卷不能再修改。") % {"round": survey_round})
    return render(
        request,
        "villages/satisfaction/entry.html",
        {
            "round": survey_round,
            "household": household,
            "form": form,
            "read_only": read_only,
            "answered": bool(existing),
        },
        status=status,
    )


@entry_roles
@require_GET
def pending(request, round_id):
    """Households of a township's or village's (within the user's villages) not yet surveyed
    in the round."""
    survey_round = get_object_or_404(SurveyRound, pk=round_id)
    allowed = selectors.surveyable_villages(request.user)
    village_ids = None
    place = None
    if code := request.GET.get("village", "").strip():
        place = allowed.filter(code=code).first()
        if place is None:
            raise Http404(_("该地点不在您的测评范围内。"))
        village_ids = [place.pk]
    elif code := request.GET.get("township", "").strip():
        place = Township.objects.filter(code=code, villages__in=allowed).distinct().first()
        if place is None:
            raise Http404(_("该地点不在您的测评范围内。"))
        village_ids = list(allowed.filter(township=place).values_list("pk", flat=True))
    households, count = selectors.pending_households(request.user, survey_round, village_ids)
    return render(
        request,
        "villages/satisfaction/pending.html",
        {"round": survey_round, "place": place, "households": households, "count": count},
    )


def _record(request, form_class, title):
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            record = services.save_record(form)
            messages.success(request, _("已保存：%(record)s") % {"record": record})
            return redirect(f"{reverse('villages:satisfaction')}?year={_record_year(record)}")
        status = 400
    else:
        form = form_class()
        status = 200
    return render(
        request, "villages/satisfaction/record_form.html", {"form": form, "title": title}, status=status
    )


def _record_year(record):
    return (getattr(record, "held_on", None) or record.started_on).year


@supervisor_only
@require_http_methods(["GET", "POST"])
def outreach_new(request):
    """Record an outreach session (百姓龙门阵, 农民夜校, …) with its attendance (C5)."""
    return _record(request, OutreachForm, _("录入宣传培训"))


@supervisor_only
@require_http_methods(["GET", "POST"])
def outcome_new(request):
    """Record a job found or a rural inn, agritainment farm, online shop, e-commerce point (C5)."""
    return _record(request, OutcomeForm, _("录入就业创业成果"))
