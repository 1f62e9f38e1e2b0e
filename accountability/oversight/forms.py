"""Forms and filter sets of the oversight pages: ratings (业绩下评, A3), inspections (督查,
A7–A9), accountability actions (问责, A10, C4) and the year-end page (C2, C4).

Every message is Chinese (English through the catalog) and sits next to its field."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accountability import periods
from accountability.filters import ListFilterSet, scoped_choices
from accountability.models import (
    AccountabilityAction,
    AnnualReport,
    Evaluation,
    Finding,
    HalfYearReview,
    Inspection,
    Rank,
)
from accountability.records.pickers import use_pickers
from villages.dates import FIRST_YEAR, LAST_YEAR, validate_year
from villages.models import Township, Village

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INVALID_CHOICE = _("选择无效：请从列表中选择。")


def period_start(cycle, year, period):
    """The first day of a rating period: quarter 1–4, half-year 1–2, or the year."""
    if cycle == Evaluation.Cycle.QUARTERLY:
        return periods.Quarter(year, period).start
    if cycle == Evaluation.Cycle.HALF_YEAR:
        return dt.date(year, 1 if period == 1 else 7, 1)
    return dt.date(year, 1, 1)


PERIODS_PER_CYCLE = {
    Evaluation.Cycle.QUARTERLY: 4,
    Evaluation.Cycle.HALF_YEAR: 2,
    Evaluation.Cycle.ANNUAL: 1,
}


def period_label(cycle, year, period):
    if cycle == Evaluation.Cycle.QUARTERLY:
        return _("%(year)s年第%(period)s季度") % {"year": year, "period": period}
    if cycle == Evaluation.Cycle.HALF_YEAR:
        half = _("上半年") if period == 1 else _("下半年")
        return _("%(year)s年%(half)s") % {"year": year, "half": half}
    return _("%(year)s年全年") % {"year": year}


class EvaluationPeriodForm(forms.Form):
    """Which period the grid rates: cycle, year and period number."""

    cycle = forms.ChoiceField(label=_("测评类型"), choices=Evaluation.Cycle.choices)
    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    period = forms.IntegerField(
        label=_("期次"), min_value=1, max_value=4, help_text=_("季度1–4，半年1–2，全年1")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].error_messages["invalid_choice"] = INVALID_CHOICE

    def clean(self):
        data = super().clean()
        cycle, year, period = data.get("cycle"), data.get("year"), data.get("period")
        if cycle and period and period > PERIODS_PER_CYCLE[cycle]:
            self.add_error(
                "period",
                _("%(cycle)s的期次只能是1到%(max)s。")
                % {"cycle": Evaluation.Cycle(cycle).label, "max": PERIODS_PER_CYCLE[cycle]},
            )
        elif cycle and year and period and period_start(cycle, year, period) > periods.today():
            self.add_error("period", _("这一期尚未开始，不能提前评定。"))
        return data

    def label(self):
        data = self.cleaned_data
        return period_label(data["cycle"], data["year"], data["period"])


class EvaluationRowForm(forms.Form):
    """One subject (a village party organization or a resident cadre) of the grid.
    ``subjects`` maps the ids the user may rate to their objects (loaded once per grid)."""

    subject = forms.IntegerField(widget=forms.HiddenInput)
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    score = forms.DecimalField(
        label=_("得分"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "min": "0", "max": "100", "inputmode": "decimal"}),
    )
    comment = forms.CharField(label=_("评语"), required=False, max_length=500, widget=forms.TextInput)

    def __init__(self, *args, subjects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects = subjects or {}
        self.fields["score"].error_messages.update(
            {
                "min_value": _("得分应在0到100之间。"),
                "max_value": _("得分应在0到100之间。"),
                "invalid": _("请输入数字得分，例如 86.5。"),
                "max_decimal_places": _("得分最多保留一位小数。"),
                "max_digits": _("得分应在0到100之间。"),
            }
        )

    def clean_subject(self):
        subject = self.subjects.get(self.cleaned_data["subject"])
        if subject is None:
            raise ValidationError(_("该对象不在您的评定范围内。"), code="out_of_scope")
        return subject

    @property
    def subject_object(self):
        """The subject this row shows, bound or not."""
        raw = self.data.get(self.add_prefix("subject")) if self.is_bound else self.initial.get("subject")
        try:
            return self.subjects.get(int(raw))
        except (TypeError, ValueError):
            return None

    def clean(self):
        data = super().clean()
        if data.get("score") is None and data.get("comment") and "score" not in self.errors:
            self.add_error("score", _("写了评语就要填写得分。"))
        return data


class BaseEvaluationGrid(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            subject = form.cleaned_data.get("subject")
            if subject in seen:
                raise ValidationError(_("同一对象在表中出现了两次。"))
            seen.add(subject)
        if not any(form.cleaned_data.get("score") is not None for form in self.forms):
            raise ValidationError(_("请至少为一个对象填写得分。"))


EvaluationGrid = forms.formset_factory(
    EvaluationRowForm, formset=BaseEvaluationGrid, extra=0, validate_max=True, max_num=1000
)


class InspectionForm(forms.ModelForm):
    class Meta:
        model = Inspection
        fields = [
            "kind",
            "spot_level",
            "held_on",
            "township",
            "village",
            "inspector",
            "inspected_cadre",
            "summary",
        ]
        widgets = {"held_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = Village.objects.select_related("township").order_by("code")
        self.fields["township"].queryset = Township.objects.order_by("code")
        use_pickers(self, cadres=["inspector", "inspected_cadre"])
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} {v.name}"
        for field in self.fields.values():
            if hasattr(field, "error_messages"):
                field.error_messages["invalid_choice"] = INVALID_CHOICE

    # The inspection rules are Inspection.clean()'s (the admin checks the same), run by the
    # ModelForm's validation.


class FindingForm(forms.Form):
    """One of the five must-check categories; a row without a severity was not checked."""

    category = forms.ChoiceField(label=_("必查类别"), choices=Finding.Category.choices)
    severity = forms.ChoiceField(
        label=_("问题程度"), required=False, choices=[("", "—")] + Finding.Severity.choices
    )
    description = forms.CharField(
        label=_("发现情况"),
        required=False,
        help_text=_("未检查的类别在此写明原因。"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    rectify_by = forms.DateField(
        label=_("整改时限"), required=False, widget=DATE_INPUT, validators=[validate_year]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["invalid_choice"] = INVALID_CHOICE
        self.fields["severity"].error_messages["invalid_choice"] = INVALID_CHOICE

    @property
    def is_checked(self):
        return bool(getattr(self, "cleaned_data", {}).get("severity"))

    def clean(self):
        data = super().clean()
        severity = data.get("severity")
        if not severity:
            if data.get("description") or data.get("rectify_by"):
                self.add_error("severity", _("填写了发现情况，请选择问题程度。"))
            return data
        finding = Finding(**{k: data.get(k) for k in ("category", "severity", "rectify_by")})
        finding.description = data.get("description") or ""
        try:
            finding.clean()  # the finding rules live in the model (the admin checks the same)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                if field in self.fields and field not in self.errors:
                    for message in messages:
                        self.add_error(field, message)
        return data


class BaseFindingFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.is_checked:
                continue
            category = form.cleaned_data["category"]
            if category in seen:
                raise ValidationError(
                    _("“%(category)s”填写了两次，每类只能有一条。")
                    % {"category": Finding.Category(category).label}
                )
            seen.add(category)

    def findings(self):
        return [
            {k: form.cleaned_data[k] for k in ("category", "severity", "description", "rectify_by")}
            for form in self.forms
            if form.is_checked
        ]


FindingFormSet = forms.formset_factory(
    FindingForm, formset=BaseFindingFormSet, extra=0, max_num=len(Finding.Category), validate_max=True
)


def finding_initial():
    return [{"category": value} for value in Finding.Category.values]


class FindingRectifyForm(forms.Form):
    """整改完成 of one finding: the day it was rectified (checked against the inspection date
    and today by ``oversight_services.rectify_finding``)."""

    rectified_on = forms.DateField(label=_("整改完成日期"), widget=DATE_INPUT, validators=[validate_year])

    def __init__(self, *args, finding, **kwargs):
        kwargs.setdefault("auto_id", f"id_finding_{finding.pk}_%s")
        super().__init__(*args, **kwargs)
        self.finding = finding
        self.fields["rectified_on"].error_messages["required"] = _("请填写整改完成日期。")
        self.fields["rectified_on"].widget.attrs["max"] = periods.today().isoformat()
        self.fields["rectified_on"].widget.attrs["min"] = finding.inspection.held_on.isoformat()


class ActionForm(forms.ModelForm):
    class Meta:
        model = AccountabilityAction
        # no rank: the action takes the cadre's (AccountabilityAction.clean)
        fields = ["kind", "cadre", "decided_on", "reason", "inspection", "task"]
        widgets = {"decided_on": DATE_INPUT, "reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspection"].queryset = Inspection.objects.select_related("township", "village")
        use_pickers(self, cadres=["cadre"], tasks=["task"])
        for field in self.fields.values():
            if hasattr(field, "error_messages"):
                field.error_messages["invalid_choice"] = INVALID_CHOICE

    # The action rules are AccountabilityAction.clean()'s, run by the ModelForm's validation.


class YearEndForm(forms.Form):
    """The supervisor's recompute button: the year comes from the URL and is checked here."""

    year = forms.IntegerField(min_value=FIRST_YEAR)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year > periods.today().year:
            raise ValidationError(_("不能计算尚未开始的年度。"))
        return year


