from django import forms
from django.utils.translation import gettext_lazy as _

from meute.agreements.models import AgreementSetting
from meute.core.choices import PartnerType


class PublishAgreementForm(forms.Form):
    partner_type = forms.ChoiceField(
        label=_("Partner type"),
        required=False,
        choices=[("", _("Every partner type"))] + list(PartnerType.choices),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 12}))


class GateSettingForm(forms.ModelForm):
    class Meta:
        model = AgreementSetting
        fields = ["gate_features"]


class AcceptForm(forms.Form):
    signer_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    signer_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I have read this agreement and accept it on behalf of my organisation."),
        required=True,
        error_messages={"required": _("Tick the box to confirm you accept the agreement.")},
    )
