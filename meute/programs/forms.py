"""Forms of the programme pages: programmes, tiers and their scheduled rules, members, business plans,
partner metrics, ambassadors and the import uploads."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from meute.core.choices import UserRole
from meute.core.forms import FileImportForm, StyledFormMixin
from meute.core.models import Territory
from meute.partnerships.models import Partnership

from . import rule_versions
from .choices import CertifiedRole
from .metrics import is_code, normalize_code
from .models import (
    Ambassador,
    BusinessPlan,
    Objective,
    PartnerMetric,
    PartnerTier,
    Program,
    ProgramCost,
    ProgramPartnerType,
    Tier,
)
from .rule_versions import RULE_FIELDS


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
        if not self.errors:
            try:
                rule_versions.check_tier_edit(self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


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


def _tier_field(name):
    return Tier._meta.get_field(name).formfield()


class TierRuleVersionForm(StyledFormMixin, forms.Form):
    effective_from = forms.DateField(
        label=_("Effective from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "A date after today. Until then, the rules in force stay as they are. Partners see the "
            "announced change on their portal."
        ),
    )
    min_revenue = _tier_field("min_revenue")
    min_won_deals = _tier_field("min_won_deals")
    min_satisfaction = _tier_field("min_satisfaction")
    custom_thresholds = TierForm.declared_fields["custom_thresholds"]
    margin_percent = _tier_field("margin_percent")
    mdf_percent = _tier_field("mdf_percent")
    protection_days = _tier_field("protection_days")
    lead_weight = _tier_field("lead_weight")
    locator_listing = _tier_field("locator_listing")
    labels = TierForm.declared_fields["labels"]

    # The same parsing as the tier form.
    clean_custom_thresholds = TierForm.clean_custom_thresholds
    clean_labels = TierForm.clean_labels

    def __init__(self, *args, values: dict, effective_from=None, **kwargs):
        """``values``: the tier field values to start from (the version's, or the rules in force)."""
        super().__init__(*args, **kwargs)
        self.role_fields = []
        for role, label in CertifiedRole.choices:
            name = f"certified_{role}"
            self.fields[name] = forms.IntegerField(
                label=_("Certified people: %(role)s") % {"role": label}, required=False, min_value=0
            )
            self.role_fields.append(name)
        if not self.is_bound:
            for name in RULE_FIELDS:
                if name in self.fields:
                    self.initial[name] = values.get(name)
            for role, _label in CertifiedRole.choices:
                self.initial[f"certified_{role}"] = (values.get("min_certified") or {}).get(role)
            self.initial["custom_thresholds"] = "\n".join(
                f"{code} = {value}" for code, value in (values.get("custom_thresholds") or {}).items()
            )
            self.initial["labels"] = ", ".join(values.get("labels") or [])
            self.initial["effective_from"] = effective_from

    def rule_values(self) -> dict:
        """Tier field values for ``rule_versions``."""
        values = {name: self.cleaned_data.get(name) for name in RULE_FIELDS if name in self.fields}
        values["min_certified"] = {
            role: self.cleaned_data[f"certified_{role}"]
            for role, _label in CertifiedRole.choices
            if self.cleaned_data.get(f"certified_{role}")
        }
        return values


class PartnerMetricForm(StyledFormMixin, forms.ModelForm):
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), to_field_name="uuid"
    )
    # Any spelling ("Won deals") is accepted and normalised to a code (won_deals), then checked.
    metric = forms.CharField(
        label=_("Metric code"),
        max_length=60,
        widget=forms.TextInput(attrs={"list": "metric-codes", "autocomplete": "off"}),
        help_text=_("“won_deals”, “satisfaction” (a score from 0 to 10) or a custom metric code."),
    )

    class Meta:
        model = PartnerMetric
        fields = ["partnership", "metric", "period", "value"]
        widgets = {
            "period": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "period": _("The day the value was measured, or the first day of its month."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.visible_to(user).order_by("name")
        if self.instance.pk and not self.is_bound:
            self.initial["partnership"] = self.instance.partnership  # shown by its uuid, not its key

    def clean_metric(self):
        code = normalize_code(self.cleaned_data.get("metric") or "")
        if len(code) > 50 or not is_code(code):
            raise forms.ValidationError(
                _("“%(code)s” is not a metric code: letters, digits, “-” and “_”, at most 50.")
                % {"code": self.cleaned_data.get("metric")}
            )
        return code


class MetricImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or .xlsx; columns partnership, metric, period, value")
    )


class AmbassadorForm(forms.ModelForm):
    class Meta:
        model = Ambassador
        fields = ["user", "territory", "program", "message", "contact_email", "contact_phone", "is_active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(role=UserRole.PARTNER)
            .order_by("last_name", "username")
        )
        self.fields["user"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["territory"].queryset = Territory.objects.order_by("name")
        self.fields["program"].queryset = Program.objects.order_by("name")
