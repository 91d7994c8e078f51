"""Market development funds: what each partner may spend on marketing (allocations), the ledger of every
movement on it, the activities partners propose (requests), the reimbursements they claim with proof, and the
deals attributed to an activity (its ROI).

A balance is never a stored number: it is the sum of the allocation's ledger entries per bucket
(``meute.funds.ledger``). Entries are only ever added.
"""

import datetime
import re
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from meute.core.models import Territory
from meute.deals.models import DealRegistration
from meute.lib import formatting
from meute.lib.models import BusinessModel
from meute.money.currencies import normalize_currency, validate_currency
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet
from meute.programs.models import Program

from .choices import (
    EXPIRY_NOTE,
    SYSTEM_NOTES,
    ActivityType,
    AllocationMethod,
    ClaimStatus,
    EntryKind,
    ProofKind,
    RequestStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}
_EXPIRED_ON = re.compile(re.escape(EXPIRY_NOTE).replace(re.escape("%(date)s"), r"(\d{4}-\d{2}-\d{2})"))


def proof_file_path(instance, filename: str) -> str:
    """A random name: no path from the outside reaches the disk (the original name stays in the row)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if not extension.isalnum() or len(extension) > 8:
        extension = "bin"
    return f"funds/{secrets.token_hex(2)}/{secrets.token_hex(16)}.{extension}"


class AllocationQuerySet(PartnershipScopedQuerySet):
    pass


class FundAllocation(BusinessModel):
    """One partnership's MDF in one programme for one period (a calendar year)."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="fund_allocations"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="fund_allocations"
    )
    period = models.PositiveSmallIntegerField(
        _("period (year)"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    method = models.CharField(
        _("method"), max_length=10, choices=AllocationMethod.choices, default=AllocationMethod.MANUAL
    )
    percent = models.DecimalField(
        _("share applied (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    revenue_basis = models.DecimalField(_("last year's revenue"), null=True, blank=True, **MONEY)
    expires_on = models.DateField(
        _("expires on"), help_text=_("Funds neither committed nor claimed by then expire.")
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )

    objects = AllocationQuerySet.as_manager()

    class Meta:
        verbose_name = _("fund allocation")
        verbose_name_plural = _("fund allocations")
        ordering = ["-period", "partnership__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "program", "period"],
                name="unique_fund_allocation_per_period",
                violation_error_message=_(
                    "This partnership already has an allocation for this programme and period."
                ),
            ),
        ]
        indexes = [
            # The expiry run: allocations past their date.
            models.Index(fields=["expires_on"], name="fund_allocation_expiry_idx"),
        ]

    def __str__(self):
        return f"{self.partnership} — {self.program} {self.period}"

    def get_absolute_url(self):
        return reverse("funds:fund-allocation", kwargs={"uuid": self.uuid})

    def clean_fields(self, exclude=None):
        self.currency = normalize_currency(self.currency)
        super().clean_fields(exclude=exclude)


class EntryQuerySet(PartnershipScopedQuerySet):
    partnership_path = "allocation__partnership_id"


class FundEntry(BusinessModel):
    """One movement on an allocation, in its currency. Never changed, never deleted."""

    allocation = models.ForeignKey(
        FundAllocation, verbose_name=_("allocation"), on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=EntryKind.choices)
    amount = models.DecimalField(_("amount"), **MONEY)
    request = models.ForeignKey(
        "FundRequest",
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    claim = models.ForeignKey(
        "Claim",
        verbose_name=_("claim"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="entries",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, null=True, related_name="+"
    )

    objects = EntryQuerySet.as_manager()

    def shown_note(self) -> str:
        """The note in the reader's language when the ledger wrote it; what a person typed, as typed."""
        if self.note in SYSTEM_NOTES:
            return gettext(self.note)
        expired = _EXPIRED_ON.fullmatch(self.note)
        if expired:
            day = datetime.date.fromisoformat(expired.group(1))
            return gettext(EXPIRY_NOTE) % {"date": formatting.date(day)}
        return self.note

    class Meta:
        verbose_name = _("fund ledger entry")
        verbose_name_plural = _("fund ledger entries")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                name="fund_entry_not_zero",
                condition=~Q(amount=0),
                violation_error_message=_("A ledger entry moves a non-zero amount."),
            ),
        ]
        indexes = [
            # Balances: SUM(amount) per allocation and kind, for one partner or for all, read from the index
            # alone (an index-only scan on PostgreSQL: the amount is in it).
            models.Index(fields=["allocation", "kind", "amount"], name="fund_entry_balance_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount}"


class RequestQuerySet(PartnershipScopedQuerySet):
    partnership_path = "allocation__partnership_id"


class FundRequest(BusinessModel):
    """An activity a partner proposes to pay from its fund: what, when, how much, what it should bring."""

    allocation = models.ForeignKey(
        FundAllocation, verbose_name=_("fund"), on_delete=models.PROTECT, related_name="requests"
    )
    activity_type = models.CharField(_("activity type"), max_length=20, choices=ActivityType.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    territory = models.ForeignKey(
        Territory,
        verbose_name=_("territory"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    budget = models.DecimalField(_("budget"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    budget_in_fund_currency = models.DecimalField(
        _("budget in the fund's currency"), null=True, blank=True, editable=False, **MONEY
    )
    expected_leads = models.PositiveIntegerField(_("expected leads"), default=0)
    expected_opportunities = models.PositiveIntegerField(_("expected opportunities"), default=0)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    approved_amount = models.DecimalField(
        _("approved amount"), null=True, blank=True, editable=False, **MONEY
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)

    objects = RequestQuerySet.as_manager()

    partner_can_create = True
    partner_can_change = True

    class Meta:
        verbose_name = _("fund request")
        verbose_name_plural = _("fund requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="fund_request_dates_ordered",
                condition=Q(end_date__gte=F("start_date")),
                violation_error_message=_("The end date cannot be before the start date."),
            ),
            models.CheckConstraint(
                name="fund_request_budget_positive",
                condition=Q(budget__gt=0),
                violation_error_message=_("The budget must be greater than zero."),
            ),
            models.CheckConstraint(
                name="fund_request_approved_positive",
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gt=0),
                violation_error_message=_("The approved amount must be greater than zero."),
            ),
        ]
        indexes = [
            # The review queue and each fund's requests by status.
            models.Index(fields=["status", "allocation"], name="fund_request_status_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("funds:fund-request", kwargs={"uuid": self.uuid})

    @property
    def partnership(self):
        return self.allocation.partnership

    def clean_fields(self, exclude=None):
        self.currency = normalize_currency(self.currency)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
        if self.budget is not None and self.budget <= 0:
            raise ValidationError({"budget": _("The budget must be greater than zero.")})


class ClaimQuerySet(PartnershipScopedQuerySet):
    partnership_path = "request__allocation__partnership_id"


class Claim(BusinessModel):
    """The reimbursement a partner asks for after its activity, with proof and results. One claim settles a
    request (a rejected one may be followed by another)."""

    request = models.ForeignKey(
        FundRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="claims"
    )
    amount = models.DecimalField(_("amount claimed"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    amount_in_fund_currency = models.DecimalField(
        _("claimed in the fund's currency"), editable=False, **MONEY
    )
    leads = models.PositiveIntegerField(_("leads obtained"), default=0)
    opportunities = models.PositiveIntegerField(_("opportunities obtained"), default=0)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED, editable=False
    )
    approved_amount = models.DecimalField(
        _("approved amount"), null=True, blank=True, editable=False, **MONEY
    )
    override_reason = models.TextField(
        _("reason for exceeding the approved request"), blank=True, editable=False
    )
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True, editable=False)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("claimed by"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        editable=False,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decision_note = models.TextField(_("decision note"), blank=True, editable=False)

    objects = ClaimQuerySet.as_manager()

    partner_can_create = True

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="claim_amount_positive",
                condition=Q(amount__gt=0) & Q(amount_in_fund_currency__gt=0),
                violation_error_message=_("The amount claimed must be greater than zero."),
            ),
            models.CheckConstraint(
                name="claim_approved_not_negative",
                condition=Q(approved_amount__isnull=True) | Q(approved_amount__gte=0),
                violation_error_message=_("The approved amount cannot be negative."),
            ),
            # One live claim per request: two claims sent at once cannot both be counted.
            models.UniqueConstraint(
                fields=["request"],
                condition=~Q(status=ClaimStatus.REJECTED),
                name="one_live_claim_per_request",
                violation_error_message=_("This request already has a claim."),
            ),
        ]

    def __str__(self):
        return f"{self.request} — {self.amount} {self.currency}"

    def get_absolute_url(self):
        return reverse("funds:fund-request", kwargs={"uuid": self.request.uuid}) + f"#claim-{self.uuid}"


class ProofQuerySet(PartnershipScopedQuerySet):
    partnership_path = "claim__request__allocation__partnership_id"


class ProofFile(BusinessModel):
    """Proof of performance: an invoice, a photo, an attendee list."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), on_delete=models.PROTECT, related_name="proofs")
    kind = models.CharField(_("kind"), max_length=12, choices=ProofKind.choices, default=ProofKind.INVOICE)
    file = models.FileField(_("file"), upload_to=proof_file_path, max_length=300)
    name = models.CharField(_("file name"), max_length=150)
    content_type = models.CharField(_("content type"), max_length=120, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)

    objects = ProofQuerySet.as_manager()

    class Meta:
        verbose_name = _("proof of performance")
        verbose_name_plural = _("proofs of performance")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("funds:fund-proof", kwargs={"uuid": self.uuid})


class AttributionQuerySet(PartnershipScopedQuerySet):
    partnership_path = "request__allocation__partnership_id"


class ActivityDeal(BusinessModel):
    """A deal registration that came from an activity: its ROI counts it (a deal counts for one activity)."""

    request = models.ForeignKey(
        FundRequest, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="attributions"
    )
    deal = models.OneToOneField(
        DealRegistration,
        verbose_name=_("deal registration"),
        on_delete=models.CASCADE,
        related_name="fund_activity",
    )

    objects = AttributionQuerySet.as_manager()

    class Meta:
        verbose_name = _("deal attributed to an activity")
        verbose_name_plural = _("deals attributed to activities")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.request} → {self.deal}"
