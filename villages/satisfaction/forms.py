"""Forms of the satisfaction pages: opening a round, one household's 23 answers, the year
of the results pages, and the outreach and outcome records (C2, C5). The rules are the
models' (``full_clean``); messages are Chinese and sit next to their field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from villages.models import LivelihoodOutcome, OutreachEvent, SurveyAnswer, SurveyRound, Village

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MIN_YEAR, MAX_YEAR = 2000, 2100


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=MIN_YEAR, max_value=MAX_YEAR)


class RoundForm(forms.ModelForm):
    """A supervisor opens a round: year, number 1–3 and its dates."""

    class Meta:
        model = SurveyRound
        fields = ["year", "number", "held_on", "ends_on"]
        widgets = {"held_on": DATE_INPUT, "ends_on": DATE_INPUT}
        labels = {"held_on": _("开始日期")}


LEVEL_CHOICES = [(level.value, level.label) for level in reversed(SurveyAnswer.Level)]


class AnswersForm(forms.Form):
    """One household's answers, one radio group per livelihood item (满意 / 基本满意 / 不满意).
    An item left empty was not asked; at least one must be answered."""

    def __init__(self, *args, items, initial_levels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"item_{item.code}"] = forms.TypedChoiceField(
                label=item.name,
                choices=LEVEL_CHOICES,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect,
                initial=(initial_levels or {}).get(item.pk),
                error_messages={"invalid_choice": _("请选择满意、基本满意或不满意。")},
            )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and all(cleaned.get(f"item_{i.code}") is None for i in self.items):
            raise forms.ValidationError(_("至少要填写一项满意度。"))
        return cleaned

    def levels(self):
        """{item id: level or None}"""
        return {item.pk: self.cleaned_data.get(f"item_{item.code}") for item in self.items}

    def rows(self):
        return [self[f"item_{item.code}"] for item in self.items]


class OutreachForm(forms.ModelForm):
    class Meta:
        model = OutreachEvent
        fields = ["code", "kind", "title", "township", "village", "held_on", "attendance"]
        widgets = {"held_on": DATE_INPUT}


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = LivelihoodOutcome
        fields = ["code", "kind", "village", "people", "started_on", "note"]
        widgets = {"started_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.select_related("township").order_by("code")
