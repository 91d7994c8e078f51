from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meute.core.choices import UserRole
from meute.core.models import Organization, ProductLine

from . import attributes
from .choices import AttributeKind, ProfileKind, Stage
from .models import (
    Activity,
    AttributeDefinition,
    Candidate,
    ChannelSettings,
    Competitor,
    CompetitorPartnership,
    QualificationQuestion,
    ScoringProfile,
)


def find_organization(text: str):
    """The organisation named by ``text``: a SIREN, a public identifier or an exact name (accents and case
    aside); ValidationError when there is none or several. The directory can hold 100,000 organisations:
    forms take a name instead of listing them all."""
    from meute.core.models import fold

    text = (text or "").strip()
    partners = Organization.objects.filter(is_operator=False)
    found = []
    if text.replace(" ", "").isdigit():
        found = list(partners.filter(siren=text.replace(" ", ""))[:2])
    if not found:
        try:
            found = list(partners.filter(uuid=text)[:2])
        except ValidationError:
            found = []
    if not found:
        first = fold(text).split()[:1]
        candidates = partners.search(first[0]) if first else partners.none()
        found = [o for o in candidates.only("pk", "name")[:200] if fold(o.name) == fold(text)][:2]
    if not found:
        raise ValidationError(_("No organisation “%(name)s” in the directory.") % {"name": text})
    if len(found) > 1:
        raise ValidationError(
            _("Several organisations are called “%(name)s”: give the SIREN.") % {"name": text}
        )
    return Organization.objects.get(pk=found[0].pk)


