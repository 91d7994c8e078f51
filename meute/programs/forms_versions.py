"""The form of a scheduled tier rule version: the requirement and benefit fields of the tier form, and the
date the rules apply from. The rules themselves are checked by ``rule_versions``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.forms import StyledFormMixin

from .choices import CertifiedRole
from .forms import TierForm
from .models import Tier
from .rule_versions import RULE_FIELDS


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
