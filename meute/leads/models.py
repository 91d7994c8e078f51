"""Leads the operator generated and the offers that distribute them to channel partners, one at a time.

The database guarantees that a lead has at most one open offer (``one_open_offer_per_lead``); the
workflow locks the lead row before every change, so two answers or a timeout arriving together cannot
assign a lead twice. The routing explanation (``RoutingDecision``) names partners: staff only.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from meute.core import validators
from meute.core.choices import PartnerType
from meute.core.models import ProductLine, Sector, Territory
from meute.deals.choices import Currency
from meute.deals.models import DealRegistration
from meute.lib.models import BusinessModel, StaffOnlyQuerySet, VisibleQuerySet
from meute.partnerships.models import Partnership, PartnershipParty, PartnershipScopedQuerySet

from .choices import LeadSource, LeadStatus, OfferStatus, RoutingTrigger


class LeadQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        # A partner sees the leads offered to its own partnerships (current and past offers), no others.
        seats = PartnershipParty.objects.filter(
            partnership_id=OuterRef("partnership_id"), organization_id=organization_id
        )
        offers = LeadOffer.objects.filter(lead_id=OuterRef("pk")).filter(Exists(seats))
        return self.filter(Exists(offers))


class Lead(BusinessModel):
    company_name = models.CharField(_("company name"), max_length=200)
    siren = models.CharField(_("SIREN"), max_length=9, blank=True, validators=[validators.validate_siren])
    vat_number = models.CharField(
        _("VAT number"), max_length=16, blank=True, validators=[validators.validate_vat_number]
    )
    website = models.URLField(_("website"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="FR")
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    product_lines = models.ManyToManyField(
        ProductLine, verbose_name=_("product lines"), blank=True, related_name="leads"
    )
    amount = models.DecimalField(
        _("estimated amount"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=24, blank=True, validators=[validators.validate_phone]
    )
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=LeadSource.choices, default=LeadSource.OTHER
    )
    # Routing requirements (optional).
    required_partner_type = models.CharField(
        _("required partner type"), max_length=30, choices=PartnerType.choices, blank=True
    )
    required_certification = models.CharField(
        _("required certification"),
        max_length=120,
        blank=True,
        help_text=_("Count only people holding this certification (any certification when empty)."),
    )
    min_certified_people = models.PositiveSmallIntegerField(
        _("minimum certified people"),
        default=0,
        validators=[MaxValueValidator(1000)],
        help_text=_("Valid certified people the partner organisation needs to receive this lead."),
    )
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices, default=LeadStatus.NEW)
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("assigned partnership"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="leads",
    )
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    unassigned_reason = models.TextField(_("reason left unassigned"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.TextField(_("closing note"), blank=True)
    deal = models.ForeignKey(
        DealRegistration,
        verbose_name=_("deal registration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="leads",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = LeadQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="lead_amount_positive",
                condition=Q(amount__isnull=True) | Q(amount__gt=Decimal("0")),
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                name="lead_accepted_has_partnership",
                condition=~Q(status=LeadStatus.ACCEPTED) | Q(partnership__isnull=False),
                violation_error_message=_("An accepted lead belongs to a partnership."),
            ),
        ]
        indexes = [models.Index(fields=["status", "partnership"], name="lead_status_partnership_idx")]

    def __str__(self):
        return self.company_name

    def get_absolute_url(self):
        return reverse("lead-detail", kwargs={"uuid": self.uuid})

    def clean_fields(self, exclude=None):
        self.siren = validators.normalize_siren(self.siren)
        self.vat_number = validators.normalize_vat(self.vat_number)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("The amount must be greater than zero.")})


class LeadOffer(BusinessModel):
    """A lead offered to one channel partnership, with the deadline to answer and the answer."""

    # A lead that was offered keeps its history: it can be closed, not deleted.
    lead = models.ForeignKey(Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="offers")
    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="lead_offers"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    offered_at = models.DateTimeField(_("offered"))
    deadline = models.DateTimeField(_("answer before"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    # A partner answers the offers made to its own partnerships (the workflow checks the rest).
    partner_can_change = True

    class Meta:
        verbose_name = _("lead offer")
        verbose_name_plural = _("lead offers")
        ordering = ["-offered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(status=OfferStatus.PENDING),
                name="one_open_offer_per_lead",
                violation_error_message=_("This lead is already offered to a partner."),
            ),
            models.CheckConstraint(
                name="lead_offer_deadline_after_offer",
                condition=Q(deadline__gt=models.F("offered_at")),
                violation_error_message=_("The deadline must be after the offer."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="lead_offer_status_deadline_idx"),
            models.Index(fields=["partnership", "status"], name="lead_offer_partnership_idx"),
        ]

    def __str__(self):
        return f"{self.lead} → {self.partnership}"

    def get_absolute_url(self):
        return self.lead.get_absolute_url()


class RoutingDecision(BusinessModel):
    """Why a lead went to a partner (or to nobody): every candidate considered, ranked or skipped."""

    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), on_delete=models.PROTECT, related_name="routing_decisions"
    )
    trigger = models.CharField(_("trigger"), max_length=10, choices=RoutingTrigger.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    chosen = models.ForeignKey(
        Partnership,
        verbose_name=_("chosen partnership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # {"ranked": [{"partnership", "name", "weight", "load", "capacity", "score"}],
    #  "skipped": [{"partnership", "name", "code", "params"}]}
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("routing decision")
        verbose_name_plural = _("routing decisions")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.lead} ({self.get_trigger_display()})"


class LeadCapacityQuerySet(PartnershipScopedQuerySet):
    pass


class LeadCapacity(BusinessModel):
    """How many open leads a channel partnership may hold at once (the default applies without a row)."""

    partnership = models.OneToOneField(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="lead_capacity"
    )
    max_open_leads = models.PositiveSmallIntegerField(
        _("maximum open leads"), validators=[MaxValueValidator(10000)]
    )

    objects = LeadCapacityQuerySet.as_manager()

    class Meta:
        verbose_name = _("lead capacity")
        verbose_name_plural = _("lead capacities")
        ordering = ["partnership__name", "pk"]

    def __str__(self):
        return f"{self.partnership}: {self.max_open_leads}"
