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
from meute.lib.models import (
    BusinessModel,
    SharedQuerySet,
    StaffOnlyQuerySet,
)
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet
from meute.programs.choices import (
    CertifiedRole,
    ChangeKind,
    ChangeStatus,
)

from .programs import PERCENT, Program

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
        # The tier's place among the others (never a higher tier easier than a lower one, today and on
        # every date a scheduled version takes over) is ``rule_versions.validate_tier``: forms, the API and
        # the demo call it.
        super().clean()
        self.clean_rules()

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