class OrganizationField(forms.CharField):
    """An organisation typed by name or SIREN (a list of 100,000 would not fit in a page)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("Its name or SIREN."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, Organization):
            return value.name
        if isinstance(value, int):
            found = Organization.objects.filter(pk=value).first()
            return found.name if found else ""
        return value

    def clean(self, value):
        value = super().clean(value)
        return find_organization(value) if value else None


class OrganizationsField(forms.CharField):
    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("One name or SIREN per line."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple) or hasattr(value, "all"):
            items = value.all() if hasattr(value, "all") else value
            return "\n".join(o.name if isinstance(o, Organization) else str(o) for o in items)
        return value

    def clean(self, value):
        value = super().clean(value)
        result, errors = [], []
        for line in (value or "").splitlines():
            if line.strip():
                try:
                    result.append(find_organization(line))
                except ValidationError as error:
                    errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return result


def staff_users():
    return get_user_model().objects.filter(
        is_active=True, role__in=[UserRole.ADMIN, UserRole.CHANNEL_MANAGER]
    )


class AttributeDefinitionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One value per line (choice and multiple-choice attributes)."),
    )

    class Meta:
        model = AttributeDefinition
        fields = [
            "label",
            "code",
            "kind",
            "choices_text",
            "minimum",
            "maximum",
            "help_text",
            "position",
            "is_active",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["choices_text"].initial = "\n".join(self.instance.choices)
            # Stored values were checked against the kind: it cannot change afterwards.
            self.fields["kind"].disabled = True

    def clean(self):
        data = super().clean()
        self.instance.choices = [
            line.strip() for line in (data.get("choices_text") or "").splitlines() if line.strip()
        ]
        return data


class OrganizationAttributesForm(forms.Form):
    """One field per active operator attribute; ``save`` checks them all and writes all or nothing."""

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.definitions = list(AttributeDefinition.objects.filter(is_active=True))
        current = attributes.values_of(organization)
        for definition in self.definitions:
            self.fields[definition.code] = self._field(definition)
            value = current.get(definition.pk)
            if definition.kind == AttributeKind.BOOLEAN and value is not None:
                value = "true" if value else "false"
            self.fields[definition.code].initial = value

    @staticmethod
    def _field(definition):
        common = {"label": definition.label, "required": False, "help_text": definition.help_text}
        kind = definition.kind
        if kind == AttributeKind.NUMBER:
            return forms.CharField(**common, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
        if kind == AttributeKind.CHOICE:
            return forms.ChoiceField(**common, choices=[("", "—"), *[(c, c) for c in definition.choices]])
        if kind == AttributeKind.MULTI_CHOICE:
            return forms.MultipleChoiceField(
                **common, choices=[(c, c) for c in definition.choices], widget=forms.CheckboxSelectMultiple
            )
        if kind == AttributeKind.BOOLEAN:
            return forms.ChoiceField(**common, choices=[("", "—"), ("true", _("Yes")), ("false", _("No"))])
        return forms.CharField(**common, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        for definition in self.definitions:
            if definition.code in data:
                try:
                    attributes.parse(definition, data[definition.code])
                except forms.ValidationError as error:
                    self.add_error(definition.code, error)
        return data

    def save(self):
        raw = {definition: self.cleaned_data.get(definition.code) for definition in self.definitions}
        return attributes.save_values(self.organization, raw)


class ScoringProfileForm(forms.ModelForm):
    references = OrganizationsField(label=_("Reference partners"), required=False)

    class Meta:
        model = ScoringProfile
        fields = ["name", "kind", "description", "references"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["references"] = list(self.instance.references.all())

    def clean(self):
        data = super().clean()
        if data.get("kind") == ProfileKind.LOOKALIKE and not data.get("references"):
            self.add_error("references", _("A look-alike profile needs at least one reference partner."))
        return data


class CandidateForm(forms.ModelForm):
    organization = OrganizationField(label=_("Organisation"))

    class Meta:
        model = Candidate
        fields = ["organization", "owner", "product_lines", "expected_revenue", "next_step", "next_step_on"]
        widgets = {
            "next_step_on": forms.DateInput(attrs={"type": "date"}),
            "product_lines": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["organization"]  # a candidacy stays with its organisation
        self.fields["owner"].queryset = staff_users()

    def clean_organization(self):
        organization = self.cleaned_data["organization"]
        if (
            organization
            and Candidate.objects.filter(organization=organization)
            .exclude(stage__in=["lost", "exited"])
            .exists()
        ):
            raise ValidationError(_("This organisation is already in the recruitment pipeline."))
        return organization
        self.fields["product_lines"].queryset = ProductLine.objects.filter(is_active=True)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=250)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["kind", "happened_on", "summary"]
        widgets = {
            "happened_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 2}),
        }


class QuestionForm(forms.ModelForm):
    class Meta:
        model = QualificationQuestion
        fields = ["pillar", "text", "weight", "position", "is_active"]


RATINGS = [("", "—"), *[(str(i), str(i)) for i in range(5)]]


class GridForm(forms.Form):
    """The qualification grid: a 0–4 rating and a comment per active question."""

    def __init__(self, *args, questions, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        by_question = {answer.question_id: answer for answer in answers}
        for question in questions:
            answer = by_question.get(question.pk)
            self.fields[f"q{question.pk}"] = forms.ChoiceField(
                label=question.text, choices=RATINGS, required=False, initial=answer.rating if answer else ""
            )
            self.fields[f"c{question.pk}"] = forms.CharField(
                label=_("Comment"), required=False, max_length=250, initial=answer.comment if answer else ""
            )

    def rows(self):
        for question in self.questions:
            yield question, self[f"q{question.pk}"], self[f"c{question.pk}"]

    def ratings(self):
        return {
            question: (
                int(self.cleaned_data[f"q{question.pk}"])
                if self.cleaned_data[f"q{question.pk}"] != ""
                else None
            )
            for question in self.questions
        }

    def comments(self):
        return {question: self.cleaned_data[f"c{question.pk}"] for question in self.questions}


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group"), max_length=80)
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=7, decimal_places=2, initial=1)


class CriterionForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=None)
    attribute = forms.ChoiceField(label=_("Attribute"))
    weight = forms.DecimalField(label=_("Weight"), min_value=0, max_digits=7, decimal_places=2, initial=1)
    target = forms.CharField(
        label=_("Target (ideal profile)"),
        required=False,
        help_text=_("10..50 for numbers; values separated by commas; words for text; yes or no."),
    )
    scale = forms.DecimalField(
        label=_("Scale"),
        required=False,
        min_value=Decimal("0.0001"),
        max_digits=16,
        decimal_places=4,
        help_text=_(
            "Numbers: the distance at which two values no longer look alike (default: their spread)."
        ),
    )

    def __init__(self, *args, profile, **kwargs):
        from . import profiles

        super().__init__(*args, **kwargs)
        self.profile = profile
        self.options = profiles.options()
        self.fields["group"].queryset = profile.groups.all()
        self.fields["group"].initial = (
            profile.groups.order_by("-position", "-pk").values_list("pk", flat=True).first()
        )
        self.fields["attribute"].choices = [(key, option.label) for key, option in self.options.items()]

    def clean(self):
        from . import profiles

        data = super().clean()
        option = self.options.get(data.get("attribute"))
        if option is not None:
            try:
                data["target"] = profiles.parse_target(option, data.get("target"))
            except forms.ValidationError as error:
                self.add_error("target", error)
                return data
            if self.profile.kind == ProfileKind.IDEAL and data["target"] is None:
                self.add_error("target", _("An ideal profile states the target of each criterion."))
        return data


class ChannelSettingsForm(forms.ModelForm):
    class Meta:
        model = ChannelSettings
        fields = ["revenue_per_salesperson", "default_share", "share_attribute", "history_months"]

    def clean_share_attribute(self):
        code = self.cleaned_data["share_attribute"]
        if code and not AttributeDefinition.objects.filter(code=code, kind=AttributeKind.NUMBER).exists():
            raise forms.ValidationError(_("No number attribute has this code."))
        return code


class CompetitorForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Competitor
        fields = ["name", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class CompetitorPartnershipForm(forms.ModelForm):
    organization = OrganizationField(label=_("Organisation"))

    class Meta:
        model = CompetitorPartnership
        fields = ["competitor", "organization", "level", "source"]


class CompetitorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or .xlsx file"),
        help_text=_(
            "Columns: competitor, organisation (name or SIREN), level, source. One row per partnership."
        ),
    )


class ApplicationForm(forms.Form):
    company = forms.CharField(label=_("Company"), max_length=200)
    siren = forms.CharField(label=_("SIREN"), max_length=11, required=False)
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    contact = forms.CharField(label=_("Your name"), max_length=120)
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=24, required=False)
    message = forms.CharField(
        label=_("Your activity and why you want to partner with us"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    # A field people never see: robots that fill every field give themselves away.
    nickname = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("nickname"))

    def clean_siren(self):
        from meute.core.validators import validate_siren

        siren = self.cleaned_data["siren"].replace(" ", "")
        if siren:
            validate_siren(siren)
        return siren

    def clean_message(self):
        message = self.cleaned_data["message"].strip()
        if len(message) < 20:
            raise ValidationError(_("Tell us a little more (at least 20 characters)."))
        return message
