"""django-filter filter sets of the task list and the problem list (on ``ListFilterSet``)."""

import django_filters
from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accountability.filters import ListFilterSet, scoped_choices
from accountability.models import Factor, Problem, Task
from accountability.tasks.selectors import Status
from villages.models import Village

YES_NO = [("yes", _("是")), ("no", _("否"))]


def visible_villages(user):
    """Villages of the townships whose tasks the user sees."""
    township_ids = Task.objects.for_user(user).values("township_id")
    return Village.objects.filter(township_id__in=township_ids).order_by("code")


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


class JoinedSelect(forms.Select):
    """A select whose options are joined in Python: the HTML of Django's ``select.html``
    (tests/accountability/test_tasks_table.py compares them) without a template include an
    option, which cost a county supervisor's task list (122 villages) as much as its rows."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        html = [format_html('<select name="{}"{}>', widget["name"], attrs_html(widget["attrs"]))]
        for group, options, _index in widget["optgroups"]:
            if group:
                html.append(format_html('\n  <optgroup label="{}">', group))
            html.extend(
                format_html(
                    '\n  <option value="{}"{}>{}</option>\n',  # select_option.html ends a line
                    option["value"],
                    attrs_html(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group:
                html.append("\n  </optgroup>")
        html.append("\n</select>")
        return mark_safe("".join(html))


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
    field_class = VillageChoiceField


class TaskFilter(ListFilterSet):
    village = VillageChoiceFilter(
        label=_("村"),
        queryset=scoped_choices(Village, visible_villages),
        empty_label=_("全部"),
        widget=JoinedSelect,
    )
    factor = django_filters.ChoiceFilter(label=_("脱贫要素"), choices=Factor.choices, empty_label=_("全部"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Status.choices, empty_label=_("全部"))
    overdue = django_filters.ChoiceFilter(
        label=_("逾期"), choices=YES_NO, empty_label=_("全部"), method="filter_flag"
    )
    reported = django_filters.ChoiceFilter(
        label=_("本周已填报"), choices=YES_NO, empty_label=_("全部"), method="filter_flag"
    )

    FLAG_FIELDS = {"overdue": "is_overdue", "reported": "reported_this_week"}

    class Meta:
        model = Task
        fields = ["village", "factor", "status", "overdue", "reported"]

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
