from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.core.forms import FileImportForm, MultiCheckbox, StyledFormMixin
from meute.core.models import Person, Territory
from meute.programs.models import Tier

from .choices import CertifiedRole, FileKind, StepStatus
from .contacts import check_audience
from .models import (
    Certification,
    ContentItem,
    Course,
    CourseSession,
    JourneyTemplate,
    Module,
    Quiz,
    SupportContact,
    TemplateStep,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class AudienceFormMixin(forms.ModelForm):
    """The audience fields of a targeted item, as check lists."""

    partner_types = forms.MultipleChoiceField(
        label=_("Partner types"),
        choices=PartnerType.choices,
        required=False,
        widget=MultiCheckbox,
        help_text=_("Leave empty for every partner type."),
    )
    tiers = forms.ModelMultipleChoiceField(
        label=_("Tiers"),
        queryset=Tier.objects.select_related("program").order_by("program__name", "rank"),
        required=False,
        widget=MultiCheckbox,
        help_text=_("Leave empty for every tier."),
    )
    territories = forms.ModelMultipleChoiceField(
        label=_("Territories"),
        queryset=Territory.objects.order_by("name"),
        required=False,
        widget=MultiCheckbox,
        help_text=_("Leave empty for everywhere; a territory includes the territories inside it."),
    )


class CourseForm(StyledFormMixin, AudienceFormMixin):
    roles = forms.MultipleChoiceField(
        label=_("Meant for"),
        choices=CertifiedRole.choices,
        required=False,
        widget=MultiCheckbox,
        help_text=_("Roles the course is meant for (empty: all)."),
    )

    class Meta:
        model = Course
        fields = [
            "title",
            "code",
            "summary",
            "language",
            "roles",
            "duration_minutes",
            "owner",
            "is_published",
            "partner_types",
            "tiers",
            "territories",
        ]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from meute.core.models import User

        self.fields["owner"].queryset = User.objects.filter(is_active=True).exclude(role="partner")


class ModuleForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Module
        fields = ["title", "position", "estimated_minutes", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class ModuleFileForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FileKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(label=_("File"))


class QuizForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Quiz
        fields = ["pass_mark", "max_attempts", "questions_per_attempt"]


class QuestionForm(StyledFormMixin, forms.Form):
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    choices = forms.CharField(
        label=_("Answers"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One answer per line; start the right ones with a star, e.g. “* Paris”."),
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean_choices(self):
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]
        parsed = [(line.lstrip("*").strip(), line.startswith("*")) for line in lines]
        parsed = [(text[:300], right) for text, right in parsed if text]
        if len(parsed) < 2:
            raise ValidationError(_("Give at least two answers."))
        if not any(right for _text, right in parsed):
            raise ValidationError(_("Mark at least one right answer with a star."))
        return parsed


class SessionForm(StyledFormMixin, forms.ModelForm):
    online_url = forms.URLField(label=_("Online meeting link"), required=False, assume_scheme="https")

    class Meta:
        model = CourseSession
        fields = ["mode", "starts_at", "ends_at", "seats", "location", "online_url", "trainer"]
        widgets = {"starts_at": DATETIME, "ends_at": DATETIME}


class EnrolForm(StyledFormMixin, forms.Form):
    person = forms.ModelChoiceField(label=_("Person"), queryset=Person.objects.none())
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            Person.objects.visible_to(user)
            .filter(is_active=True, organization__is_operator=False)
            .select_related("organization")
            .order_by("last_name", "first_name")
        )
        self.fields["person"].label_from_instance = lambda p: f"{p.full_name} — {p.organization.name}"


class FeedbackForm(StyledFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"), coerce=int, choices=[(n, f"{n}/5") for n in range(5, 0, -1)]
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ReplyForm(StyledFormMixin, forms.Form):
    reply = forms.CharField(label=_("Answer"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class CertificationForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Certification
        fields = [
            "name",
            "code",
            "role",
            "validity_months",
            "courses",
            "renewal_course",
            "description",
            "is_active",
        ]
        widgets = {"courses": MultiCheckbox, "description": forms.Textarea(attrs={"rows": 3})}


class CertifiedImportForm(FileImportForm):
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or .xlsx; columns email, certification, role, valid_until, issued_on"),
    )


class TemplateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = JourneyTemplate
        fields = ["name", "program", "partner_type", "tier", "is_active", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class TemplateStepForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = TemplateStep
        fields = [
            "title",
            "position",
            "owner_side",
            "due_days",
            "evidence_kind",
            "course",
            "certification",
            "description",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class StartJourneyForm(StyledFormMixin, forms.Form):
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=JourneyTemplate.objects.filter(is_active=True),
        required=False,
        help_text=_("Leave empty for the template that fits the partnership."),
    )


class StepForm(StyledFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices)
    evidence = forms.CharField(
        label=_("Evidence"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What shows it is done: minutes, a link, a name."),
    )


class ContentItemForm(StyledFormMixin, AudienceFormMixin):
    link = forms.URLField(label=_("Link"), required=False, assume_scheme="https")

    class Meta:
        model = ContentItem
        fields = [
            "kind",
            "title",
            "summary",
            "language",
            "publish_at",
            "expires_at",
            "link",
            "body",
            "partner_types",
            "tiers",
            "territories",
        ]
        widgets = {"publish_at": DATETIME, "expires_at": DATETIME, "body": forms.Textarea(attrs={"rows": 8})}


class VersionForm(StyledFormMixin, forms.Form):
    file = forms.FileField(label=_("File"))
    note = forms.CharField(label=_("What changed"), required=False, max_length=300)


class SupportContactForm(StyledFormMixin, AudienceFormMixin):
    class Meta:
        model = SupportContact
        fields = [
            "partnership",
            "kind",
            "name",
            "email",
            "phone",
            "hours",
            "language",
            "is_active",
            "partner_types",
            "tiers",
            "territories",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from meute.partnerships.models import Partnership

        self.fields["partnership"].queryset = Partnership.objects.order_by("name")
        self.fields["partner_types"].help_text = _("Defaults only. Leave empty for every partner type.")

    def clean(self):
        cleaned = super().clean()
        targeted = cleaned.get("partner_types") or cleaned.get("tiers") or cleaned.get("territories")
        check_audience(cleaned.get("partnership"), bool(targeted))
        return cleaned
