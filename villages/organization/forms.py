"""Forms of the organization recording pages. Validation is the models' own (``clean()`` and
constraints, run by ModelForm's full_clean) — the admin and the registry import hit the same
rules. A township secretary's forms only offer his township and its villages."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from villages.models import (
    Cadre,
    CollectiveProject,
    EconomicOrganization,
    Household,
    PairingProject,
    PartyOrganization,
    Township,
    Unit,
    Village,
    VillageFinance,
    WorkTeam,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"})


class CodeChoiceField(forms.ModelChoiceField):
    """A row picked by its code typed in a text box (thousands of cadres or households do not
    fit a select on a phone)."""

    widget = forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"})

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("编号“%(value)s”不存在，或不在您可以填报的范围内。")}
        )
        super().__init__(queryset, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):  # an instance's stored pk, shown as its code
            found = self.queryset.filter(pk=value).values_list("code", flat=True).first()
            return found or value
        return super().prepare_value(value)


class ScopedForm(forms.ModelForm):
    """``township``: the township a secretary records for (None for admins: the county)."""

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.township = township
        villages = Village.objects.select_related("township").order_by("code")
        if township is not None:
            villages = villages.filter(township=township)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField) and field.queryset.model is Village:
                field.queryset = villages
            elif isinstance(field, forms.ModelChoiceField) and field.queryset.model is Township:
                field.queryset = (
                    Township.objects.filter(pk=township.pk) if township else Township.objects.all()
                )
                if township is not None:
                    field.initial = township.pk
            if isinstance(field.widget, forms.DateInput):
                field.widget = DATE


class PartyOrganizationForm(ScopedForm):
    secretary = CodeChoiceField(Cadre.objects.all(), label=_("书记编号"), required=False)

    class Meta:
        model = PartyOrganization
        fields = ["code", "name", "level", "township", "village", "secretary"]


class EconomicOrganizationForm(ScopedForm):
    instructor = CodeChoiceField(
        Cadre.objects.all(), label=_("党建指导员编号"), required=False, help_text=_("选派党建指导员时必填。")
    )

    class Meta:
        model = EconomicOrganization
        fields = [
            "code",
            "name",
            "kind",
            "township",
            "village",
            "coverage",
            "party_organization",
            "instructor",
        ]
        help_texts = {"party_organization": _("单独或联合建立党组织时必填。")}

    def __init__(self, *args, township=None, **kwargs):
        super().__init__(*args, township=township, **kwargs)
        orgs = PartyOrganization.objects.select_related("township").order_by("township__code", "name")
        if township is not None:
            orgs = orgs.filter(township=township)
        self.fields["party_organization"].queryset = orgs
        if township is not None:
            self.fields["township"].required = True


class WorkTeamForm(ScopedForm):
    sent_by = forms.ModelChoiceField(Unit.objects.order_by("name"), label=_("派出单位"), required=False)

    class Meta:
        model = WorkTeam
        fields = ["village", "sent_by", "started_on", "ends_on", "withdrawn_on", "reserve_cadres_trained"]
        help_texts = {
            "ends_on": _("驻村两年，全脱产。"),
            "withdrawn_on": _("不脱钩不撤回：村出列后才能撤回。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = self.fields["village"].queryset.filter(poverty=True)
        if self.instance.pk:
            self.fields["village"].disabled = True


class TeamMemberForm(forms.ModelForm):
    """A resident cadre of a work team; the view places him in the team's village."""

    class Meta:
        model = Cadre
        fields = ["code", "name", "team_slot", "unit", "phone"]
        widgets = {"phone": forms.TextInput(attrs={"inputmode": "tel"})}

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team_slot"].required = True
        self.fields["unit"].queryset = Unit.objects.order_by("name")
        self.instance.role = Cadre.Role.RESIDENT_CADRE
        self.instance.village = team.village
        self.instance.township_id = team.village.township_id


class PairingProjectForm(ScopedForm):
    household = CodeChoiceField(
        Household.objects.all(), label=_("结对户编号"), required=False, help_text=_("与一户结对时填写。")
    )

    class Meta:
        model = PairingProject
        fields = ["code", "name", "enterprise", "village", "household", "funds", "started_on"]
        widgets = {"funds": MONEY}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = EconomicOrganization.objects.order_by("name")


class CollectiveProjectForm(ScopedForm):
    household_codes = forms.CharField(
        label=_("覆盖贫困户编号"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个户编号，也可用空格或逗号分隔。"),
    )

    class Meta:
        model = CollectiveProject
        fields = ["code", "name", "village", "year", "fiscal_funds", "loan_subsidy"]
        widgets = {"fiscal_funds": MONEY, "loan_subsidy": MONEY}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            codes = self.instance.households.order_by("code").values_list("code", flat=True)
            self.initial["household_codes"] = "\n".join(codes)

    def clean_household_codes(self):
        codes = list(
            dict.fromkeys(c for c in re.split(r"[\s,，、;；]+", self.cleaned_data["household_codes"]) if c)
        )
        found = {h.code: h for h in Household.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(_("户编号不存在：%(codes)s") % {"codes": "、".join(missing[:10])})
        return [found[c] for c in codes]

    def _post_clean(self):
        super()._post_clean()
        households = self.cleaned_data.get("household_codes")
        if households and self.instance.village_id:
            try:
                self.instance.clean_households(households)
            except ValidationError as exc:
                self.add_error("household_codes", exc.message_dict["households"])


class VillageFinanceForm(ScopedForm):
    class Meta:
        model = VillageFinance
        fields = ["village", "year", "cadre_pay_monthly", "office_funds", "collective_accumulation"]
        widgets = {"cadre_pay_monthly": MONEY, "office_funds": MONEY, "collective_accumulation": MONEY}
