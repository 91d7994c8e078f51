"""Profiling and recruitment: the operator's own attributes, scoring profiles, the pipeline and its grid.

Everything here is the operator's internal view of prospects and partners: partner users see none of it
(``StaffOnlyQuerySet``).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, ProductLine
from meute.lib.models import BusinessModel, StaffOnlyQuerySet

from .choices import ActivityKind, AttributeKind, Pillar, ProfileKind, Stage


class AttributeDefinition(BusinessModel):
    """A profile attribute the operator adds without changing the code: number, choice, text, yes/no."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=AttributeKind.choices)
    choices = models.JSONField(
        _("choices"), default=list, blank=True, help_text=_("The allowed values of a choice attribute.")
    )
    minimum = models.DecimalField(_("minimum"), max_digits=16, decimal_places=4, null=True, blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=16, decimal_places=4, null=True, blank=True)
    help_text = models.CharField(_("help text"), max_length=250, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("profile attribute")
        verbose_name_plural = _("profile attributes")
        ordering = ["position", "label"]
        constraints = [
            models.CheckConstraint(
                name="attribute_minimum_below_maximum",
                condition=Q(minimum__isnull=True)
                | Q(maximum__isnull=True)
                | Q(minimum__lte=models.F("maximum")),
                violation_error_message=_("The minimum must not exceed the maximum."),
            )
        ]

    def __str__(self):
        return self.label

    @property
    def has_choices(self) -> bool:
        return self.kind in (AttributeKind.CHOICE, AttributeKind.MULTI_CHOICE)

    def clean(self):
        super().clean()
        if self.has_choices:
            values = [str(value).strip() for value in (self.choices or [])]
            if not values or any(not value for value in values):
                raise ValidationError(
                    {"choices": _("A choice attribute needs at least one non-empty value.")}
                )
            if len(set(values)) != len(values):
                raise ValidationError({"choices": _("Each choice must be different.")})
            self.choices = values
        else:
            self.choices = []
        if self.kind != AttributeKind.NUMBER:
            self.minimum = self.maximum = None


class AttributeValue(BusinessModel):
    """One organisation's value for one operator-defined attribute (validated by ``attributes.parse``)."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    definition = models.ForeignKey(
        AttributeDefinition, verbose_name=_("attribute"), on_delete=models.CASCADE, related_name="values"
    )
    value = models.JSONField(_("value"))

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("attribute value")
        verbose_name_plural = _("attribute values")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "definition"],
                name="one_value_per_attribute",
                violation_error_message=_("This organisation already has a value for this attribute."),
            )
        ]


class ScoringProfile(BusinessModel):
    """A saved set of weighted criteria groups: an ideal partner, or a look-alike of reference partners."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ProfileKind.choices, default=ProfileKind.IDEAL)
    description = models.TextField(_("description"), blank=True)
    references = models.ManyToManyField(
        Organization,
        verbose_name=_("reference partners"),
        blank=True,
        related_name="+",
        help_text=_(
            "Look-alike: organisations are compared with these partners (their centre when several)."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("scoring profile")
        verbose_name_plural = _("scoring profiles")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("recruitment:scoring-detail", args=[self.uuid])


class CriteriaGroup(BusinessModel):
    profile = models.ForeignKey(
        ScoringProfile, verbose_name=_("scoring profile"), on_delete=models.CASCADE, related_name="groups"
    )
    name = models.CharField(_("name"), max_length=80)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "name"],
                name="unique_criteria_group_name",
                violation_error_message=_("This profile already has a group with this name."),
            ),
            models.CheckConstraint(
                name="criteria_group_weight_positive",
                condition=Q(weight__gte=0),
                violation_error_message=_("A weight cannot be negative."),
            ),
        ]

    def __str__(self):
        return self.name


class Criterion(BusinessModel):
    """One attribute compared inside a group. ``target`` states the ideal (ideal profiles only):
    ``{"min": .., "max": ..}`` for numbers, a list of values for choices and sets, words for text,
    ``true``/``false`` for yes/no. ``scale`` is the distance at which a number no longer looks alike."""

    group = models.ForeignKey(
        CriteriaGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="criteria"
    )
    attribute = models.CharField(_("attribute"), max_length=60)
    weight = models.DecimalField(
        _("weight"), max_digits=7, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )
    target = models.JSONField(_("target"), null=True, blank=True)
    scale = models.DecimalField(_("scale"), max_digits=16, decimal_places=4, null=True, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                name="criterion_weight_positive",
                condition=Q(weight__gte=0),
                violation_error_message=_("A weight cannot be negative."),
            ),
            models.CheckConstraint(
                name="criterion_scale_positive",
                condition=Q(scale__isnull=True) | Q(scale__gt=0),
                violation_error_message=_("The scale must be positive."),
            ),
        ]


