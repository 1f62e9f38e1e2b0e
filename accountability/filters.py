"""The base of every list page's django-filter filter set (tasks, problems, ratings,
inspections, accountability actions): what they share is written once here.

- A refused value (a choice not on the list, a village outside the user's scope, a bad number
  or date) gets a Chinese message next to the field, and the list shows no rows
  (``ListFilterSet.rows``), never the unfiltered list.
- Choices of places are scoped to the user through the one scoping method of the rows the
  list shows (``scoped_choices``), so another township's village is refused, not offered.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

INVALID_CHOICE = _("筛选条件无效：请从列表中选择。")
INVALID_VALUE = _("筛选条件无效：请输入正确的数字或日期。")


def scoped_choices(model, build):
    """A ``ModelChoiceFilter`` queryset callable: ``build(user)`` for the request's user,
    no choices without a request."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return build(request.user)

    return queryset


class ListFilterSet(django_filters.FilterSet):
    """A list's filter set: Chinese messages for refused values, and ``rows``."""

    @property
    def form(self):
        form = super().form
        for field in form.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = INVALID_CHOICE
            # NumberFilter's DecimalField is an IntegerField
            if isinstance(field, forms.IntegerField | forms.DateField):
                field.error_messages["invalid"] = INVALID_VALUE
        return form

    @property
    def rows(self):
        """The filtered rows, or none when the filter itself is refused (its errors are shown)."""
        if self.is_bound and not self.is_valid():
            return self.queryset.none()
        return self.qs
