"""Forms of the deal pages: the registration (customer, contact, deal) and the manager's decisions."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from meute.core.forms import MultiCheckbox, StyledFormMixin
from meute.core.models import ProductLine, Sector
from meute.partnerships.models import Partnership

from .choices import Currency
from .workflow import RegistrationData

CUSTOMER_FIELDS = (
    "customer_name",
    "siren",
    "siret",
    "vat_number",
    "website",
    "address",
    "postal_code",
    "city",
    "country",
    "sector",
)
CONTACT_FIELDS = ("contact_name", "contact_email", "contact_phone", "contact_title")
DEAL_FIELDS = ("title", "product_lines", "amount", "currency", "expected_close_date", "notes")


class RegistrationForm(StyledFormMixin, forms.Form):
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), to_field_name="uuid"
    )
    customer_name = forms.CharField(label=_("Customer company name"), max_length=200)
    siren = forms.CharField(label=_("SIREN"), required=False, max_length=20)
    siret = forms.CharField(label=_("SIRET"), required=False, max_length=24)
    vat_number = forms.CharField(label=_("VAT number"), required=False, max_length=24)
    website = forms.CharField(label=_("Website"), required=False, max_length=200)
    address = forms.CharField(label=_("Address"), required=False, max_length=255)
    postal_code = forms.CharField(label=_("Postal code"), required=False, max_length=12)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    country = LazyTypedChoiceField(label=_("Country"), choices=countries, initial="FR")
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.all(), required=False, to_field_name="code"
    )
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=150)
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=24)
    contact_title = forms.CharField(label=_("Contact job title"), required=False, max_length=150)
    title = forms.CharField(label=_("Opportunity"), required=False, max_length=200)
    product_lines = forms.ModelMultipleChoiceField(
        label=_("Product lines"),
        queryset=ProductLine.objects.filter(is_active=True),
        to_field_name="code",
        widget=MultiCheckbox,
    )
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    currency = forms.ChoiceField(label=_("Currency"), choices=Currency.choices, initial=Currency.EUR)
    expected_close_date = forms.DateField(
        label=_("Expected close date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    # The registration offers only what the chosen partnership allows; the live check (``CheckForm``)
    # accepts anything so that it can say what registration would refuse.
    scoped = True

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        partnerships = Partnership.objects.visible_to(user).order_by("name")
        self.fields["partnership"].queryset = partnerships
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            if user is not None and user.is_partner_user and partnerships.count() == 1:
                self.initial.setdefault("partnership", partnerships.first().uuid)
        self.chosen_partnership = self._chosen(partnerships)
        if (
            self.chosen_partnership is None
            and not self.is_bound
            and user is not None
            and user.is_partner_user
        ):
            # An address naming a partnership the partner cannot see falls back to its own (if only one).
            only = list(partnerships[:2])
            if len(only) == 1:
                self.chosen_partnership = only[0]
                self.initial["partnership"] = only[0].uuid
        if self.scoped and self.chosen_partnership is not None:
            self._scope_to(self.chosen_partnership)

    def _chosen(self, partnerships):
        value = (
            self.data.get(self.add_prefix("partnership"))
            if self.is_bound
            else self.initial.get("partnership")
        )
        if not value:
            return None
        try:
            return partnerships.filter(uuid=value).first()
        except (ValueError, ValidationError):
            return None

    def _scope_to(self, partnership) -> None:
        """Offer only the product lines, sectors and territories' countries ``partnership`` allows (all of
        them when the partnership names none)."""
        lines = partnership.product_lines.filter(is_active=True).order_by("name")
        if lines.exists():
            self.fields["product_lines"].queryset = lines
        sectors = partnership.sectors.order_by("name")
        if sectors.exists():
            self.fields["sector"].queryset = sectors
        allowed = {str(t.country) for t in partnership.territories.all() if t.country}
        if allowed:
            field = self.fields["country"]
            field.choices = [(code, name) for code, name in field.choices if code in allowed]
            if not self.is_bound and str(self.initial.get("country", field.initial)) not in allowed:
                self.initial["country"] = sorted(allowed)[0]

    def to_data(self) -> RegistrationData:
        values = {
            name: self.cleaned_data.get(name) for name in CUSTOMER_FIELDS + CONTACT_FIELDS + DEAL_FIELDS
        }
        values["product_lines"] = list(values["product_lines"] or [])
        for name, value in values.items():
            if value is None and name not in ("sector", "amount", "expected_close_date"):
                values[name] = ""
        return RegistrationData(**values)


class CheckForm(RegistrationForm):
    """The same fields, all optional but the partnership and the name: what the live hint needs."""

    scoped = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name not in ("partnership", "customer_name"):
                field.required = False


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExtendForm(ReasonForm):
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=365, required=False)
