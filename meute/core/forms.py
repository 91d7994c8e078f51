"""Forms of the web UI. Validation is the models' (``full_clean``); forms only shape the input."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from meute.lib.rights import FieldRightsFormMixin

from .choices import CompanySize, PartnerType
from .models import Organization, Person
from .organizations import set_partner_types


class SearchSelect(forms.Select):
    """A select that renders only the chosen option; a search box fills it with matches through htmx.

    Lists of organisations or people can hold hundreds of thousands of rows: never render them all.
    """

    template_name = "core/widgets/search_select.html"

    def __init__(self, search_url="", attrs=None, search_label=""):
        super().__init__(attrs)
        self.search_url = search_url
        self.search_label = search_label

    def optgroups(self, name, value, attrs=None):
        wanted = [v for v in value if v]
        options = [self.create_option(name, "", "—", not wanted, 0)]
        queryset = getattr(self.choices, "queryset", None)
        if wanted and queryset is not None:
            field = self.choices.field
            for index, obj in enumerate(queryset.filter(**{f"{field.to_field_name}__in": wanted}), 1):
                options.append(
                    self.create_option(
                        name, str(field.prepare_value(obj)), field.label_from_instance(obj), True, index
                    )
                )
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["search_url"] = self.search_url
        context["widget"]["search_label"] = self.search_label or _("Search")
        return context


class SearchableModelChoiceField(forms.ModelChoiceField):
    """A choice of one visible row by UUID, picked with a search-as-you-type box."""

    def __init__(self, queryset, search_url, search_label="", **kwargs):
        kwargs.setdefault("widget", SearchSelect(search_url=search_url, search_label=search_label))
        super().__init__(queryset, to_field_name="uuid", **kwargs)


class StyledFormMixin:
    """Mark required fields and described-by links so templates stay simple and screen readers get help."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            attrs = field.widget.attrs
            if field.required and not isinstance(field.widget, forms.CheckboxSelectMultiple):
                attrs.setdefault("required", True)
            if field.help_text:
                attrs.setdefault("aria-describedby", f"{self.add_prefix(name)}-help")


class MultiCheckbox(forms.CheckboxSelectMultiple):
    template_name = "core/widgets/check_list.html"


class OrganizationForm(FieldRightsFormMixin, StyledFormMixin, forms.ModelForm):
    # Identifiers are accepted with spaces, dots and dashes; the model normalises them in ``clean()``.
    siren = forms.CharField(label=_("SIREN"), required=False, max_length=20)
    siret = forms.CharField(label=_("SIRET"), required=False, max_length=24)
    vat_number = forms.CharField(label=_("VAT number"), required=False, max_length=24)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    email_domain = forms.CharField(
        label=_("E-mail domain"), required=False, max_length=300, help_text=_("For example example.com.")
    )
    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"),
        choices=PartnerType.choices,
        required=False,
        widget=MultiCheckbox,
        help_text=_("The roles this organisation can play in a partnership."),
    )
    company_sizes = forms.MultipleChoiceField(
        label=_("Customer company sizes"), choices=CompanySize.choices, required=False, widget=MultiCheckbox
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "legal_name",
            "siren",
            "siret",
            "vat_number",
            "website",
            "email_domain",
            "phone",
            "address",
            "postal_code",
            "city",
            "country",
            "region",
            "headcount",
            "sales_headcount",
            "engineer_headcount",
            "annual_revenue",
            "market_share",
            "growth_trend",
            "company_sizes",
            "markets",
            "geographies",
            "offerings",
            "offerings_description",
            "tags",
            "description",
        ]
        widgets = {
            "markets": MultiCheckbox,
            "geographies": MultiCheckbox,
            "offerings": MultiCheckbox,
            "tags": MultiCheckbox,
            "description": forms.Textarea(attrs={"rows": 4}),
            "offerings_description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["partner_types"].initial = self.instance.partner_types
        for name in ("headcount", "sales_headcount", "engineer_headcount"):
            self.fields[name].widget.attrs.setdefault("min", 0)
        # The model's check constraint, reported next to the field rather than above the form.
        self.fields["market_share"].validators += [MinValueValidator(0), MaxValueValidator(100)]
        self.fields["market_share"].widget.attrs.update(min=0, max=100, step="0.01")

    def clean_company_sizes(self):
        # Keep the choices' order, whatever order the browser sent them in.
        chosen = set(self.cleaned_data.get("company_sizes") or [])
        return [value for value in CompanySize.values if value in chosen]

    @transaction.atomic
    def save(self, commit=True):
        organization = super().save(commit=commit)
        if commit:
            set_partner_types(organization, self.cleaned_data.get("partner_types"))
        return organization


class OrganizationClassificationForm(FieldRightsFormMixin, StyledFormMixin, forms.ModelForm):
    """The partner types and tags of an organisation, edited in place on its page (by staff editors: the
    rights table keeps both from partner users)."""

    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"), choices=PartnerType.choices, required=False, widget=MultiCheckbox
    )

    class Meta:
        model = Organization
        fields = ["tags"]
        widgets = {"tags": MultiCheckbox}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_types"].initial = self.instance.partner_types

    @transaction.atomic
    def save(self, commit=True):
        organization = super().save(commit=commit)
        set_partner_types(organization, self.cleaned_data.get("partner_types"))
        return organization


class PersonForm(StyledFormMixin, forms.ModelForm):
    linkedin_url = forms.URLField(label=_("LinkedIn profile"), required=False, assume_scheme="https")
    organization = SearchableModelChoiceField(
        queryset=Organization.objects.none(),
        search_url=reverse_lazy("organization-options"),
        search_label=_("Find an organisation"),
        label=_("Organisation"),
    )

    class Meta:
        model = Person
        fields = [
            "organization",
            "first_name",
            "last_name",
            "job_title",
            "role",
            "department",
            "email",
            "phone",
            "linkedin_url",
            "is_active",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, fixed_organization=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = Organization.objects.visible_to(user)
        if self.instance.pk:
            # The field picks organisations by UUID, not by the primary key ModelForm puts in ``initial``.
            self.initial["organization"] = self.instance.organization.uuid
        if fixed_organization is not None:
            self.initial["organization"] = fixed_organization.uuid
            # Partner users only ever create and edit people of their own organisation.
            field.initial = fixed_organization.uuid
            field.disabled = True
            field.widget = forms.HiddenInput()
            self.fixed_organization = fixed_organization
        else:
            self.fixed_organization = None

    def clean_organization(self):
        if self.fixed_organization is not None:
            return self.fixed_organization
        return self.cleaned_data["organization"]


class FileImportForm(StyledFormMixin, forms.Form):
    """The upload of an import page: subclasses say which columns their file holds."""

    file = forms.FileField(label=_("File"))
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)

    def clean_file(self):
        from meute.core.importing.tables import ImportFileError, check_size

        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return upload


class ApiTokenForm(StyledFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. “accounting export”.")
    )
    days = forms.IntegerField(
        label=_("Valid for (days)"), min_value=1, max_value=365, help_text=_("Between 1 and 365 days.")
    )


class PrivacySubjectForm(StyledFormMixin, forms.Form):
    subject = forms.CharField(
        label=_("Person"),
        max_length=254,
        help_text=_("An e-mail address, a username or a person's identifier."),
    )
    confirm = forms.BooleanField(
        label=_("I confirm the erasure: every personal value is replaced, and this cannot be undone."),
        required=False,
    )


class OrganizationImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or .xlsx, one organisation per line, a header line naming the columns."),
    )


class PersonImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or .xlsx, one person per line, a header line naming the columns."),
    )
