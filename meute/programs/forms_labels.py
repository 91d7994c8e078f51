from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.core.models import Organization, Territory

from .models import Label, Program, Tier


class LabelForm(forms.ModelForm):
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"),
        choices=PartnerType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Label
        fields = [
            "name",
            "code",
            "description",
            "kind",
            "is_public",
            "validity_days",
            "program",
            "min_tier",
            "min_certified",
            "min_revenue",
            "partner_types",
            "regions",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = Program.objects.order_by("name")
        self.fields["min_tier"].queryset = Tier.objects.select_related("program").order_by(
            "program__name", "rank"
        )
        self.fields["min_tier"].label_from_instance = lambda t: f"{t.program.name} — {t.name}"
        self.fields["regions"].queryset = Territory.objects.order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("kind") == "rule":
            has = (
                data.get("min_tier")
                or data.get("min_certified") is not None
                or data.get("min_revenue") is not None
                or data.get("partner_types")
                or data.get("regions")
            )
            if not has:
                raise forms.ValidationError(_("A label awarded by rule needs at least one criterion."))
        return data


class AwardForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Partner"), queryset=Organization.objects.none())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.partners().order_by("name")
