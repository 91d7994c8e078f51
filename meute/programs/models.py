"""Partner programmes, tiers with requirements and benefits, tier history, revenue and business plans.

Tier requirements are data (not code): ``meute.programs.tiering`` reads them. Every change to a tier's
requirements or benefits is kept as an effective-dated ``TierRuleVersion``, so a past evaluation stays
explainable by the rules in force on its date; a version may also be scheduled for a later date
(``meute.programs.rule_versions``).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meute.core.choices import PartnerType
from meute.core.models import Person, ProductLine
from meute.lib.models import (
    BusinessModel,
    SharedQuerySet,
    StaffOnlyQuerySet,
    VisibleQuerySet,
)
from meute.money.currencies import normalize_currency, validate_currency
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet

from .choices import (
    SATISFACTION,
    WON_DEALS,
    CertifiedRole,
    ChangeKind,
    ChangeStatus,
    CostCategory,
    ObjectiveKind,
    PlanStatus,
    RevenueSource,
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


REQUIREMENT_FIELDS = (
    "min_revenue",
    "min_certified",
    "min_won_deals",
    "min_satisfaction",
    "custom_thresholds",
)
BENEFIT_FIELDS = (
    "margin_percent",
    "mdf_percent",
    "protection_days",
    "lead_weight",
    "locator_listing",
    "labels",
)


class Tier(BusinessModel):
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="tiers"
    )
    name = models.CharField(_("name"), max_length=60)
    rank = models.PositiveSmallIntegerField(_("rank"), help_text=_("1 is the entry tier; higher is better."))
    description = models.TextField(_("description"), blank=True)
    # Requirements (all optional; a tier with none is reached by every member).
    min_revenue = models.DecimalField(
        _("minimum revenue over the evaluation period"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    min_certified = models.JSONField(
        _("minimum certified people per role"),
        default=dict,
        blank=True,
        help_text=_('For example {"sales": 3, "consultant": 2}.'),
    )
    min_won_deals = models.PositiveIntegerField(_("minimum won deals"), null=True, blank=True)
    min_satisfaction = models.DecimalField(
        _("minimum customer satisfaction (0–10)"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("10"))],
    )
    custom_thresholds = models.JSONField(
        _("custom metric thresholds"),
        default=dict,
        blank=True,
        help_text=_("Metric code → minimum total over the evaluation period."),
    )
    # Benefits.
    margin_percent = models.DecimalField(
        _("margin (%)"), max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    mdf_percent = models.DecimalField(
        _("MDF (% of revenue)"), max_digits=5, decimal_places=2, default=Decimal("0"), validators=PERCENT
    )
    protection_days = models.PositiveSmallIntegerField(_("deal protection (days)"), default=0)
    lead_weight = models.PositiveSmallIntegerField(_("lead distribution weight"), default=1)
    locator_listing = models.BooleanField(_("listed in the partner locator"), default=False)
    labels = models.JSONField(_("labels"), default=list, blank=True)

    objects = SharedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["program", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "rank"],
                name="unique_tier_rank_per_program",
                violation_error_message=_("Another tier of this programme has this rank."),
            ),
            models.UniqueConstraint(
                fields=["program", "name"],
                name="unique_tier_name_per_program",
                violation_error_message=_("Another tier of this programme has this name."),
            ),
            models.CheckConstraint(
                name="tier_percentages_range",
                condition=Q(
                    margin_percent__gte=0, margin_percent__lte=100, mdf_percent__gte=0, mdf_percent__lte=100
                ),
                violation_error_message=_("Margin and MDF are percentages between 0 and 100."),
            ),
            models.CheckConstraint(
                name="tier_min_revenue_not_negative",
                condition=Q(min_revenue__isnull=True) | Q(min_revenue__gte=0),
                violation_error_message=_("The minimum revenue cannot be negative."),
            ),
            models.CheckConstraint(
                name="tier_min_satisfaction_range",
                condition=Q(min_satisfaction__isnull=True)
                | Q(min_satisfaction__gte=0, min_satisfaction__lte=10),
                violation_error_message=_("Satisfaction is a score between 0 and 10."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program-detail", kwargs={"uuid": self.program.uuid}) + f"#tier-{self.uuid}"

    def clean(self):
        super().clean()
        self.clean_rules()
        if self.program_id is not None and self.rank is not None:
            from .rule_versions import check_tier_edit

            # From today, and on every date a scheduled version takes over: never a higher tier easier
            # than a lower one.
            check_tier_edit(self)

    def clean_rules(self):
        """The shape of the requirements and benefits (also checked for a scheduled version's rules)."""
        errors = {}
        if not isinstance(self.min_certified, dict):
            errors["min_certified"] = _("Give a count per role.")
        else:
            for role, count in self.min_certified.items():
                if role not in CertifiedRole.values:
                    errors["min_certified"] = _("Unknown role “%(role)s”.") % {"role": role}
                elif not isinstance(count, int) or isinstance(count, bool) or count < 0:
                    errors["min_certified"] = _("Counts of certified people are whole numbers, 0 or more.")
        if not isinstance(self.custom_thresholds, dict):
            errors["custom_thresholds"] = _("Give a minimum per metric code.")
        else:
            for code, value in self.custom_thresholds.items():
                try:
                    Decimal(str(value))
                except ArithmeticError:
                    errors["custom_thresholds"] = _("The threshold of “%(code)s” is not a number.") % {
                        "code": code
                    }
        if not isinstance(self.labels, list) or not all(isinstance(x, str) for x in self.labels):
            errors["labels"] = _("Labels are a list of texts.")
        if errors:
            raise ValidationError(errors)

    def requirements(self) -> dict:
        return {
            "min_revenue": None if self.min_revenue is None else str(self.min_revenue),
            "min_certified": dict(sorted((self.min_certified or {}).items())),
            "min_won_deals": self.min_won_deals,
            "min_satisfaction": None if self.min_satisfaction is None else str(self.min_satisfaction),
            "custom_thresholds": {k: str(v) for k, v in sorted((self.custom_thresholds or {}).items())},
        }

    def benefits(self) -> dict:
        return {
            "margin_percent": str(self.margin_percent),
            "mdf_percent": str(self.mdf_percent),
            "protection_days": self.protection_days,
            "lead_weight": self.lead_weight,
            "locator_listing": self.locator_listing,
            "labels": list(self.labels or []),
        }

    def save(self, *args, **kwargs):
        before = None
        if self.pk is not None:
            before = Tier.objects.filter(pk=self.pk).first()
        super().save(*args, **kwargs)
        if (
            before is not None
            and same_rules(before.requirements(), before.benefits(), self.requirements(), self.benefits())
            and self.versions.exists()
        ):
            # This save changed no rule (a name, a rank, a description): the rules stay those of the version
            # in force, even if the tier's own fields have not caught up with a scheduled version yet.
            return
        record_rule_version(self)


class TierRuleVersion(BusinessModel):
    """The requirements and benefits of a tier in force from a date (one version per tier and day)."""

    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.CASCADE, related_name="versions")
    effective_from = models.DateField(_("effective from"))
    requirements = models.JSONField(_("requirements"), default=dict)
    benefits = models.JSONField(_("benefits"), default=dict)

    # Rule versions (and the versions scheduled for later) are the operator's: partner users see the rules
    # in force on the programme page, never this history.
    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("tier rule version")
        verbose_name_plural = _("tier rule versions")
        ordering = ["tier", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "effective_from"],
                name="unique_tier_rule_version_per_day",
                violation_error_message=_("This tier already has rules effective from this date."),
            )
        ]

    def __str__(self):
        return f"{self.tier} {self.effective_from}"

    def get_absolute_url(self):
        return reverse(
            "program-tier-detail", kwargs={"uuid": self.tier.program.uuid, "tier_uuid": self.tier.uuid}
        )

    def rule_values(self) -> dict:
        """The tier field values these rules stand for."""
        return rule_values(self.requirements, self.benefits)


