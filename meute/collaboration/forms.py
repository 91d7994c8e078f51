"""Forms of the advice pages: the assessment questionnaire, the model choice, playbook items and documents."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meute.collaboration import advisor
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.playbooks import format_percent, rate_bounds
from meute.core.forms import StyledFormMixin
from meute.partnerships.choices import CollaborationModel


class AssessmentForm(StyledFormMixin, forms.Form):
    """One radio group per question; every question must be answered."""

    def __init__(self, *args, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        for question in advisor.QUESTIONS:
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
        for axis in (*advisor.AXES, advisor.AMBITION):
            groups.append((advisor.AXIS_LABELS[axis], [self[q.key] for q in advisor.questions_for(axis)]))
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


class PlaybookItemForm(StyledFormMixin, forms.Form):
    """One playbook item's status, owner, rate (percentage items only), notes and not-applicable reason.

    The members and their people are read once per page (``members``/``people``) and offered as plain
    choices, so a page of many items runs a fixed number of queries.
    """

    status = forms.ChoiceField(label=_("Status"), choices=PlaybookItemStatus.choices)
    owner_organization = forms.TypedChoiceField(label=_("Owner (member)"), required=False, coerce=int)
    owner_person = forms.TypedChoiceField(label=_("Owner (person)"), required=False, coerce=int)
    rate_percent = forms.DecimalField(label=_("Rate (%)"), required=False, max_digits=5, decimal_places=2)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    not_applicable_reason = forms.CharField(
        label=_("Reason it does not apply"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, instance=None, members=(), people=(), **kwargs):
        self.instance = instance
        self._members = {organization.pk: organization for organization in members}
        self._people = {person.pk: person for person in people}
        kwargs.setdefault(
            "initial",
            {
                "status": instance.status,
                "owner_organization": instance.owner_organization_id,
                "owner_person": instance.owner_person_id,
                "rate_percent": instance.rate_percent,
                "notes": instance.notes,
                "not_applicable_reason": instance.not_applicable_reason,
            },
        )
        super().__init__(*args, **kwargs)
        unassigned = [("", _("not assigned"))]
        self.fields["owner_organization"].choices = unassigned + [(o.pk, o.name) for o in members]
        self.fields["owner_person"].choices = unassigned + [
            (p.pk, f"{p} ({self._members[p.organization_id].name})") for p in people
        ]
        entry = instance.entry
        if entry is None or entry.value_kind != "percent":
            del self.fields["rate_percent"]
        else:
            self.fields["rate_percent"].help_text = _(
                "Between %(min)s %% and %(max)s %% of the amount or margin."
            ) % dict(zip(("min", "max"), map(format_percent, rate_bounds(instance)), strict=True))
            self.fields["rate_percent"].widget.attrs["aria-describedby"] = (
                f"{self.add_prefix('rate_percent')}-help"
            )

    def clean_owner_organization(self):
        value = self.cleaned_data.get("owner_organization")
        return self._members.get(value) if value not in (None, "") else None

    def clean_owner_person(self):
        value = self.cleaned_data.get("owner_person")
        return self._people.get(value) if value not in (None, "") else None


class DocumentForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    file = forms.FileField(label=_("File"), required=False)
    url = forms.URLField(label=_("or a link"), max_length=500, assume_scheme="https", required=False)

    def clean(self):
        data = super().clean()
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError(_("Give either a file to upload or a link, not both."))
        return data
