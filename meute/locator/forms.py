from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.core.models import Organization, Sector, Territory
from meute.locator.choices import EnquiryStatus
from meute.locator.models import Enquiry, Label, LocatorProfile
from meute.programs.models import Program, Tier


class LocatorSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or city"), required=False, max_length=100)
    partner_type = forms.ChoiceField(label=_("Partner type"), required=False)
    tier = forms.ChoiceField(label=_("Tier"), required=False)
    territory = forms.ChoiceField(label=_("Territory"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    label = forms.ChoiceField(label=_("Label"), required=False)

    def __init__(self, *args, tiers=(), **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["partner_type"].choices = every + list(PartnerType.choices)
        self.fields["tier"].choices = every + [(str(t.uuid), f"{t.name} ({t.program.name})") for t in tiers]
        self.fields["territory"].choices = every + list(
            Territory.objects.order_by("name").values_list("code", "name")
        )
        self.fields["sector"].choices = every + list(
            Sector.objects.order_by("name").values_list("code", "name")
        )
        self.fields["label"].choices = every + list(
            Label.objects.filter(is_public=True).order_by("name").values_list("code", "name")
        )


class EnquiryForm(forms.ModelForm):
    # A field people never see: robots that fill every field give themselves away.
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Enquiry
        fields = ["name", "company", "email", "phone", "message"]
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["message"].label = _("Your message")

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))


class LocatorProfileForm(forms.ModelForm):
    class Meta:
        model = LocatorProfile
        fields = ["opt_in", "public_description"]
        widgets = {"public_description": forms.Textarea(attrs={"rows": 4})}


class EnquiryStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=EnquiryStatus.choices)


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
