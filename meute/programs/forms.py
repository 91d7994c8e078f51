"""Forms of the programme pages. Rules (tier consistency, one tier per programme) live in the models."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from meute.core.forms import FileImportForm, StyledFormMixin
from meute.partnerships.models import Partnership

from .choices import CertifiedRole
from .models import BusinessPlan, Objective, PartnerTier, Program, ProgramCost, ProgramPartnerType, Tier


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class ProgramForm(StyledFormMixin, forms.ModelForm):
    benefits = forms.CharField(
        label=_("Benefits catalogue"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One benefit per line: pre-sales support, margins, sales tools, marketing support, …"),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "code",
            "value_proposition",
            "benefits",
            "segmentation_rules",
            "currency",
            "revenue_target",
            "evaluation_months",
            "auto_apply",
            "demotion_grace_days",
            "tier_validity_days",
            "is_active",
        ]
        widgets = {
            "value_proposition": forms.Textarea(attrs={"rows": 4}),
            "segmentation_rules": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["benefits"] = "\n".join(self.instance.benefits or [])

    def clean_benefits(self):
        return _lines(self.cleaned_data.get("benefits"))


PartnerTypeFormSet = inlineformset_factory(
    Program,
    ProgramPartnerType,
    fields=["partner_type", "rights", "obligations"],
    widgets={"rights": forms.Textarea(attrs={"rows": 2}), "obligations": forms.Textarea(attrs={"rows": 2})},
    extra=1,
    can_delete=True,
)

CostFormSet = inlineformset_factory(
    Program, ProgramCost, fields=["year", "category", "amount"], extra=1, can_delete=True
)


class TierForm(StyledFormMixin, forms.ModelForm):
    custom_thresholds = forms.CharField(
        label=_("Custom metric thresholds"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: metric code = minimum, e.g. “demos = 10”."),
    )
    labels = forms.CharField(
        label=_("Labels"), required=False, help_text=_("Comma-separated, e.g. “Certified expert, Cloud”.")
    )

    class Meta:
        model = Tier
        fields = [
            "name",
            "rank",
            "description",
            "min_revenue",
            "min_won_deals",
            "min_satisfaction",
            "custom_thresholds",
            "margin_percent",
            "mdf_percent",
            "protection_days",
            "lead_weight",
            "locator_listing",
            "labels",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.role_fields = []
        for role, label in CertifiedRole.choices:
            name = f"certified_{role}"
            self.fields[name] = forms.IntegerField(
                label=_("Certified people: %(role)s") % {"role": label}, required=False, min_value=0
            )
            self.role_fields.append(name)
            if not self.is_bound:
                self.initial[name] = (self.instance.min_certified or {}).get(role)
        if not self.is_bound:
            self.initial["custom_thresholds"] = "\n".join(
                f"{code} = {value}" for code, value in (self.instance.custom_thresholds or {}).items()
            )
            self.initial["labels"] = ", ".join(self.instance.labels or [])

    def clean_custom_thresholds(self):
        thresholds = {}
        for line in _lines(self.cleaned_data.get("custom_thresholds")):
            code, sep, value = line.partition("=")
            try:
                if not sep or not code.strip():
                    raise InvalidOperation
                thresholds[code.strip()] = str(Decimal(value.strip().replace(",", ".")))
            except InvalidOperation as exc:
                raise forms.ValidationError(
                    _("Write each threshold as “code = number”: “%(line)s” is not.") % {"line": line}
                ) from exc
        return thresholds

    def clean_labels(self):
        return [
            label.strip() for label in (self.cleaned_data.get("labels") or "").split(",") if label.strip()
        ]

    def _post_clean(self):
        certified = {}
        for role, _label in CertifiedRole.choices:
            value = self.cleaned_data.get(f"certified_{role}")
            if value:
                certified[role] = value
        self.instance.min_certified = certified
        super()._post_clean()


class EnrolForm(StyledFormMixin, forms.ModelForm):
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), to_field_name="uuid"
    )

    class Meta:
        model = PartnerTier
        fields = ["partnership", "partner_type"]

    def __init__(self, *args, program, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.program = program
        self.fields["partnership"].queryset = Partnership.objects.visible_to(user).exclude(
            program_tiers__program=program
        )


class BusinessPlanForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = BusinessPlan
        fields = ["letter_of_intent_date", "target_contract_date", "status", "currency", "summary"]
        widgets = {
            "letter_of_intent_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "target_contract_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 4}),
        }


class ObjectiveForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["year", "quarter", "kind", "metric", "target"]


class VersionForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("What changed"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class RevenueImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or .xlsx; columns partnership, period, amount, …")
    )


class CertifiedImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or .xlsx; columns email, certification, role, valid_until")
    )