class HalfYearReviewForm(forms.ModelForm):
    """半年研判 of a township, for the year of the page (the year is not a field: the review
    feeds that year's assessment). The rules are HalfYearReview.clean()'s."""

    class Meta:
        model = HalfYearReview
        fields = ["half", "township", "held_on", "verdict", "problems", "conclusions"]
        widgets = {
            "held_on": DATE_INPUT,
            "problems": forms.Textarea(attrs={"rows": 3}),
            "conclusions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.year = year
        self.fields["township"].queryset = Township.objects.order_by("code")
        for field in self.fields.values():
            if hasattr(field, "error_messages"):
                field.error_messages["invalid_choice"] = INVALID_CHOICE

    def validate_unique(self):
        # the year is not a field: check (year, half, township) with it, next to the township
        super().validate_unique()
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() - {"year"})
        except ValidationError:
            self.add_error("township", _("该乡镇本年度这半年已有半年研判。"))


class AnnualReportForm(forms.ModelForm):
    """全年述职 of a backbone cadre, for the year of the page. The rules are
    AnnualReport.clean()'s."""

    class Meta:
        model = AnnualReport
        fields = ["cadre", "delivered_on", "summary", "result"]
        widgets = {"delivered_on": DATE_INPUT, "summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, year, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.year = year
        # searchable among the backbone cadres only (the model's rule, AnnualReport.clean)
        use_pickers(self, cadres=["cadre"], cadre_roles=AnnualReport.REPORTING_ROLES)
        for field in self.fields.values():
            if hasattr(field, "error_messages"):
                field.error_messages["invalid_choice"] = INVALID_CHOICE

    def validate_unique(self):
        super().validate_unique()
        try:
            self.instance.validate_constraints(exclude=self._get_validation_exclusions() - {"year"})
        except ValidationError:
            self.add_error("cadre", _("该干部本年度已有全年述职。"))


class EvaluationFilter(ListFilterSet):
    year = django_filters.NumberFilter(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    cycle = django_filters.ChoiceFilter(
        label=_("测评类型"), choices=Evaluation.Cycle.choices, empty_label=_("全部")
    )
    period = django_filters.ChoiceFilter(
        label=_("期次"), choices=[(n, str(n)) for n in range(1, 5)], empty_label=_("全部")
    )
    level = django_filters.ChoiceFilter(
        label=_("评定层级"), choices=Evaluation.Level.choices, empty_label=_("全部")
    )

    class Meta:
        model = Evaluation
        fields = ["year", "cycle", "period", "level"]


def visible_townships(user):
    """Townships of the inspections the user sees (``Inspection.objects.for_user``)."""
    ids = Inspection.objects.for_user(user).values("township_id")
    return Township.objects.filter(pk__in=ids).order_by("code")


class InspectionFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("督查类型"), choices=Inspection.Kind.choices, empty_label=_("全部")
    )
    problem = django_filters.ChoiceFilter(
        label=_("存在问题的类别"),
        choices=Finding.Category.choices,
        empty_label=_("全部"),
        method="filter_problem",
    )
    rectification = django_filters.ChoiceFilter(
        label=_("整改"),
        choices=Finding.Rectification.choices,
        empty_label=_("全部"),
        method="filter_rectification",
    )
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"), queryset=scoped_choices(Township, visible_townships), empty_label=_("全部")
    )
    held_from = django_filters.DateFilter(
        label=_("开始日期"), field_name="held_on", lookup_expr="gte", widget=DATE_INPUT
    )
    held_to = django_filters.DateFilter(
        label=_("结束日期"), field_name="held_on", lookup_expr="lte", widget=DATE_INPUT
    )

    class Meta:
        model = Inspection
        fields = ["kind", "problem", "rectification", "township", "held_from", "held_to"]

    def filter_problem(self, queryset, name, value):
        if not value:
            return queryset
        problems = Finding.objects.with_problem().filter(category=value)
        return queryset.filter(pk__in=problems.values("inspection_id"))

    def filter_rectification(self, queryset, name, value):
        """未整改 / 逾期未整改: a finding with a problem in that state; 已整改: findings with
        problems, every one of them rectified."""
        if not value:
            return queryset
        problems = Finding.objects.with_problem()
        pending = problems.filter(rectified_on__isnull=True)
        today = periods.today()
        if value == Finding.Rectification.OVERDUE:
            return queryset.filter(pk__in=Finding.objects.overdue_on(today).values("inspection_id"))
        if value == Finding.Rectification.OPEN:
            on_time = pending.filter(Q(rectify_by__isnull=True) | Q(rectify_by__gte=today))
            return queryset.filter(pk__in=on_time.values("inspection_id"))
        return queryset.filter(pk__in=problems.values("inspection_id")).exclude(
            pk__in=pending.values("inspection_id")
        )


class ActionFilter(ListFilterSet):
    kind = django_filters.ChoiceFilter(
        label=_("问责方式"), choices=AccountabilityAction.Kind.choices, empty_label=_("全部")
    )
    rank = django_filters.ChoiceFilter(label=_("职级类别"), choices=Rank.choices, empty_label=_("全部"))
    year = django_filters.NumberFilter(
        label=_("年度"),
        field_name="decided_on",
        lookup_expr="year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )

    class Meta:
        model = AccountabilityAction
        fields = ["kind", "rank", "year"]
