"""django-filter filter sets of the task list and the problem list."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.models import Factor, Problem, Task
from accountability.tasks.selectors import Status
from villages.models import Village

YES_NO = [("yes", _("是")), ("no", _("否"))]


def visible_villages(request):
    """Villages of the townships whose tasks the user sees."""
    if request is None:
        return Village.objects.none()
    township_ids = Task.objects.for_user(request.user).values("township_id")
    return Village.objects.filter(township_id__in=township_ids).order_by("code")


def problem_villages(request):
    """Villages the user may filter his problem list by: those of the problems he sees,
    through the one scoping method (``Problem.objects.for_user``)."""
    if request is None:
        return Village.objects.none()
    village_ids = Problem.objects.for_user(request.user).values("village_id")
    return Village.objects.filter(pk__in=village_ids).order_by("code")


class ListFilter(django_filters.FilterSet):
    """A filter set whose refused choices say so in Chinese; the view then shows no rows."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("筛选条件无效：请从列表中选择。")
        return form


class TaskFilter(ListFilter):
    village = django_filters.ModelChoiceFilter(
        label=_("村"), queryset=visible_villages, empty_label=_("全部")
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


class ProblemFilter(ListFilter):
    status = django_filters.ChoiceFilter(
        label=_("状态"),
        choices=[("open", _("未解决")), ("closed", _("已解决"))],
        empty_label=_("全部"),
        method="filter_status",
    )
    village = django_filters.ModelChoiceFilter(
        label=_("村"), queryset=problem_villages, empty_label=_("全部")
    )
    factor = django_filters.ChoiceFilter(label=_("脱贫要素"), choices=Factor.choices, empty_label=_("全部"))

    class Meta:
        model = Problem
        fields = ["status", "village", "factor"]

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(closed_on__isnull=value == "open")