class RecruiterCapacity(BusinessModel):
    """How many partners in onboarding a channel manager can handle at once (seed 001 §3: be progressive)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("channel manager"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    capacity = models.PositiveIntegerField(_("partners in onboarding at once"), default=5)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("onboarding capacity")
        verbose_name_plural = _("onboarding capacities")


class Candidate(BusinessModel):
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    product_lines = models.ManyToManyField(
        ProductLine, verbose_name=_("product lines"), blank=True, related_name="+"
    )
    expected_revenue = models.DecimalField(
        _("expected yearly revenue (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    next_step_on = models.DateField(_("next step on"), null=True, blank=True)
    outcome_reason = models.CharField(_("reason (lost, withdrawn or exited)"), max_length=250, blank=True)
    stage_changed_at = models.DateTimeField(_("stage changed"), null=True, blank=True)
    letter_of_intent_on = models.DateField(_("letter of intent on"), null=True, blank=True)
    contract_on = models.DateField(_("contract signed on"), null=True, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        ordering = ["-updated_at"]
        indexes = [
            # The board lists candidates per stage, and the capacity guard counts one owner's per stage.
            models.Index(fields=["stage", "owner"], name="candidate_stage_owner"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"],
                condition=~Q(stage__in=["lost", "exited"]),
                name="one_open_candidacy_per_organization",
                violation_error_message=_("This organisation is already in the recruitment pipeline."),
            ),
            models.CheckConstraint(
                name="candidate_contract_after_letter",
                condition=Q(letter_of_intent_on__isnull=True)
                | Q(contract_on__isnull=True)
                | Q(contract_on__gte=models.F("letter_of_intent_on")),
                violation_error_message=_("The contract cannot be signed before the letter of intent."),
            ),
        ]

    def __str__(self):
        return str(self.organization)

    def get_absolute_url(self):
        return reverse("recruitment:candidate-detail", args=[self.uuid])


class StageChange(BusinessModel):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=250, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-created_at", "-pk"]


class Activity(BusinessModel):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.NOTE)
    happened_on = models.DateField(_("date"))
    summary = models.TextField(_("summary"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-happened_on", "-pk"]


class QualificationQuestion(BusinessModel):
    pillar = models.CharField(_("pillar"), max_length=12, choices=Pillar.choices)
    text = models.CharField(_("question"), max_length=250)
    weight = models.PositiveIntegerField(_("weight"), default=1, validators=[MinValueValidator(1)])
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification question")
        verbose_name_plural = _("qualification questions")
        ordering = ["pillar", "position", "pk"]

    def __str__(self):
        return self.text


class QualificationAnswer(BusinessModel):
    """A rating from 0 (not at all) to 4 (fully), given in a meeting."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(QualificationQuestion, on_delete=models.CASCADE, related_name="answers")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    comment = models.CharField(_("comment"), max_length=250, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("qualification answer")
        verbose_name_plural = _("qualification answers")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "question"],
                name="one_answer_per_question",
                violation_error_message=_("This question is already answered for this candidate."),
            ),
            models.CheckConstraint(
                name="qualification_rating_range",
                condition=Q(rating__gte=0, rating__lte=4),
                violation_error_message=_("A rating goes from 0 to 4."),
            ),
        ]


class ChannelSettings(BusinessModel):
    """The tunable figures of the revenue potential (``potential.py``): one row for the whole instance."""

    revenue_per_salesperson = models.DecimalField(
        _("yearly revenue per salesperson (EUR)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("150000"),
        validators=[MinValueValidator(0)],
        help_text=_("A partner's capacity when its own revenue is unknown: sales headcount × this figure."),
    )
    default_share = models.DecimalField(
        _("default share dedicated to us (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_(
            "The share of a partner's business dedicated to our offer when its profile does not say."
        ),
    )
    share_attribute = models.SlugField(
        _("attribute holding the share (%)"),
        max_length=50,
        blank=True,
        help_text=_("Code of a number attribute (0–100) giving each partner's share dedicated to us."),
    )
    history_months = models.PositiveSmallIntegerField(
        _("revenue history (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel settings")
        verbose_name_plural = _("channel settings")
        constraints = [
            models.CheckConstraint(
                name="channel_default_share_percent",
                condition=Q(default_share__gte=0, default_share__lte=100),
                violation_error_message=_("The share is a percentage between 0 and 100."),
            )
        ]

    @classmethod
    def current(cls):
        row = cls.objects.order_by("pk").first()
        return row or cls()


class Competitor(BusinessModel):
    """A competing vendor whose partner network the operator records to compare coverage."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CompetitorPartnership(BusinessModel):
    """An organisation of the directory known to partner with a competitor."""

    competitor = models.ForeignKey(
        Competitor, verbose_name=_("competitor"), on_delete=models.CASCADE, related_name="partnerships"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(_("level"), max_length=60, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("competitor partnership")
        verbose_name_plural = _("competitor partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["competitor", "organization"],
                name="unique_competitor_partnership",
                violation_error_message=_(
                    "This organisation is already recorded as this competitor's partner."
                ),
            )
        ]
