from django import forms
from django.utils.translation import gettext_lazy as _

from meute.deals.models import DealRegistration
from meute.partnerships.models import Partnership
from meute.programs.models import Program

from .choices import AllocationMethod
from .models import FundAllocation, FundRequest

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AllocationForm(forms.Form):
    partnership = forms.ModelChoiceField(label=_("Partnership"), queryset=Partnership.objects.none())
    program = forms.ModelChoiceField(label=_("Programme"), queryset=Program.objects.all())
    period = forms.IntegerField(label=_("Period (year)"), min_value=2000, max_value=2100)
    method = forms.ChoiceField(
        label=_("Method"), choices=AllocationMethod.choices, initial=AllocationMethod.TIER_RULE
    )
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("By hand only, in the programme's currency."),
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=DATE, help_text=_("31 December of the period if empty.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = Partnership.objects.visible_to(user).order_by("name")

    def clean(self):
        data = super().clean()
        if data.get("method") == AllocationMethod.MANUAL and data.get("amount") is None:
            self.add_error("amount", _("Enter the amount allocated by hand."))
        return data


class AllocatePeriodForm(forms.Form):
    period = forms.IntegerField(label=_("Period (year)"), min_value=2000, max_value=2100)
    program = forms.ModelChoiceField(label=_("Programme"), queryset=Program.objects.all(), required=False)


class FundRequestForm(forms.ModelForm):
    """What a partner proposes. Status, approval and amounts approved are never fields of this form."""

    class Meta:
        model = FundRequest
        fields = [
            "allocation",
            "activity_type",
            "title",
            "description",
            "territory",
            "budget",
            "currency",
            "expected_leads",
            "expected_opportunities",
            "start_date",
            "end_date",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["allocation"].queryset = (
            FundAllocation.objects.visible_to(user)
            .select_related("partnership", "program")
            .order_by("-period")
        )

    def _post_clean(self):
        # The workflow validates the whole request (it also needs the fund's currency and balance).
        opts = self._meta
        self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)


class DecisionForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount approved"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("In the fund's currency; empty: the budget asked."),
    )
    note = forms.CharField(
        label=_("Note to the partner"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClaimForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount claimed"), max_digits=14, decimal_places=2, min_value=0)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")
    leads = forms.IntegerField(label=_("Leads obtained"), min_value=0, initial=0)
    opportunities = forms.IntegerField(label=_("Opportunities obtained"), min_value=0, initial=0)
    invoice = forms.FileField(label=_("Invoice"), required=False)
    photo = forms.FileField(label=_("Photo"), required=False)
    attendees = forms.FileField(label=_("Attendee list"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def proofs(self):
        return [(self.cleaned_data.get(kind), kind) for kind in ("invoice", "photo", "attendees")]


class ClaimDecisionForm(forms.Form):
    approved_amount = forms.DecimalField(
        label=_("Amount approved"),
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text=_("In the fund's currency; empty: the amount claimed."),
    )
    override_reason = forms.CharField(
        label=_("Reason for exceeding the approved request"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    note = forms.CharField(
        label=_("Note to the partner"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PaidForm(forms.Form):
    payment_reference = forms.CharField(label=_("Payment reference"), max_length=100)


class AttributeDealForm(forms.Form):
    deal = forms.ModelChoiceField(label=_("Deal registration"), queryset=DealRegistration.objects.none())

    def __init__(self, *args, user=None, fund_request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = (
            DealRegistration.objects.visible_to(user)
            .filter(partnership_id=fund_request.allocation.partnership_id, fund_activity__isnull=True)
            .select_related("customer")
            .order_by("-created_at")
        )
