from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.models import Person

from .choices import GovernanceLevel, InteractionKind, QuestionKind, Side


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=GovernanceLevel.choices)
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Attendees"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decisions = forms.CharField(
        label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    actions = forms.CharField(label=_("Actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = people if people is not None else Person.objects.none()
        self.fields["attendees"].label_from_instance = lambda p: f"{p.full_name} ({p.organization.name})"


class InteractionForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput)
    kind = forms.ChoiceField(label=_("Kind"), choices=InteractionKind.choices)
    initiated_by = forms.ChoiceField(label=_("Started by"), choices=Side.choices)
    partner_contact = forms.ModelChoiceField(label=_("Partner contact"), queryset=Person.objects.none())
    vendor_contact = forms.ModelChoiceField(label=_("Vendor contact"), queryset=Person.objects.none())
    summary = forms.CharField(label=_("Summary"), max_length=300, required=False)

    def __init__(self, *args, partner_people=None, vendor_people=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_contact"].queryset = (
            partner_people if partner_people is not None else Person.objects.none()
        )
        self.fields["vendor_contact"].queryset = (
            vendor_people if vendor_people is not None else Person.objects.none()
        )
        for name in ("partner_contact", "vendor_contact"):
            self.fields[name].label_from_instance = lambda p: (
                f"{p.full_name} — {p.get_department_display() or '?'}"
            )


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    opens_on = forms.DateField(label=_("Opens on"), widget=DateInput)
    closes_on = forms.DateField(
        label=_("Closes on"), widget=DateInput, help_text=_("Answer links expire after this day.")
    )

    def clean(self):
        data = super().clean()
        if data.get("opens_on") and data.get("closes_on") and data["closes_on"] < data["opens_on"]:
            self.add_error("closes_on", _("A survey cannot close before it opens."))
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=QuestionKind.choices, initial=QuestionKind.SCALE)
