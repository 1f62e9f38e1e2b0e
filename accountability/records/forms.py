"""Forms and filter sets of the supervisors' recording pages: contracts (A2), TV exposures
(A7), commendations and promotions (C4). The rules are the models' (``clean()`` and named
constraints, run by the ModelForms' validation; the admin checks the same). Every message is
Chinese (English through the catalog) and sits next to its field."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from accountability.filters import ListFilterSet, scoped_choices
from accountability.models import Commendation, Contract, Exposure
from accountability.records.pickers import use_pickers
from villages.dates import FIRST_YEAR, LAST_YEAR
from villages.models import Township, Village
from villages.scope import UserScope

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
INVALID_CHOICE = _("选择无效：请从列表中选择。")


class VersionedForm(forms.ModelForm):
    """A ModelForm whose edits carry the version the editor saw (optimistic locking, see
    ``records.services.update_record``)."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
        for field in self.fields.values():
            if hasattr(field, "error_messages"):
                field.error_messages["invalid_choice"] = INVALID_CHOICE

    def data_for_save(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class ContractForm(VersionedForm):
    class Meta:
        model = Contract
        fields = [
            "party",
            "year",
            "township",
            "village",
            "signed_by",
            "signed_on",
            "target_households",
            "target_people",
            "target_villages",
            "target_tasks",
            "target_funds",
            "township_exit",
        ]
        widgets = {"signed_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.order_by("code")
        self.fields["village"].queryset = Village.objects.select_related("township").order_by("code")
        self.fields["village"].label_from_instance = lambda v: f"{v.township.name} {v.name}"
        self.fields["village"].help_text = _("乡镇党委的责任书不选村。")
        use_pickers(self, cadres=["signed_by"])


class ExposureForm(VersionedForm):
    class Meta:
        model = Exposure
        fields = ["kind", "aired_on", "programme", "township", "title", "task"]
        widgets = {"aired_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.order_by("code")
        self.fields["programme"].help_text = _("例如：赤水电视台《电视问政》")
        use_pickers(self, tasks=["task"])


class CommendationForm(VersionedForm):
    class Meta:
        model = Commendation
        fields = ["kind", "cadre", "decided_on", "title"]
        widgets = {"decided_on": DATE_INPUT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_pickers(self, cadres=["cadre"])


def contract_townships(user):
    ids = Contract.objects.for_user(user).values("township_id")
    return Township.objects.filter(pk__in=ids).order_by("code")


def exposure_townships(user):
    ids = UserScope.of(user).filter(Township.objects.all(), township=["id"]).values("id")
    return Township.objects.filter(pk__in=ids).order_by("code")


def all_townships(user):
    return Township.objects.order_by("code")


class ContractFilter(ListFilterSet):
    year = django_filters.NumberFilter(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"), queryset=scoped_choices(Township, contract_townships), empty_label=_("全部")
    )
    party = django_filters.ChoiceFilter(
        label=_("签订方"), choices=Contract.Party.choices, empty_label=_("全部")
    )
    signer = django_filters.CharFilter(
        label=_("签订人"), field_name="signed_by__name", lookup_expr="icontains", max_length=32
    )

    class Meta:
        model = Contract
        fields = ["year", "township", "party", "signer"]


class ExposureFilter(ListFilterSet):
    year = django_filters.NumberFilter(
        label=_("年度"), field_name="aired_on", lookup_expr="year", min_value=FIRST_YEAR, max_value=LAST_YEAR
    )
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=Exposure.Kind.choices, empty_label=_("全部"))
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"), queryset=scoped_choices(Township, exposure_townships), empty_label=_("全部")
    )

    class Meta:
        model = Exposure
        fields = ["year", "kind", "township"]


class CommendationFilter(ListFilterSet):
    year = django_filters.NumberFilter(
        label=_("年度"),
        field_name="decided_on",
        lookup_expr="year",
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
    )
    kind = django_filters.ChoiceFilter(
        label=_("类型"), choices=Commendation.Kind.choices, empty_label=_("全部")
    )
    township = django_filters.ModelChoiceFilter(
        label=_("乡镇"),
        field_name="cadre__township",
        queryset=scoped_choices(Township, all_townships),
        empty_label=_("全部"),
    )

    class Meta:
        model = Commendation
        fields = ["year", "kind", "township"]
