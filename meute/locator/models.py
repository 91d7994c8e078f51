from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.lib.models import (
    BusinessModel,
    OrganizationScopedQuerySet,
    SharedQuerySet,
)
from meute.locator.choices import EnquiryStatus, LabelKind
from meute.programs.models import Program, Tier


class Label(BusinessModel):
    """A distinction for the most deserving partners: awarded by a rule over data, or by hand."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("awarded"), max_length=10, choices=LabelKind.choices, default=LabelKind.RULE)
    is_public = models.BooleanField(_("shown in the public partner locator"), default=True)
    validity_days = models.PositiveSmallIntegerField(
        _("validity (days)"), default=365, validators=[MinValueValidator(1)]
    )
    # Rule criteria (every criterion set must hold).
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="labels_defined",
        help_text=_("The programme whose tier and revenue currency the rule reads."),
    )
    min_tier = models.ForeignKey(
        Tier,
        verbose_name=_("minimum tier"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    min_certified = models.PositiveIntegerField(_("minimum certified people"), null=True, blank=True)
    min_revenue = models.DecimalField(
        _("minimum revenue over 12 months"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    partner_types = models.JSONField(_("partner types"), default=list, blank=True)
    regions = models.ManyToManyField(
        "core.Territory", verbose_name=_("regions"), blank=True, related_name="+"
    )
    last_evaluated = models.DateTimeField(_("last evaluated"), null=True, blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("label-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        errors = {}
        if not isinstance(self.partner_types, list) or any(
            t not in PartnerType.values for t in self.partner_types
        ):
            errors["partner_types"] = _("Choose partner types from the list.")
        if self.min_tier_id and not self.program_id:
            self.program = self.min_tier.program
        if self.min_tier_id and self.program_id and self.min_tier.program_id != self.program_id:
            errors["min_tier"] = _("This tier belongs to another programme.")
        if errors:
            raise ValidationError(errors)

    def has_criteria(self) -> bool:
        return bool(
            self.min_tier_id
            or self.min_certified is not None
            or self.min_revenue is not None
            or self.partner_types
            or (self.pk and self.regions.exists())
        )


class LabelAward(BusinessModel):
    """A label held by a partner organisation, why (the rule's evidence or the staff note) and until when."""

    label = models.ForeignKey(Label, verbose_name=_("label"), on_delete=models.CASCADE, related_name="awards")
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="labels"
    )
    source = models.CharField(_("awarded"), max_length=10, choices=LabelKind.choices)
    reason = models.TextField(_("reason"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = OrganizationScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("label award")
        verbose_name_plural = _("label awards")
        ordering = ["label__name", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["label", "organization"],
                name="unique_label_award",
                violation_error_message=_("This partner already holds this label."),
            ),
            models.CheckConstraint(
                name="label_award_validity_ordered",
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                violation_error_message=_("The end of validity cannot be before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.label} — {self.organization}"

    def is_valid_on(self, day) -> bool:
        return self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)


class LocatorProfile(BusinessModel):
    """A partner organisation's consent to appear in the public partner locator, with its public blurb."""

    organization = models.OneToOneField(
        "core.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="locator_profile",
    )
    opt_in = models.BooleanField(_("list us in the public partner locator"), default=False)
    public_description = models.TextField(_("public description"), max_length=1000, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    partner_can_change = True
    partner_can_create = True

    class Meta:
        verbose_name = _("locator profile")
        verbose_name_plural = _("locator profiles")
        ordering = ["organization__name"]

    def __str__(self):
        return str(self.organization)


class Enquiry(BusinessModel):
    """A visitor's message sent from a partner's entry in the public locator."""

    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("partner"), on_delete=models.CASCADE, related_name="enquiries"
    )
    name = models.CharField(_("your name"), max_length=120)
    company = models.CharField(_("company"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    message = models.TextField(_("message"), max_length=4000)
    status = models.CharField(
        _("status"), max_length=10, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW
    )
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = OrganizationScopedQuerySet.as_manager()

    partner_can_change = True

    class Meta:
        verbose_name = _("enquiry")
        verbose_name_plural = _("enquiries")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "status"], name="enquiry_org_status_idx")]

    def __str__(self):
        return f"{self.name} → {self.organization}"

    def get_absolute_url(self):
        return reverse("enquiry-detail", kwargs={"uuid": self.uuid})
