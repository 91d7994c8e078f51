"""End customers, deal registrations, the partners sharing a deal and the matcher's weights.

A registration claims one ``Customer`` for one partnership. The database itself guarantees that a customer
has at most one approved (protected) registration at a time: ``one_protected_registration_per_customer``;
``meute.deals.workflow`` extends the promise to every spelling of one company (locks and a re-check).
A customer is saved through ``meute.deals.customers.save_customer``, which keeps its normalised name and its
blocking keys in step: models hold data, the rules live in the modules that import them.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from meute.core import validators
from meute.core.models import Organization, ProductLine, Sector
from meute.lib.models import BusinessModel, StaffOnlyQuerySet, VisibleQuerySet
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet

from .choices import Currency, DealPartyRole, DealStage, MatchLevel


class CustomerQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        # A partner sees the customers of its own registrations, never the rest of the customer base.
        deals = DealRegistration.objects.for_organization(organization_id).filter(customer_id=OuterRef("pk"))
        return self.filter(Exists(deals))


class Customer(BusinessModel):
    """An end-customer company, with the normalised keys the conflict detector compares."""

    name = models.CharField(_("company name"), max_length=200)
    name_key = models.CharField(_("normalised name"), max_length=200, editable=False, default="")
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, validators=[validators.validate_siren], db_index=True
    )
    vat_number = models.CharField(
        _("VAT number"), max_length=16, blank=True, validators=[validators.validate_vat_number], db_index=True
    )
    website_domain = models.CharField(_("website domain"), max_length=253, blank=True, db_index=True)
    email_domain = models.CharField(_("e-mail domain"), max_length=253, blank=True, db_index=True)
    # A database default too: rows written by bulk loaders that predate the column stay valid.
    phone = models.CharField(
        _("phone"),
        max_length=24,
        blank=True,
        validators=[validators.validate_phone],
        default="",
        db_default="",
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=12, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = CountryField(_("country"), default="FR")
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_direct_account = models.BooleanField(
        _("direct-sales account"),
        default=False,
        help_text=_("An account the operator's own sales team handles: partners cannot claim it."),
    )
    account_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="direct_accounts",
    )

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="unique_customer_siren",
                violation_error_message=_("Another customer already has this SIREN."),
            ),
            models.CheckConstraint(
                name="customer_owner_only_for_direct_accounts",
                condition=Q(is_direct_account=True) | Q(account_owner__isnull=True),
                violation_error_message=_("Only a direct-sales account has an account owner."),
            ),
        ]
        indexes = [models.Index(fields=["name_key"], name="customer_name_key_idx")]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        self.siren = validators.normalize_siren(self.siren)
        self.vat_number = validators.normalize_vat(self.vat_number)
        self.website_domain = validators.normalize_domain(self.website_domain)
        self.email_domain = validators.normalize_domain(self.email_domain)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.account_owner_id and not self.is_direct_account:
            raise ValidationError({"account_owner": _("Only a direct-sales account has an account owner.")})


class CustomerKey(models.Model):
    """Blocking keys of a customer (see meute.deals.blocking): a check reads the few customers sharing a
    key, not the table."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=40)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "customer"], name="unique_customer_key")]

    def __str__(self):
        return self.key


REGISTERED_CUSTOMER_FIELDS = (
    "name",
    "siren",
    "vat_number",
    "website_domain",
    "email_domain",
    "address",
    "postal_code",
    "city",
    "country",
    "phone",
)


class DealQuerySet(PartnershipScopedQuerySet):
    def open(self):
        return self.filter(stage__in=[DealStage.SUBMITTED, DealStage.APPROVED])


