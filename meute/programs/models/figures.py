from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import ProductLine
from meute.lib.models import BusinessModel
from meute.money.currencies import normalize_currency, validate_currency
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet
from meute.programs.choices import (
    SATISFACTION,
    WON_DEALS,
    FigureStatus,
    RevenueSource,
)


class RevenueQuerySet(PartnershipScopedQuerySet):
    def counted(self):
        """What counts toward tiers, labels and plans: verified records only (declared ones wait)."""
        return self.filter(status=FigureStatus.VERIFIED)

    def waiting(self):
        return self.filter(status=FigureStatus.DECLARED)


class RevenueRecord(BusinessModel):
    """What a partner sold in a period: reported by the partner, imported or sent through the API."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.PROTECT, related_name="revenue_records"
    )
    period = models.DateField(_("period"))
    product_line = models.ForeignKey(
        ProductLine,
        verbose_name=_("product line"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_name = models.CharField(_("customer"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="EUR", validators=[validate_currency])
    is_credit_note = models.BooleanField(_("credit note"), default=False)
    source = models.CharField(
        _("source"), max_length=20, choices=RevenueSource.choices, default=RevenueSource.MANUAL
    )
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    # A partner's report is declared; it counts once staff (or the operator's automatic rule) verify it.
    status = models.CharField(
        _("verification"),
        max_length=10,
        choices=FigureStatus.choices,
        default=FigureStatus.VERIFIED,
        db_default=FigureStatus.VERIFIED,  # bulk writers (imports, benchmarks) leave the column out
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    declared_at = models.DateTimeField(_("declared"), null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True, editable=False)
    verification_note = models.TextField(
        _("verification note"), blank=True, editable=False, default="", db_default=""
    )

    objects = RevenueQuerySet.as_manager()

    partner_can_create = True

    class Meta:
        verbose_name = _("revenue record")
        verbose_name_plural = _("revenue records")
        ordering = ["-period", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="revenue_sign_matches_credit_note",
                condition=Q(is_credit_note=False, amount__gte=0) | Q(is_credit_note=True, amount__lte=0),
                violation_error_message=_(
                    "A negative amount must be flagged as a credit note, "
                    "and a credit note cannot be positive."
                ),
            ),
        ]
        indexes = [
            # Tier evaluation: revenue of every partnership over a period, in one GROUP BY.
            models.Index(fields=["period", "partnership", "currency"], name="revenue_period_partner_idx"),
            models.Index(fields=["partnership", "period"], name="revenue_partner_period_idx"),
            # The verification queue: declared records, oldest first.
            models.Index(fields=["status", "created_at"], name="revenue_status_idx"),
        ]

    def __str__(self):
        return f"{self.partnership} {self.period} {self.amount} {self.currency}"

    def get_absolute_url(self):
        return reverse("revenue-list") + f"?partnership={self.partnership.uuid}"

    def clean_fields(self, exclude=None):
        self.currency = normalize_currency(self.currency)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if self.amount is not None and self.amount < 0 and not self.is_credit_note:
            raise ValidationError({"amount": _("A negative amount must be flagged as a credit note.")})
        if self.amount is not None and self.amount > 0 and self.is_credit_note:
            raise ValidationError({"amount": _("A credit note has a negative (or zero) amount.")})


class PartnerMetric(BusinessModel):
    """A measured value for a partnership and period: won deals, satisfaction score, or a custom metric."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="metrics"
    )
    metric = models.SlugField(_("metric code"), max_length=50)
    period = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner metric")
        verbose_name_plural = _("partner metrics")
        ordering = ["-period", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "metric", "period"],
                name="unique_partner_metric_per_period",
                violation_error_message=_("This metric is already recorded for this period."),
            )
        ]
        indexes = [models.Index(fields=["period", "metric", "partnership"], name="metric_period_idx")]

    def __str__(self):
        return f"{self.partnership} {self.metric} {self.period}: {self.value}"

    def get_absolute_url(self):
        return reverse("partnermetric-update", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        problem = metric_value_problem(self.metric, self.value)
        if problem:
            raise ValidationError({"value": problem})


def metric_value_problem(metric: str, value) -> str | None:
    """Why ``value`` cannot be a measure of ``metric`` (None when it can): a satisfaction score is between
    0 and 10, a count of won deals is a whole number, 0 or more."""
    if not isinstance(value, Decimal):
        return None  # not a number: the field's own validation says so
    if metric == SATISFACTION and not (Decimal("0") <= value <= Decimal("10")):
        return str(_("A satisfaction score is between 0 and 10."))
    if metric == WON_DEALS and (value < 0 or value != value.to_integral_value()):
        return str(_("Won deals are counted in whole numbers, 0 or more."))
    return None
