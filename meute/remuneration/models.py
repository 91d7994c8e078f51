"""Remuneration rules (effective-dated versions), sales-cycle steps on deals, and payouts.

A partnership (a grouping or a channel partnership) has rule versions; each version is in force from its
``valid_from`` until the next version's. Payouts are computed from won deals with the version in force on
the deal's date (see ``meute.remuneration.payouts``), then approved, paid or put on hold by the operator.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization
from meute.deals.choices import Currency, DealPartyRole
from meute.deals.models import DealRegistration
from meute.lib.models import BusinessModel, VisibleQuerySet
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet
from meute.remuneration.choices import Basis, PayoutStatus, RuleKind, SalesStep, WeightSource

__all__ = [
    "RemunerationVersion",
    "RemunerationRule",
    "DealStepAssignment",
    "Payout",
    "PayoutStatus",
]


class RemunerationVersionQuerySet(PartnershipScopedQuerySet):
    pass


class RemunerationVersion(BusinessModel):
    """The remuneration rules of one partnership from ``valid_from`` until the next version starts."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="remuneration_versions",
    )
    valid_from = models.DateField(_("in force from"))
    referral_min_rate = models.DecimalField(
        _("lowest referral fee (%)"), max_digits=5, decimal_places=2, default=Decimal("5.00")
    )
    referral_max_rate = models.DecimalField(
        _("highest referral fee (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = RemunerationVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("remuneration rule version")
        verbose_name_plural = _("remuneration rule versions")
        ordering = ["partnership", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "valid_from"],
                name="unique_remuneration_version_start",
                violation_error_message=_("Another version of these rules starts on the same day."),
            ),
            models.CheckConstraint(
                name="remuneration_referral_range",
                condition=Q(referral_min_rate__gte=0, referral_max_rate__lte=100)
                & Q(referral_min_rate__lte=F("referral_max_rate")),
                violation_error_message=_(
                    "The allowed referral range must go from a lower to a higher percentage within 0–100."
                ),
            ),
        ]

    def __str__(self):
        return _("%(partnership)s — rules from %(date)s") % {
            "partnership": self.partnership,
            "date": self.valid_from.isoformat(),
        }

    def get_absolute_url(self):
        return reverse("groupings:payout-rules", kwargs={"uuid": self.partnership.uuid})

    def is_locked(self) -> bool:
        """Rules already used by approved, paid or held payouts never change: add a new version instead."""
        return self.payouts.exclude(status=PayoutStatus.COMPUTED).exists()


class RemunerationRuleQuerySet(PartnershipScopedQuerySet):
    partnership_path = "version__partnership_id"


class RemunerationRule(BusinessModel):
    version = models.ForeignKey(
        RemunerationVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RuleKind.choices)
    basis = models.CharField(_("basis"), max_length=10, choices=Basis.choices, default=Basis.AMOUNT)
    rate = models.DecimalField(_("percentage"), max_digits=5, decimal_places=2, null=True, blank=True)
    fixed_amount = models.DecimalField(
        _("fixed amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    party_role = models.CharField(
        _("deal role paid"), max_length=20, choices=DealPartyRole.choices, blank=True
    )
    # [{"step": "prospection", "percent": "20"}, ...] — the shares of a role split.
    steps = models.JSONField(_("sales-cycle steps"), default=list, blank=True)
    weight_source = models.CharField(
        _("pool weights"), max_length=15, choices=WeightSource.choices, default=WeightSource.INVOLVEMENT
    )
    # {"<organisation uuid>": "3", ...} — explicit pool weights.
    weights = models.JSONField(_("weights"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = RemunerationRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("remuneration rule")
        verbose_name_plural = _("remuneration rules")
        ordering = ["version", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                name="remuneration_rule_amounts_not_negative",
                condition=(Q(rate__isnull=True) | Q(rate__gte=0, rate__lte=100))
                & (Q(fixed_amount__isnull=True) | Q(fixed_amount__gte=0)),
                violation_error_message=_("Percentages are within 0–100 and amounts are not negative."),
            )
        ]

    def __str__(self):
        return str(self.get_kind_display())

    def steps_display(self) -> str:
        labels = dict(SalesStep.choices)
        return ", ".join(f"{labels.get(s['step'], s['step'])} {s['percent']} %" for s in self.steps or [])


class DealStepAssignmentQuerySet(PartnershipScopedQuerySet):
    partnership_path = "deal__partnership_id"


class DealStepAssignment(BusinessModel):
    """Which member carried which step of a deal's sales cycle (the basis of a role split)."""

    deal = models.ForeignKey(
        DealRegistration, verbose_name=_("deal"), on_delete=models.CASCADE, related_name="step_assignments"
    )
    step = models.CharField(_("sales-cycle step"), max_length=15, choices=SalesStep.choices)
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )

    objects = DealStepAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("sales-cycle step")
        verbose_name_plural = _("sales-cycle steps")
        ordering = ["deal", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "step", "organization"],
                name="unique_deal_step_member",
                violation_error_message=_("This member is already assigned to this step."),
            )
        ]

    def __str__(self):
        return f"{self.get_step_display()} — {self.organization}"

    def clean(self):
        super().clean()
        if (
            self.deal_id
            and self.organization_id
            and not self.deal.parties.filter(organization_id=self.organization_id).exists()
        ):
            raise ValidationError({"organization": _("Only an organisation on the deal can carry a step.")})


class PayoutQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        # A member sees its own payouts only, not what its co-members earn.
        return self.filter(organization_id=organization_id)


class Payout(BusinessModel):
    """What one member earns on one won deal, with the rule version used and how it was computed.

    Payouts are derived rows written in bulk (millions per year for a large network) from the deals, parties
    and rule versions read in the same transaction. Their references have no database foreign-key
    constraints: the per-row checks would cost minutes per million payouts. Django still protects them
    (``on_delete=PROTECT``: a deal, member, partnership or rule version with payouts cannot be deleted).
    """

    deal = models.ForeignKey(
        DealRegistration,
        verbose_name=_("deal"),
        on_delete=models.PROTECT,
        related_name="payouts",
        db_index=False,  # the unique (deal, organisation) index serves
        db_constraint=False,
    )
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.PROTECT,
        related_name="payouts",
        db_index=False,  # (partnership, deal date) serves
        db_constraint=False,
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="payouts",
        db_index=False,  # (organisation, deal date) serves
        db_constraint=False,
    )
    version = models.ForeignKey(
        RemunerationVersion,
        verbose_name=_("rule version"),
        on_delete=models.PROTECT,
        related_name="payouts",
        db_index=False,  # (version, status) serves
        db_constraint=False,
    )
    deal_date = models.DateField(_("deal date"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, default=Currency.EUR)
    # Stored when the payout is settled (approved, paid, on hold); worked out again for computed ones.
    components = models.JSONField(_("explanation"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PayoutStatus.choices, default=PayoutStatus.COMPUTED
    )
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("status changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,  # a deferred check would queue one trigger event per payout written
    )
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_note = models.TextField(_("status note"), blank=True)

    objects = PayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
        ordering = ["-deal_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "organization"],
                name="unique_payout_per_deal_member",
                violation_error_message=_("This member already has a payout for this deal."),
            ),
            models.CheckConstraint(
                name="payout_amount_not_negative",
                condition=Q(amount__gte=0),
                violation_error_message=_("A payout cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["partnership", "deal_date"], name="payout_partnership_date_idx"),
            models.Index(fields=["organization", "deal_date"], name="payout_member_date_idx"),
            # Rule versions used by payouts that are no longer merely computed (they lock the version):
            # a partial index, which the bulk insert of computed payouts does not touch.
            models.Index(
                fields=["version"], condition=~Q(status="computed"), name="payout_version_settled_idx"
            ),
        ]

    def __str__(self):
        return f"{self.organization} — {self.deal} — {self.amount} {self.currency}"

    # How the amount was computed is ``meute.remuneration.payouts.explain``: stored in ``components`` once
    # the payout is settled, worked out from its deal while it is merely computed.
