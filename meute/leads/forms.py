"""Forms of the lead pages: the lead itself (staff), the partner's answer, closing, conversion, import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.forms import MultiCheckbox, StyledFormMixin
from meute.core.models import ProductLine, Sector, Territory

from .models import Lead


class LeadForm(StyledFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    siren = forms.CharField(label=_("SIREN"), required=False, max_length=20)
    vat_number = forms.CharField(label=_("VAT number"), required=False, max_length=24)
    territory = forms.ModelChoiceField(
        label=_("Territory"), queryset=Territory.objects.all(), required=False, to_field_name="code"
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="code"
    )
    product_lines = forms.ModelMultipleChoiceField(
        label=_("Product lines"),
        queryset=ProductLine.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
        widget=MultiCheckbox,
    )
    route_now = forms.BooleanField(
        label=_("Route it now"), required=False, help_text=_("Offer it at once to the best eligible partner.")
    )

    class Meta:
        model = Lead
        fields = [
            "company_name",
            "siren",
            "vat_number",
            "website",
            "address",
            "postal_code",
            "city",
            "country",
            "territory",
            "sector",
            "product_lines",
            "amount",
            "currency",
            "contact_name",
            "contact_email",
            "contact_phone",
            "description",
            "source",
            "required_partner_type",
            "required_certification",
            "min_certified_people",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["route_now"]


class DeclineForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CloseForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Closing note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConvertForm(StyledFormMixin, forms.Form):
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("Leave empty to keep the lead's estimated amount."),
    )


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("File (CSV or .xlsx)"))
    route_now = forms.BooleanField(label=_("Route the imported leads now"), required=False)
