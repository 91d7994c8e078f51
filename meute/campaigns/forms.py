from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, Person, Territory

from .choices import ActionKind
from .models import Campaign, MarketingCooperation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "kind",
            "theme",
            "description",
            "partnership",
            "coordinator",
            "coordinator_person",
            "territory",
            "start_date",
            "end_date",
            "status",
            "currency",
            "split_rule",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        opts = self._meta
        self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)


class ParticipantForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organization.objects.order_by("name"), required=False
    )
    share_percent = forms.DecimalField(
        label=_("Share (%)"), max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0, required=False)


ParticipantFormSet = forms.formset_factory(ParticipantForm, extra=0, min_num=2, max_num=20)


class BudgetLineForm(forms.Form):
    label = forms.CharField(label=_("Item"), max_length=200)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="EUR")


class ActionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ActionKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    location = forms.CharField(label=_("Location"), max_length=200, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Organization.objects.none())
    due_date = forms.DateField(label=_("Due date"), widget=DATE, required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Organization.objects.filter(
            pk__in=campaign.participants.values("organization_id")
        ).order_by("name")


class ResultsForm(forms.Form):
    leads = forms.IntegerField(label=_("Leads"), min_value=0)
    opportunities = forms.IntegerField(label=_("Opportunities"), min_value=0)
    revenue = forms.DecimalField(label=_("Revenue"), max_digits=14, decimal_places=2, min_value=0)


class CooperationForm(forms.ModelForm):
    class Meta:
        model = MarketingCooperation
        fields = [
            "name",
            "partnership",
            "coordinator",
            "members",
            "theme",
            "objectives",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "members": forms.CheckboxSelectMultiple,
        }

    def _post_clean(self):
        opts = self._meta
        self.instance = forms.models.construct_instance(self, self.instance, opts.fields, opts.exclude)


class SubPlanForm(forms.Form):
    objectives = forms.CharField(
        label=_("Objectives"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    targets = forms.CharField(label=_("Targets"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    target = forms.CharField(label=_("Target"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)


class CalendarFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE, required=False)
    end = forms.DateField(label=_("Until"), widget=DATE, required=False)
    source = forms.ChoiceField(label=_("Type"), required=False)
    partner = forms.ModelChoiceField(
        label=_("Partner"), queryset=Organization.objects.none(), required=False, to_field_name="uuid"
    )
    territory = forms.ModelChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.order_by("name"),
        required=False,
        to_field_name="code",
    )

    def __init__(self, *args, user=None, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", _("All")), *sources]
        self.fields["partner"].queryset = Organization.objects.visible_to(user).order_by("name")
        self.fields["partner"].empty_label = _("All")
        self.fields["territory"].empty_label = _("All")


class InviteForm(forms.Form):
    """An invitation: a contact of the directory, or a prospect by name and e-mail."""

    organization = forms.ModelChoiceField(label=_("Invited by"), queryset=Organization.objects.none())
    person = forms.ModelChoiceField(label=_("Contact"), queryset=Person.objects.none(), required=False)
    name = forms.CharField(label=_("Prospect's name"), max_length=160, required=False)
    email = forms.EmailField(label=_("Prospect's e-mail"), required=False)
    company = forms.CharField(label=_("Prospect's company"), max_length=200, required=False)

    def __init__(self, *args, organizations, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["person"].queryset = people
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") and data.get("email")):
            raise forms.ValidationError(_("Choose a contact, or give the prospect's name and e-mail."))
        return data


class PublicRegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=160)
    email = forms.EmailField(label=_("Your e-mail"))
    company = forms.CharField(label=_("Your company"), max_length=200, required=False)
    # A field people never see: robots that fill every field give themselves away.
    nickname = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("nickname"))
