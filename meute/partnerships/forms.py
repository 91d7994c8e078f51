"""Forms of the partnership pages: main fields, and the parties (organisation, role, involvement, alliance
manager). Creating a partnership and its parties goes through ``meute.partnerships.parties``."""

import uuid

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from meute.core.forms import MultiCheckbox, SearchableModelChoiceField, SearchSelect, StyledFormMixin
from meute.core.models import Organization, Person

from .choices import InvolvementLevel, PartyRole
from .models import Partnership
from .parties import PartySpec


def _is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


class PartnershipForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Partnership
        fields = [
            "name",
            "kind",
            "grouping_level",
            "collaboration_model",
            "stage",
            "status",
            "start_date",
            "end_date",
            "territories",
            "product_lines",
            "sectors",
            "objectives",
            "description",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "territories": MultiCheckbox,
            "product_lines": MultiCheckbox,
            "sectors": MultiCheckbox,
            "objectives": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class PartyForm(StyledFormMixin, forms.Form):
    organization = SearchableModelChoiceField(
        queryset=Organization.objects.none(),
        search_url=reverse_lazy("organization-options"),
        search_label=_("Find an organisation"),
        label=_("Organisation"),
    )
    role = forms.ChoiceField(label=_("Role"), choices=PartyRole.choices, initial=PartyRole.PARTNER)
    involvement = forms.ChoiceField(
        label=_("Involvement level"), choices=InvolvementLevel.choices, initial=InvolvementLevel.REGULAR
    )
    alliance_manager = forms.ModelChoiceField(
        label=_("Alliance manager"),
        queryset=Person.objects.none(),
        to_field_name="uuid",
        required=False,
        widget=SearchSelect(),
        help_text=_("The person of this organisation in charge of the relationship."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.visible_to(user)
        self.fields["alliance_manager"].queryset = Person.objects.visible_to(user)
        # The alliance manager list follows the organisation chosen in the same row.
        organization_id = f"id_{self.add_prefix('organization')}"
        manager_field = self.fields["alliance_manager"]
        htmx_attrs = {
            "hx-get": reverse_lazy("person-options"),
            "hx-trigger": f"change from:#{organization_id}, htmx:afterSettle from:#{organization_id}",
            "hx-include": f"#{organization_id}",
            "hx-swap": "innerHTML",
        }
        chosen = self.data.get(self.add_prefix("organization")) if self.is_bound else None
        chosen = chosen or self.initial.get("organization")
        if chosen and _is_uuid(chosen):
            # The organisation is known: offer its people straight away (and only them).
            manager_field.queryset = Person.objects.visible_to(user).filter(organization__uuid=chosen)
            manager_field.widget = forms.Select(attrs=htmx_attrs)
            manager_field.widget.choices = manager_field.choices
        else:
            manager_field.widget.template_name = "django/forms/widgets/select.html"
            manager_field.widget.attrs.update(htmx_attrs)

    def clean(self):
        cleaned = super().clean()
        organization, manager = cleaned.get("organization"), cleaned.get("alliance_manager")
        if organization and manager and manager.organization_id != organization.pk:
            self.add_error(
                "alliance_manager", _("The alliance manager must be a person of this organisation.")
            )
        return cleaned

    def to_spec(self) -> PartySpec:
        data = self.cleaned_data
        return PartySpec(
            organization=data["organization"],
            role=data["role"],
            involvement=data["involvement"],
            alliance_manager=data.get("alliance_manager"),
        )


class BasePartyFormSet(forms.BaseFormSet):
    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        kwargs["user"] = self.user
        return kwargs

    @property
    def empty_form(self):
        form = PartyForm(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            user=self.user,
        )
        self.add_fields(form, None)
        return form

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            organization = form.cleaned_data.get("organization")
            if organization is None:
                continue
            if organization.pk in seen:
                raise forms.ValidationError(_("An organisation can be a party only once."))
            seen.add(organization.pk)

    def specs(self) -> list[PartySpec]:
        return [form.to_spec() for form in self.forms if form.cleaned_data.get("organization")]


PartyFormSet = forms.formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=0, min_num=2, validate_min=True, max_num=20
)


class AddPartyForm(PartyForm):
    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.partnership = partnership

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if self.partnership.parties.filter(organization=organization).exists():
            raise forms.ValidationError(_("This organisation is already a party to this partnership."))
        return organization
