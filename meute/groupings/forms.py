"""Forms of the groupings pages: member profile, proposal, pack, charter, members, checklist items."""

from django import forms
from django.utils.translation import gettext_lazy as _

from meute.core.forms import MultiCheckbox, StyledFormMixin
from meute.core.models import Organization, Sector, Territory
from meute.groupings.choices import Ambition, ClientType, PillarStatus
from meute.partnerships.choices import CollaborationModel, PartyRole

from .groupings import GROUPING_ROLES
from .models import MemberProfile


def split_lines(text: str) -> list[str]:
    """One item per line or comma: "Audit, Coaching" → ["Audit", "Coaching"]."""
    items = []
    for line in (text or "").replace(";", ",").splitlines():
        items.extend(part.strip() for part in line.split(","))
    return [item for item in items if item]


class ListField(forms.CharField):
    """A list of short texts typed one per line (or separated by commas)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        items = split_lines(super().to_python(value))
        too_long = [item for item in items if len(item) > 80]
        if too_long:
            raise forms.ValidationError(
                _("Keep each item under 80 characters: %(item)s") % {"item": too_long[0]}
            )
        if len(items) > 30:
            raise forms.ValidationError(_("List at most 30 items."))
        return items


class MemberProfileForm(StyledFormMixin, forms.ModelForm):
    skills = ListField(label=_("Skills"), required=False, help_text=_("One per line or separated by commas."))
    offers = ListField(
        label=_("Offers"), required=False, help_text=_("What you sell, one per line or separated by commas.")
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Target sectors"), queryset=Sector.objects.all(), required=False, widget=MultiCheckbox
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories"), queryset=Territory.objects.all(), required=False, widget=MultiCheckbox
    )
    client_types = forms.MultipleChoiceField(
        label=_("Clients served"), choices=ClientType.choices, required=False, widget=MultiCheckbox
    )
    ambitions = forms.MultipleChoiceField(
        label=_("Ambitions"), choices=Ambition.choices, required=False, widget=MultiCheckbox
    )

    class Meta:
        model = MemberProfile
        fields = [
            "headline",
            "skills",
            "offers",
            "sectors",
            "territories",
            "client_types",
            "looking_for",
            "bringing",
            "availability",
            "ambitions",
            "ambition_text",
            "is_visible",
        ]
        widgets = {
            "looking_for": forms.Textarea(attrs={"rows": 3}),
            "bringing": forms.Textarea(attrs={"rows": 3}),
            "ambition_text": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "looking_for": _("The partners, skills or offers you look for."),
            "bringing": _("What you bring to a grouping."),
        }


class ProposalForm(StyledFormMixin, forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class OnBehalfProposalForm(StyledFormMixin, forms.Form):
    """Staff propose for one member (``proposer``) to another member taking part in matchmaking."""

    recipient = forms.ModelChoiceField(
        label=_("Propose to"),
        queryset=Organization.objects.none(),
        to_field_name="uuid",
        empty_label=_("Choose a member"),
        error_messages={
            "required": _("Choose the member to propose to."),
            "invalid_choice": _("This member does not take part in matchmaking."),
        },
    )
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, proposer=None, limit=None, **kwargs):
        """The form lists up to ``limit`` members other than ``proposer``; a posted form accepts any member
        in matchmaking, and ``groupings.propose`` refuses the rest with its own reasons."""
        super().__init__(*args, **kwargs)
        recipients = Organization.objects.filter(member_profile__is_visible=True, is_operator=False)
        if not self.is_bound:
            if proposer is not None:
                recipients = recipients.exclude(pk=proposer.pk)
            recipients = recipients.order_by("name")[:limit]
        self.fields["recipient"].queryset = recipients


class PackForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the pack"), max_length=200, error_messages={"required": _("Give the pack a name.")}
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contacts"),
        queryset=Organization.objects.none(),
        widget=MultiCheckbox,
        error_messages={
            "required": _("Choose at least one contact."),
            "invalid_choice": _("Only members who accepted a proposal can join."),
        },
    )

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contacts"].queryset = contacts if contacts is not None else Organization.objects.none()


class CharterForm(StyledFormMixin, forms.Form):
    shared_ambition = forms.CharField(
        label=_("Shared ambition"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    common_project = forms.CharField(
        label=_("Common project"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=_("Objectives"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    identified_need = forms.CharField(
        label=_("Clearly identified need"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    collaboration_model = forms.ChoiceField(
        label=_("Collaboration model"),
        choices=[("", "—"), *[c for c in CollaborationModel.choices if c[0] != "channel_agreement"]],
        required=False,
    )


class AddMemberForm(StyledFormMixin, forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Member"),
        queryset=Organization.objects.none(),
        to_field_name="uuid",
        error_messages={
            "required": _("Choose the member to add."),
            "invalid_choice": _(
                "This organisation cannot be added: a coordinator takes in members who take part in "
                "matchmaking."
            ),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[c for c in PartyRole.choices if c[0] in GROUPING_ROLES],
        initial=PartyRole.MEMBER,
    )

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organizations is not None:
            self.fields["organization"].queryset = organizations


class PillarItemForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PillarStatus.choices)
    evidence = forms.CharField(
        label=_("Evidence"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
