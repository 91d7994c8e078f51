from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.core.models import Person
from meute.lib.models import BusinessModel, StaffOnlyQuerySet
from meute.notifications.messages import render
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet

from ..choices import EvidenceKind, JourneyStatus, StepOwner, StepStatus


class JourneyTemplate(BusinessModel):
    """The onboarding checklist for a kind of partner: a programme, a partner type and a tier (each
    optional: an empty one matches every partner). The most specific active template is used."""

    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="journey_templates",
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerType.choices, blank=True)
    tier = models.ForeignKey(
        "programs.Tier",
        verbose_name=_("tier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="journey_templates",
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding journey template")
        verbose_name_plural = _("onboarding journey templates")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("enablement:template-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        if self.tier_id and self.program_id and self.tier.program_id != self.program_id:
            raise ValidationError({"tier": _("This tier belongs to another programme.")})


class TemplateStep(BusinessModel):
    template = models.ForeignKey(
        JourneyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(
        _("done by"), max_length=10, choices=StepOwner.choices, default=StepOwner.PARTNER
    )
    due_days = models.PositiveSmallIntegerField(
        _("due after (days)"), default=30, help_text=_("Days after the journey starts.")
    )
    evidence_kind = models.CharField(
        _("evidence"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.MANUAL
    )
    course = models.ForeignKey(
        "enablement.Course",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a course step: this course (empty: any course)."),
    )
    certification = models.ForeignKey(
        "enablement.Certification",
        verbose_name=_("certification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a certification step: this certification (empty: any)."),
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("template step")
        verbose_name_plural = _("template steps")
        ordering = ["template", "position", "pk"]

    def __str__(self):
        return self.title


class Journey(BusinessModel):
    """A partnership's onboarding journey, made from a template when the partnership became active."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="journeys"
    )
    template = models.ForeignKey(
        JourneyTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journeys",
    )
    name = models.CharField(_("name"), max_length=150)
    status = models.CharField(
        _("status"), max_length=10, choices=JourneyStatus.choices, default=JourneyStatus.ACTIVE
    )
    started_on = models.DateField(_("started on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding journey")
        verbose_name_plural = _("onboarding journeys")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership"],
                condition=Q(status="active"),
                name="single_active_journey",
                violation_error_message=_("This partnership already has an onboarding journey in progress."),
            )
        ]

    def __str__(self):
        return f"{self.name} — {self.partnership}"

    def get_absolute_url(self):
        return reverse("enablement:journey-detail", kwargs={"uuid": self.uuid})


class JourneyStepQuerySet(PartnershipScopedQuerySet):
    partnership_path = "journey__partnership_id"

    def open(self):
        return self.filter(status__in=(StepStatus.TODO, StepStatus.IN_PROGRESS))


class JourneyStep(BusinessModel):
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_side = models.CharField(_("done by"), max_length=10, choices=StepOwner.choices)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="journey_steps",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.TODO)
    evidence_kind = models.CharField(
        _("evidence"), max_length=20, choices=EvidenceKind.choices, default=EvidenceKind.MANUAL
    )
    course = models.ForeignKey(
        "enablement.Course",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    certification = models.ForeignKey(
        "enablement.Certification",
        verbose_name=_("certification"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    evidence = models.TextField(_("evidence"), blank=True)
    # What proved an automatic step, as message ids and parameters (meute.notifications.messages): read in
    # the reader's language; ``evidence`` keeps the text (typed by a person for a manual step).
    evidence_parts = models.JSONField(_("evidence (every language)"), null=True, blank=True, editable=False)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = JourneyStepQuerySet.as_manager()

    partner_can_change = True  # its own side's steps only (``journeys.update_step`` checks)

    class Meta:
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        ordering = ["journey", "position", "pk"]
        indexes = [
            # The portal's "next steps": open steps of a journey by due date.
            models.Index(fields=["journey", "status", "due_date"], name="journey_step_open_idx"),
        ]

    @property
    def evidence_text(self) -> str:
        """The evidence in the active language."""
        return render(self.evidence_parts) if self.evidence_parts else self.evidence

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return self.journey.get_absolute_url() + f"#step-{self.uuid}"

    @property
    def is_closed(self) -> bool:
        return self.status in (StepStatus.DONE, StepStatus.SKIPPED)
