from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.forms import FileImportForm, StyledFormMixin
from meute.money.models import ExchangeRate


class ExchangeRateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ExchangeRate
        fields = ["from_currency", "to_currency", "rate", "valid_from"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RateImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or .xlsx; columns currency, into, rate, valid_from")
    )
