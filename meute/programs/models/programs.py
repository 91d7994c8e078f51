import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.lib.models import (
    BusinessModel,
    SharedQuerySet,
    StaffOnlyQuerySet,
)
from meute.money.currencies import normalize_currency, validate_currency
from meute.programs.choices import (
    CostCategory,
)

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


def add_months(day: datetime.date, months: int) -> datetime.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(day)


class Program(BusinessModel):
    name = models.CharField(_("name"), max_length=120)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    value_proposition = models.TextField(_("value proposition"), blank=True)
    benefits = models.JSONField(
        _("benefits catalogue"),
        default=list,
        blank=True,
        help_text=_("Pre-sales support, front and back margins, sales tools, marketing support, …"),
    )
    segmentation_rules = models.TextField(_("segmentation rules"), blank=True)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        validators=[validate_currency],
        help_text=_(
            "Tier revenue counts in this currency: records in other currencies are converted with the "
            "exchange rate in force on their period, those without one are left out."
        ),
    )
    revenue_target = models.DecimalField(
        _("annual revenue target"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    evaluation_months = models.PositiveSmallIntegerField(
        _("evaluation period (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Revenue and metrics are counted over this trailing period."),
    )
    auto_apply = models.BooleanField(
        _("apply tier changes automatically"),
        default=False,
        help_text=_("Otherwise each promotion and demotion waits for approval."),
    )
    demotion_grace_days = models.PositiveSmallIntegerField(
        _("grace period before demotion (days)"), default=90
    )
    tier_validity_days = models.PositiveSmallIntegerField(_("tier validity (days)"), default=365)
    is_active = models.BooleanField(_("active"), default=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner programme")
        verbose_name_plural = _("partner programmes")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="program_evaluation_months_range",
                condition=Q(evaluation_months__gte=1, evaluation_months__lte=60),
                violation_error_message=_("The evaluation period is between 1 and 60 months."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program-detail", kwargs={"uuid": self.uuid})

    def clean_fields(self, exclude=None):
        self.currency = normalize_currency(self.currency)
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        if not isinstance(self.benefits, list) or not all(isinstance(b, str) for b in self.benefits):
            raise ValidationError({"benefits": _("The benefits catalogue is a list of texts.")})


class ProgramPartnerType(BusinessModel):
    """A partner type the programme admits, with its written rights and obligations."""

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="partner_types"
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerType.choices)
    rights = models.TextField(_("rights"), blank=True)
    obligations = models.TextField(_("obligations"), blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("admitted partner type")
        verbose_name_plural = _("admitted partner types")
        ordering = ["program", "partner_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "partner_type"],
                name="unique_program_partner_type",
                violation_error_message=_("This programme already admits this partner type."),
            )
        ]

    def __str__(self):
        return self.get_partner_type_display()


class ProgramCost(BusinessModel):
    """Estimated yearly cost of running the programme, by category."""

    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="costs"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2200)]
    )
    category = models.CharField(_("category"), max_length=20, choices=CostCategory.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("programme cost")
        verbose_name_plural = _("programme costs")
        ordering = ["program", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "year", "category"],
                name="unique_program_cost_per_year",
                violation_error_message=_("This cost category is already estimated for this year."),
            ),
            models.CheckConstraint(
                name="program_cost_not_negative",
                condition=Q(amount__gte=0),
                violation_error_message=_("A cost cannot be negative."),
            ),
        ]

    def __str__(self):
        return f"{self.program} {self.year} {self.get_category_display()}"
