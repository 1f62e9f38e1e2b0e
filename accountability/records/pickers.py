"""Searchable pickers for the cadre and task selects of the supervisors' forms, instead of
a dropdown of every cadre of the county (881 in the demo).

- ``/pickers/cadres/?q=`` and ``/pickers/tasks/?q=``: JSON search, scoped to what the user
  may see (``UserScope``: the county sees every cadre; a township secretary his township's;
  a village cadre his village's), at least one character, at most ``PAGE_SIZE`` results a
  page (``&page=2`` for the next ones); ``&role=`` (repeated) keeps cadres of those roles
  (the annual report's backbone cadres).
- ``PickerSelect``: the form's ordinary ``<select>`` with the search URL on it; static
  js/picker.js puts a search box in front of it. Without JavaScript the select still
  works: its options are grouped by township (``<optgroup>``), by name within each.
"""

import itertools

from django import forms
from django.db.models import F, Q
from django.forms.models import ModelChoiceIterator
from django.http import JsonResponse
from django.urls import reverse_lazy
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accountability.models import Task
from villages import roles
from villages.models import Cadre
from villages.scope import UserScope

PAGE_SIZE = 20
MAX_QUERY = 50


def cadre_label(cadre):
    """How a cadre appears in a picker: name, place and code (two cadres may share a name).
    Needs the cadre's township and village loaded."""
    place = " ".join(p.name for p in (cadre.township, cadre.village) if p is not None)
    return " · ".join(part for part in (cadre.name, place, cadre.code) if part)


def task_label(task):
    return f"{task.code} {task.title}"


# by township (cadres of no township, the county's, last on every database), then name
CADRE_ORDER = (F("township__code").asc(nulls_last=True), "name", "code")


def picker_cadres(roles=()):
    """Every cadre (of ``roles``, when given), for the select behind the cadre picker
    (county-wide recording forms)."""
    cadres = Cadre.objects.select_related("township", "village").order_by(*CADRE_ORDER)
    return cadres.filter(role__in=roles) if roles else cadres


def picker_tasks():
    return Task.objects.order_by("code")


class ByTownshipIterator(ModelChoiceIterator):
    """A cadre select's options grouped by township (cadres of no township last), for the
    browser without JavaScript. The queryset comes ordered by township."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for township, group in itertools.groupby(self.queryset, key=lambda cadre: cadre.township):
            label = township.name if township is not None else _("未属乡镇")
            yield (label, [self.choice(cadre) for cadre in group])


class PickerSelect(forms.Select):
    """A select the picker script enhances with a search box over ``url``."""

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-picker": str(self.url),
                "data-picker-placeholder": _("输入姓名、编号或名称搜索"),
                "data-picker-none": _("没有找到匹配的记录。"),
                "data-picker-more": _("只显示前%(count)s条，请输入更多字缩小范围。") % {"count": PAGE_SIZE},
                "data-picker-failed": _("搜索失败，请稍后重试，或刷新页面后从下拉列表中选择。"),
            }
        )
        return context


def use_pickers(form, cadres=(), tasks=(), cadre_roles=()):
    """Give ``form``'s cadre fields and task fields their pickers (and labels). With
    ``cadre_roles``, the cadre fields offer, and their search finds, cadres of those roles
    only (``?role=…``)."""
    url = reverse_lazy("accountability:picker_cadres")
    if cadre_roles:
        url = format_lazy("{}?{}", url, urlencode([("role", role) for role in cadre_roles]))
    for name in cadres:
        field = form.fields[name]
        field.queryset = picker_cadres(cadre_roles)
        field.label_from_instance = cadre_label
        field.iterator = ByTownshipIterator
        field.widget = PickerSelect(url, field.widget.attrs)
        field.widget.choices = field.choices
    for name in tasks:
        field = form.fields[name]
        field.queryset = picker_tasks()
        field.label_from_instance = task_label
        field.widget = PickerSelect(reverse_lazy("accountability:picker_tasks"), field.widget.attrs)
        field.widget.choices = field.choices


def _search(request, rows, label):
    """The JSON answer of a picker: ``{"query", "page", "results": [{"id", "label"}],
    "more"}``, or 400 with ``{"error"}`` for an empty, too long or bad query."""
    query = request.GET.get("q", "").strip()
    if not query:
        return JsonResponse({"error": _("请至少输入1个字再搜索。")}, status=400)
    if len(query) > MAX_QUERY:
        return JsonResponse(
            {"error": _("搜索内容过长（最多%(max)s个字）。") % {"max": MAX_QUERY}}, status=400
        )
    page = request.GET.get("page", "1")
    if not page.isdigit() or not 1 <= int(page) <= 1000:
        return JsonResponse({"error": _("页码无效。")}, status=400)
    page = int(page)
    start = (page - 1) * PAGE_SIZE
    found = list(rows(query)[start : start + PAGE_SIZE + 1])  # one more: is there a next page
    return JsonResponse(
        {
            "query": query,
            "page": page,
            "results": [{"id": obj.pk, "label": label(obj)} for obj in found[:PAGE_SIZE]],
            "more": len(found) > PAGE_SIZE,
        }
    )


@require_GET
@roles.role_required()
def cadres(request):
    """Cadres whose name or code matches ``q``, among those the user may see; of the roles
    named by ``role`` (repeated) when given."""
    roles_asked = request.GET.getlist("role")
    if any(role not in Cadre.Role.values for role in roles_asked):
        return JsonResponse({"error": _("干部类别无效。")}, status=400)
    scope = UserScope.of(request.user)
    visible = scope.filter(Cadre.objects.all(), township=["township_id"], village=["village_id"])
    if roles_asked:
        visible = visible.filter(role__in=roles_asked)

    def rows(query):
        return (
            visible.filter(Q(name__icontains=query) | Q(code__istartswith=query))
            .select_related("township", "village")
            .order_by(*CADRE_ORDER)
        )

    return _search(request, rows, cadre_label)


@require_GET
@roles.role_required()
def tasks(request):
    """Tasks whose code or title matches ``q``, among the user's (``Task.objects.for_user``)."""

    def rows(query):
        return (
            Task.objects.for_user(request.user)
            .filter(Q(title__icontains=query) | Q(code__istartswith=query))
            .order_by("code")
        )

    return _search(request, rows, task_label)