def rule_values(requirements: dict, benefits: dict) -> dict:
    """The values of a tier's requirement and benefit fields, from the JSON kept in a version."""

    def dec(value):
        return None if value in (None, "") else Decimal(str(value))

    requirements, benefits = requirements or {}, benefits or {}
    return {
        "min_revenue": dec(requirements.get("min_revenue")),
        "min_certified": dict(requirements.get("min_certified") or {}),
        "min_won_deals": requirements.get("min_won_deals"),
        "min_satisfaction": dec(requirements.get("min_satisfaction")),
        "custom_thresholds": {k: str(v) for k, v in (requirements.get("custom_thresholds") or {}).items()},
        "margin_percent": dec(benefits.get("margin_percent")) or Decimal("0"),
        "mdf_percent": dec(benefits.get("mdf_percent")) or Decimal("0"),
        "protection_days": int(benefits.get("protection_days") or 0),
        "lead_weight": int(benefits.get("lead_weight", 1) or 0),
        "locator_listing": bool(benefits.get("locator_listing", False)),
        "labels": list(benefits.get("labels") or []),
    }


def comparable_rules(requirements: dict, benefits: dict) -> dict:
    """Rules in a form where equal rules compare equal (50000 and 50000.00, no count of 0 people)."""
    values = rule_values(requirements, benefits)
    values["min_certified"] = {k: int(v) for k, v in values["min_certified"].items() if int(v)}
    values["custom_thresholds"] = {k: Decimal(v) for k, v in values["custom_thresholds"].items()}
    return values


