"""The reminders' record filter and a supervisor's 催报 form (weekly dashboard)."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accountability.filters import ListFilterSet
from accountability.models import Reminder
from accountability.periods import PeriodError, Week
from villages.models import Township


class WeekField(forms.CharField):
    """An ISO week (2016-W23) as the Monday's date, with the periods' own Chinese message."""

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        try:
            return Week.parse(value).start
        except PeriodError as exc:
            raise ValidationError(str(exc.args[0])) from None


class WeekFilter(django_filters.Filter):
    field_class = WeekField


class ReminderFilter(ListFilterSet):
    week = WeekFilter(label=_("周（如 2016-W23）"), field_name="week")
    kind = django_filters.ChoiceFilter(
        label=_("提醒类型"), choices=Reminder.Kind.choices, empty_label=_("全部")
    )
    channel = django_filters.ChoiceFilter(
        label=_("渠道"), choices=Reminder.Channel.choices, empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=Reminder.Status.choices, empty_label=_("全部")
    )
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"), queryset=Township.objects.order_by("code"), empty_label=_("全部")
    )

    class Meta:
        model = Reminder
        fields = ["week", "kind", "channel", "status", "township"]


class ManualReminderForm(forms.Form):
    """Which task (its code) or township (its code) to remind; exactly one."""

    task = forms.CharField(required=False, max_length=32)
    township = forms.CharField(required=False, max_length=32)
    next = forms.CharField(required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if bool(data.get("task")) == bool(data.get("township")):
            raise ValidationError(_("请指定一项任务或一个乡镇进行催报。"))
        return data
