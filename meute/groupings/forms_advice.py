"""Forms of the advice pages: the assessment questionnaire, the model choice, playbook items and documents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.forms import StyledFormMixin
from meute.core.models import Person
from meute.partnerships.choices import CollaborationModel

from . import models_advisor
from .models import PlaybookItem
from .playbook_catalogue import REFERRAL_RATE_MAX, REFERRAL_RATE_MIN


class AssessmentForm(StyledFormMixin, forms.Form):
    """One radio group per question; every question must be answered."""

    def __init__(self, *args, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for question in models_advisor.QUESTIONS:
            self.fields[question.key] = forms.ChoiceField(
                label=question.text,
                choices=question.options,
                widget=forms.RadioSelect,
                initial=(initial_answers or {}).get(question.key),
                error_messages={"required": _("This question needs an answer.")},
            )

    def axes(self):
        """(axis label, [bound fields]) in questionnaire order, for the template."""
        groups = []
        for axis in (*models_advisor.AXES, models_advisor.AMBITION):
            groups.append(
                (models_advisor.AXIS_LABELS[axis], [self[q.key] for q in models_advisor.questions_for(axis)])
            )
        return groups


MODEL_CHOICES = [("", _("The recommended model"))] + [
    (value, label)
    for value, label in CollaborationModel.choices
    if value != CollaborationModel.CHANNEL_AGREEMENT
]


class AdoptForm(StyledFormMixin, forms.Form):
    model = forms.ChoiceField(label=_("Model to adopt"), choices=MODEL_CHOICES, required=False)
    reason = forms.CharField(
        label=_("Reason (when choosing another model)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class PlaybookItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = PlaybookItem
        fields = [
            "status",
            "owner_organization",
            "owner_person",
            "rate_percent",
            "notes",
            "not_applicable_reason",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 2}),
            "not_applicable_reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, grouping=None, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = [seat.organization for seat in grouping.parties.select_related("organization")]
        self.fields["owner_organization"].queryset = type(organizations[0]).objects.filter(
            pk__in=[o.pk for o in organizations]
        )
        self.fields["owner_person"].queryset = Person.objects.filter(organization__in=organizations).order_by(
            "last_name", "first_name"
        )
        self.fields["owner_organization"].empty_label = _("not assigned")
        self.fields["owner_person"].empty_label = _("not assigned")
        entry = self.instance.entry if self.instance else None
        if entry is None or entry.value_kind != "percent":
            del self.fields["rate_percent"]
        else:
            self.fields["rate_percent"].help_text = _(
                "Between %(min)s %% and %(max)s %% of the amount or margin."
            ) % {
                "min": REFERRAL_RATE_MIN,
                "max": REFERRAL_RATE_MAX,
            }

    def _post_clean(self):
        # The playbook rules validate in ``playbooks.update_item``; skip the ModelForm's model validation.
        pass


class DocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    url = forms.URLField(label=_("Link"), max_length=500, assume_scheme="https")
