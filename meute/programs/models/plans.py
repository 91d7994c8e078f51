import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.lib.models import (
    BusinessModel,
)
from meute.money.currencies import validate_currency
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet
from meute.programs.choices import (
    ObjectiveKind,
    PlanStatus,
)

from .programs import add_months


class BusinessPlan(BusinessModel):
    """The business plan of a partnership: from the letter of intent to the contract, then objectives."""

    partnership = models.OneToOneField(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="business_plan"
    )
    letter_of_intent_date = models.DateField(_("letter of intent"), null=True, blank=True)
    target_contract_date = models.DateField(
        _("target contract date"),
        null=True,
        blank=True,
        help_text=_("Two months after the letter of intent when left empty."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[validate_currency],
        help_text=_(
            "Revenue objectives count in this currency: records in other currencies are converted with the "
            "exchange rate in force on their period."
        ),
    )
    summary = models.TextField(_("summary"), blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("business plan")
        verbose_name_plural = _("business plans")
        ordering = ["partnership__name"]
        constraints = [
            models.CheckConstraint(
                name="business_plan_dates_ordered",
                condition=Q(target_contract_date__isnull=True)
                | Q(letter_of_intent_date__isnull=True)
                | Q(target_contract_date__gte=F("letter_of_intent_date")),
                violation_error_message=_("The contract cannot be targeted before the letter of intent."),
            )
        ]

    def __str__(self):
        return str(_("Business plan of %(partnership)s") % {"partnership": self.partnership})

    def get_absolute_url(self):
        return reverse("businessplan-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        if (
            self.letter_of_intent_date
            and self.target_contract_date
            and self.target_contract_date < self.letter_of_intent_date
        ):
            raise ValidationError(
                {"target_contract_date": _("The contract cannot be targeted before the letter of intent.")}
            )

    def save(self, *args, **kwargs):
        if self.letter_of_intent_date and not self.target_contract_date:
            self.target_contract_date = add_months(self.letter_of_intent_date, 2)
        super().save(*args, **kwargs)

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


class PlanVersionQuerySet(PartnershipScopedQuerySet):
    partnership_path = "plan__partnership_id"


class BusinessPlanVersion(BusinessModel):
    plan = models.ForeignKey(
        BusinessPlan, verbose_name=_("business plan"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    note = models.TextField(_("what changed"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlanVersionQuerySet.as_manager()

    class Meta:
        verbose_name = _("business plan version")
        verbose_name_plural = _("business plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "number"],
                name="unique_business_plan_version",
                violation_error_message=_("This version number already exists for this plan."),
            )
        ]

    def __str__(self):
        return str(_("version %(number)s") % {"number": self.number})


class ObjectiveQuerySet(PartnershipScopedQuerySet):
    partnership_path = "version__plan__partnership_id"


class Objective(BusinessModel):
    """A quantified objective for one quarter; actuals are computed from records (``programs.plans``)."""

    version = models.ForeignKey(
        BusinessPlanVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="objectives"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2200)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ObjectiveKind.choices)
    metric = models.SlugField(
        _("metric code"), max_length=50, blank=True, help_text=_("For a custom objective only.")
    )
    target = models.DecimalField(
        _("target"), max_digits=16, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["year", "quarter", "kind", "metric"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "year", "quarter", "kind", "metric"],
                name="unique_objective_per_quarter",
                violation_error_message=_("This objective is already set for this quarter."),
            ),
            models.CheckConstraint(
                name="objective_quarter_range",
                condition=Q(quarter__gte=1, quarter__lte=4),
                violation_error_message=_("The quarter is 1, 2, 3 or 4."),
            ),
            models.CheckConstraint(
                name="objective_target_not_negative",
                condition=Q(target__gte=0),
                violation_error_message=_("A target cannot be negative."),
            ),
            models.CheckConstraint(
                name="objective_custom_has_metric",
                condition=(Q(kind="custom") & ~Q(metric="")) | (~Q(kind="custom") & Q(metric="")),
                violation_error_message=_(
                    "A custom objective names its metric code; other objectives do not."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.year} Q{self.quarter} {self.get_kind_display()}"

    @property
    def quarter_start(self) -> datetime.date:
        return datetime.date(self.year, 3 * (self.quarter - 1) + 1, 1)

    @property
    def quarter_end(self) -> datetime.date:
        return add_months(self.quarter_start, 3) - datetime.timedelta(days=1)
