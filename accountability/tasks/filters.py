"""django-filter filter sets of the task list and the problem list (on ``ListFilterSet``)."""

import html

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from accountability.filters import ListFilterSet, scoped_choices
from accountability.models import Factor, Problem, Task
from accountability.tasks.selectors import Status
from villages.models import Township, Village
from villages.scope import UserScope

YES_NO = [("yes", _("是")), ("no", _("否"))]


def visible_townships(user):
    """The townships with one of the tasks the user sees: one probe of the tasks' township
    index a township."""
    return Township.objects.filter(
        Exists(Task.objects.for_user(user).filter(township_id=OuterRef("pk")))
    ).order_by("code")


def visible_villages(user):
    """Villages of the townships whose tasks the user sees: the townships are found first
    (``visible_townships``: a probe a township, not a village: 850 against 6,100 on a
    province, 14 → 4 ms by EXPLAIN ANALYZE), then their villages."""
    return Village.objects.filter(township__in=visible_townships(user)).order_by("code")


def problem_villages(user):
    """Villages the user may filter his problem list by: those of the problems he sees,
    through the one scoping method (``Problem.objects.for_user``)."""
    village_ids = Problem.objects.for_user(user).values("village_id")
    return Village.objects.filter(pk__in=village_ids).order_by("code")


def attrs_html(attrs):
    """Django's ``django/forms/widgets/attrs.html``, in Python."""
    return mark_safe(
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )


def label_html(label):
    """What the template's ``{{ widget.label }}`` prints for an option's label: escaped
    unless it is safe already."""
    if isinstance(label, SafeData):
        return str(label)
    return html.escape(str(label))


class JoinedSelect(forms.Select):
    """A select whose options are joined in Python: the HTML of Django's ``select.html``
    (tests/accountability/test_tasks_table.py compares them) without a template include an
    option, which cost a county supervisor's task list (122 villages) as much as its rows,
    nor the dict of attributes Django builds for every option (``optgroups``), which was
    most of a province supervisor's list (6,100 villages): an option is one f-string."""

    def render(self, name, value, attrs=None, renderer=None):
        # what Widget.get_context and Select.get_context give the template
        final_attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            final_attrs["multiple"] = True
        values = self.format_value(value)
        html_parts = [format_html('<select name="{}"{}>', name, attrs_html(final_attrs))]
        has_selected = False
        # ChoiceWidget.optgroups, one option at a time; select_option.html ends a line
        for option_value, option_label in self.choices:
            if option_value is None:
                option_value = ""
            if isinstance(option_label, list | tuple):
                group, choices = option_value, option_label
            else:
                group, choices = None, [(option_value, option_label)]
            if group:
                html_parts.append(format_html('\n  <optgroup label="{}">', group))
            for subvalue, sublabel in choices:
                text = str(subvalue)
                selected = (not has_selected or self.allow_multiple_selected) and text in values
                has_selected |= selected
                html_parts.append(
                    f'\n  <option value="{html.escape(text)}"{" selected" if selected else ""}>'
                    f"{label_html(sublabel)}</option>\n"
                )
            if group:
                html_parts.append("\n  </optgroup>")
        html_parts.append("\n</select>")
        return mark_safe("".join(html_parts))


class NameChoiceIterator(ModelChoiceIterator):
    """The choices as (pk, name) rows read in one query, not model instances through a
    server-side cursor: the label ``str(village)`` is its name. A supervisor at province
    scale is offered 6,100 villages; building an instance an option was most of the list's
    Python (docs/performance.md)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", "name")


class VillageChoiceField(django_filters.fields.ModelChoiceField):
    iterator = NameChoiceIterator


class VillageChoiceFilter(django_filters.ModelChoiceFilter):
    """A place's filter (village or township) whose choices are (pk, name) rows."""

    field_class = VillageChoiceField


class TaskFilter(ListFilterSet):
    """The task list's filters. ``township`` is offered to those who see the county's tasks
    (a secretary or a village cadre sees one township's); once a township is chosen, the
    village select offers its villages only."""

    township = VillageChoiceFilter(
        label=_("乡镇"),
        queryset=scoped_choices(Township, visible_townships),
        empty_label=_("全部"),
        widget=JoinedSelect,
    )
    village = VillageChoiceFilter(
        label=_("村"),
        queryset=scoped_choices(Village, visible_villages),
        empty_label=_("全部"),
        widget=JoinedSelect,
    )
    # every select of the form joined in Python (a template an option cost as much as the
    # village's 122 options for the four short lists)
    factor = django_filters.ChoiceFilter(
        label=_("脱贫要素"), choices=Factor.choices, empty_label=_("全部"), widget=JoinedSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Status.choices, empty_label=_("全部"), widget=JoinedSelect
    )
    overdue = django_filters.ChoiceFilter(
        label=_("逾期"), choices=YES_NO, empty_label=_("全部"), method="filter_flag", widget=JoinedSelect
    )
    reported = django_filters.ChoiceFilter(
        label=_("本周已填报"),
        choices=YES_NO,
        empty_label=_("全部"),
        method="filter_flag",
        widget=JoinedSelect,
    )

    FLAG_FIELDS = {"overdue": "is_overdue", "reported": "reported_this_week"}

    class Meta:
        model = Task
        fields = ["township", "village", "factor", "status", "overdue", "reported"]

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        if request is None or not UserScope.of(request.user).sees_county:
            del self.filters["township"]  # one township's tasks: nothing to choose
            return
        township = (data or {}).get("township", "")
        if township.isdigit():
            # a township chosen: its villages only (a village of another one is refused)
            self.filters["village"].queryset = lambda request: visible_villages(request.user).filter(
                township_id=int(township)
            )

    def filter_flag(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(**{self.FLAG_FIELDS[name]: value == "yes"})


class ProblemFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("未解决")), ("closed", _("已解决"))],
        empty_label=_("全部"),
        method="filter_status",
    )
    village = django_filters.ModelChoiceFilter(
        label=_("村"), queryset=scoped_choices(Village, problem_villages), empty_label=_("全部")
    )
    factor = django_filters.ChoiceFilter(label=_("脱贫要素"), choices=Factor.choices, empty_label=_("全部"))

    class Meta:
        model = Problem
        fields = ["status", "village", "factor"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(closed_on__isnull=value == "open")
