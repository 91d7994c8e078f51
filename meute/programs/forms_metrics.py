"""Forms of the partner metric pages: one metric, and the import of a file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.forms import FileImportForm, StyledFormMixin
from meute.partnerships.models import Partnership

from .metrics import is_code, normalize_code
from .models import PartnerMetric


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