def same_rules(requirements_a, benefits_a, requirements_b, benefits_b) -> bool:
    return comparable_rules(requirements_a, benefits_a) == comparable_rules(requirements_b, benefits_b)


def record_rule_version(tier: Tier, effective_from: datetime.date | None = None) -> None:
    """The tier's rules (its own fields) in force from ``effective_from`` (today): editing a tier changes its
    rules from today. Several edits on one day make one version (one version per tier and day)."""
    day = effective_from or timezone.localdate()
    requirements, benefits = tier.requirements(), tier.benefits()
    latest = tier.versions.filter(effective_from__lte=day).order_by("-effective_from").first()
    if latest and same_rules(latest.requirements, latest.benefits, requirements, benefits):
        return
    TierRuleVersion.objects.update_or_create(
        tier=tier, effective_from=day, defaults={"requirements": requirements, "benefits": benefits}
    )


class PartnerTier(BusinessModel):
    """A partnership's membership of a programme and the tier it holds there (at most one per programme)."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="program_tiers"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="members"
    )
    partner_type = models.CharField(_("partner type"), max_length=30, choices=PartnerType.choices, blank=True)
    tier = models.ForeignKey(
        Tier, verbose_name=_("tier"), on_delete=models.PROTECT, null=True, blank=True, related_name="holders"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    grace_until = models.DateField(
        _("demotion grace period until"),
        null=True,
        blank=True,
        help_text=_("Set when the partner no longer meets its tier: demotion waits until this date."),
    )
    last_evaluated = models.DateField(_("last evaluated"), null=True, blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner tier")
        verbose_name_plural = _("partner tiers")
        ordering = ["program", "partnership__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "program"],
                name="unique_partner_tier_per_program",
                violation_error_message=_("This partnership is already a member of this programme."),
            ),
            models.CheckConstraint(
                name="partner_tier_validity_ordered",
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                violation_error_message=_("The end of validity cannot be before its start."),
            ),
        ]

    def __str__(self):
        return f"{self.partnership} — {self.program}: {self.tier or '—'}"

    def get_absolute_url(self):
        return reverse("program-detail", kwargs={"uuid": self.program.uuid})

    def clean(self):
        super().clean()
        if self.tier_id and self.program_id and self.tier.program_id != self.program_id:
            raise ValidationError({"tier": _("This tier belongs to another programme.")})


class TierChange(BusinessModel):
    """A proposed or applied tier change, with the evidence and explanation it was based on."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="tier_changes"
    )
    program = models.ForeignKey(
        Program, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.ForeignKey(
        Tier, verbose_name=_("from tier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    to_tier = models.ForeignKey(
        Tier, verbose_name=_("to tier"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ChangeKind.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=ChangeStatus.choices, default=ChangeStatus.PROPOSED
    )
    as_of = models.DateField(_("evaluation date"))
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-as_of", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="tier_change_changes_tier",
                condition=Q(from_tier__isnull=True) | Q(to_tier__isnull=True) | ~Q(from_tier=F("to_tier")),
                violation_error_message=_("A tier change must change the tier."),
            ),
            models.UniqueConstraint(
                fields=["partnership", "program"],
                condition=Q(status="proposed"),
                name="single_open_tier_change",
                violation_error_message=_("This partnership already has a tier change waiting for approval."),
            ),
        ]
        indexes = [models.Index(fields=["program", "status"], name="tier_change_program_status_idx")]

    def __str__(self):
        return f"{self.partnership}: {self.from_tier or '—'} → {self.to_tier or '—'}"

    def get_absolute_url(self):
        return reverse("tierchange-detail", kwargs={"uuid": self.uuid})


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

    objects = PartnershipScopedQuerySet.as_manager()

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


class CertifiedPersonQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(person__organization_id=organization_id)

    def valid_on(self, day):
        return self.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


class CertifiedPerson(BusinessModel):
    """The interface through which tier evaluation counts certified people per role.

    For now the operator enters or imports these rows; the training and certification capability will
    write the same rows later.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="tier_certifications"
    )
    certification = models.CharField(_("certification"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=CertifiedRole.choices)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    objects = CertifiedPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("certified person")
        verbose_name_plural = _("certified people")
        ordering = ["person__last_name", "certification"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "certification", "role"],
                name="unique_certified_person_role",
                violation_error_message=_("This person already holds this certification for this role."),
            )
        ]

    def __str__(self):
        return f"{self.person} — {self.certification} ({self.get_role_display()})"

    def get_absolute_url(self):
        return self.person.get_absolute_url()


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


# --- partner agreement (``programs.agreements``) ------------------------------------------------------


# --- ambassadors per market (``programs.ambassadors``) ------------------------------------------------


class AmbassadorQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        from .ambassadors import market_filter

        return self.filter(market_filter(organization_id))


class Ambassador(BusinessModel):
    """A staff member named for a market (territory), for one programme or for all of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="ambassador_roles",
    )
    territory = models.ForeignKey(
        "core.Territory", verbose_name=_("market"), on_delete=models.PROTECT, related_name="ambassadors"
    )
    program = models.ForeignKey(
        Program,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ambassadors",
        help_text=_("Leave empty for an ambassador of every programme."),
    )
    message = models.CharField(_("message to partners"), max_length=300, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = AmbassadorQuerySet.as_manager()

    class Meta:
        verbose_name = _("ambassador")
        verbose_name_plural = _("ambassadors")
        ordering = ["territory__name", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "program"],
                name="unique_ambassador_per_market_program",
                violation_error_message=_("This person is already ambassador for this market."),
            ),
            models.UniqueConstraint(
                fields=["user", "territory"],
                condition=Q(program__isnull=True),
                name="unique_global_ambassador_per_market",
                violation_error_message=_("This person is already ambassador for this market."),
            ),
        ]

    def __str__(self):
        return f"{self.display_name} — {self.territory}"

    @property
    def display_name(self) -> str:
        return self.user.get_full_name() or self.user.username

    @property
    def email(self) -> str:
        return self.contact_email or self.user.email

    def clean(self):
        super().clean()
        if self.user_id and not self.user.is_staff_member:
            raise ValidationError({"user": _("Ambassadors are members of the operator's staff.")})
        if self.user_id and not self.user.is_active:
            raise ValidationError({"user": _("This user account is inactive.")})


# --- labels and segments (``programs.labels``) --------------------------------------------------------


# --- public partner locator and enquiries (``programs.locator``) --------------------------------------