class DealRegistration(BusinessModel):
    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="deals"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="deals"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registered_deals",
    )
    title = models.CharField(_("opportunity"), max_length=200, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=24, blank=True, validators=[validators.validate_phone]
    )
    contact_title = models.CharField(_("contact job title"), max_length=150, blank=True)
    product_lines = models.ManyToManyField(
        ProductLine, verbose_name=_("product lines"), blank=True, related_name="deals"
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    margin = models.DecimalField(
        _("margin"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The margin made on the deal, for remuneration rules based on margin."),
    )
    # A margin the partner stated waits for a channel manager's verification before payouts use it.
    margin_declared = models.BooleanField(
        _("margin waiting for verification"), default=False, db_default=False, editable=False
    )
    # A deal a partner marked won waits for a channel manager's verification before payouts count it.
    won_declared = models.BooleanField(
        _("win waiting for verification"), default=False, db_default=False, editable=False
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    expected_close_date = models.DateField(_("expected close date"))
    stage = models.CharField(_("stage"), max_length=10, choices=DealStage.choices, default=DealStage.DRAFT)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    protection_start = models.DateField(_("protected from"), null=True, blank=True)
    protection_end = models.DateField(_("protected until"), null=True, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("extensions"), default=0)
    extension_requested_at = models.DateTimeField(_("extension requested"), null=True, blank=True)
    extension_request_reason = models.TextField(_("why the partner asks for more time"), blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_deals",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    auto_approved = models.BooleanField(_("approved automatically"), default=False)
    decision_reason = models.TextField(_("reason"), blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    conflict_level = models.CharField(
        _("conflict"), max_length=10, choices=MatchLevel.choices, default=MatchLevel.DISTINCT
    )
    conflict_score = models.DecimalField(_("conflict score"), max_digits=4, decimal_places=3, default=0)
    # The evidence found at submission, for the channel manager only (it names other partners' deals).
    conflict_evidence = models.JSONField(default=dict, blank=True, editable=False)
    # The customer as this partner typed it. The Customer row is shared by every registration of the
    # same company (that is how exclusivity is enforced), so partners are shown their own words only.
    customer_as_registered = models.JSONField(
        _("customer as registered"), default=dict, blank=True, editable=False
    )
    # The partner exhausted the conflict-check budget when registering: the conflict level is not shown to
    # them (page, API, answer) and the registration waits for a channel manager.
    conflict_hint_withheld = models.BooleanField(
        _("conflict hint withheld"), default=False, db_default=False, editable=False
    )
    idempotency_key = models.CharField(
        _("idempotency key"),
        max_length=64,
        blank=True,
        help_text=_("Sent again with a retried submission, it returns the first registration."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = DealQuerySet.as_manager()

    partner_can_create = True
    partner_can_change = True

    class Meta:
        verbose_name = _("deal registration")
        verbose_name_plural = _("deal registrations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="deal_amount_positive",
                condition=Q(amount__gt=Decimal("0")),
                violation_error_message=_("The amount must be greater than zero."),
            ),
            models.CheckConstraint(
                name="deal_margin_not_negative",
                condition=Q(margin__isnull=True) | Q(margin__gte=Decimal("0")),
                violation_error_message=_("The margin cannot be negative."),
            ),
            models.CheckConstraint(
                name="deal_protection_dates_ordered",
                condition=Q(protection_start__isnull=True)
                | Q(protection_end__isnull=True)
                | Q(protection_end__gte=F("protection_start")),
                violation_error_message=_("The protection cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="deal_approved_has_protection",
                condition=~Q(stage=DealStage.APPROVED)
                | Q(protection_start__isnull=False, protection_end__isnull=False),
                violation_error_message=_("An approved registration has a protection period."),
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(stage=DealStage.APPROVED),
                name="one_protected_registration_per_customer",
                violation_error_message=_("This customer is already protected by another registration."),
            ),
            models.UniqueConstraint(
                fields=["partnership", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="unique_deal_idempotency_key",
                violation_error_message=_("This submission was already received."),
            ),
        ]
        indexes = [
            models.Index(fields=["stage", "protection_end"], name="deal_stage_protection_idx"),
            models.Index(fields=["customer", "stage"], name="deal_customer_stage_idx"),
            models.Index(fields=["partnership", "stage"], name="deal_partnership_stage_idx"),
        ]

    def __str__(self):
        return self.title or self.registered_customer_name

    @property
    def registered_customer_name(self) -> str:
        return self.customer_as_registered.get("name") or str(self.customer)

    def registered_customer(self) -> dict:
        """The customer's fields as registered (the shared record's for registrations made before)."""
        values = {name: getattr(self.customer, name, "") for name in REGISTERED_CUSTOMER_FIELDS}
        values["country"] = str(values["country"] or "")
        if self.customer_as_registered:
            values.update({k: v for k, v in self.customer_as_registered.items() if k in values})
        values["uuid"] = self.customer.uuid
        return values

    def get_absolute_url(self):
        return reverse("deal-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("The amount must be greater than zero.")})
        if self.margin is not None and self.amount is not None and self.margin > self.amount:
            raise ValidationError({"margin": _("The margin cannot exceed the amount.")})


class DealPartyQuerySet(PartnershipScopedQuerySet):
    partnership_path = "deal__partnership_id"


class DealParty(BusinessModel):
    """One of several partners working a deal (e.g. a distributor and a reseller), with its role."""

    deal = models.ForeignKey(
        DealRegistration, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="parties"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="deal_seats"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=DealPartyRole.choices, default=DealPartyRole.RESELLER
    )
    share = models.DecimalField(_("share (%)"), max_digits=5, decimal_places=2, null=True, blank=True)

    objects = DealPartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("deal party")
        verbose_name_plural = _("deal parties")
        ordering = ["deal", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "organization"],
                name="unique_deal_party",
                violation_error_message=_("This organisation is already on this deal."),
            ),
            models.CheckConstraint(
                name="deal_party_share_percent",
                condition=Q(share__isnull=True) | Q(share__gte=0, share__lte=100),
                violation_error_message=_("A share is a percentage between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.deal}"


class MatcherWeights(BusinessModel):
    """One version of the conflict matcher's weights (m and u per field and level), learnt from the base.

    The active version is the one every check uses; earlier versions stay for the record. Staff only.
    """

    version = models.PositiveIntegerField(_("version"), unique=True)
    parameters = models.JSONField(_("parameters"), default=dict)
    base_size = models.PositiveIntegerField(
        _("customers in the base"),
        default=0,
        help_text=_("Name frequencies are shares of this number."),
    )
    # Blocking keys too common to read (held by more customers than blocking.KEY_FREQUENCY_CAP).
    stop_keys = models.JSONField(_("common blocking keys"), default=list, blank=True)
    records_used = models.PositiveIntegerField(_("records used"), default=0)
    pairs_used = models.PositiveIntegerField(_("pairs used"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    trained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("trained by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("in force"), default=False)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("matcher weights")
        verbose_name_plural = _("matcher weights")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True),
                name="one_matcher_weights_in_force",
                violation_error_message=_("Only one version of the weights is in force."),
            ),
        ]

    def __str__(self):
        return str(_("Weights v%(version)s") % {"version": self.version})
