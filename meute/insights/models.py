"""Governance meetings, exchanges between the two sides, health snapshots and satisfaction surveys.

Everything here hangs off a partnership (a partner user sees the rows of its own partnerships), except
the survey design, which is the operator's (staff only).
"""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meute.core.models import Person
from meute.lib.models import BusinessModel, StaffOnlyQuerySet
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet

from .choices import (
    FigureDimension,
    GovernanceLevel,
    IntegrationDepartment,
    InteractionKind,
    QuestionKind,
    Side,
    SurveyStatus,
)


class GovernanceMeeting(BusinessModel):
    """A meeting of one governance level of a partnership: who attended, what was decided, what follows."""

    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="governance_meetings",
    )
    level = models.CharField(_("level"), max_length=15, choices=GovernanceLevel.choices)
    held_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    attendees = models.ManyToManyField(Person, verbose_name=_("attendees"), blank=True, related_name="+")
    decisions = models.TextField(_("decisions"), blank=True)
    actions = models.TextField(_("actions"), blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("governance meeting")
        verbose_name_plural = _("governance meetings")
        ordering = ["-held_on", "level"]
        indexes = [
            # The health check and the overdue list: the last meeting of each level per partnership.
            models.Index(fields=["partnership", "level", "held_on"], name="governance_last_meeting_idx"),
        ]

    def __str__(self):
        return f"{self.held_on} {self.get_level_display()} — {self.title}"

    def get_absolute_url(self):
        return reverse("insights:governance", kwargs={"uuid": self.partnership.uuid})


class Interaction(BusinessModel):
    """An exchange between a partner's contact and the vendor: the evidence of two-way contacts."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="interactions"
    )
    occurred_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=InteractionKind.choices)
    initiated_by = models.CharField(_("started by"), max_length=10, choices=Side.choices)
    department = models.CharField(_("department"), max_length=20, choices=IntegrationDepartment.choices)
    partner_contact = models.ForeignKey(
        Person, verbose_name=_("partner contact"), on_delete=models.PROTECT, related_name="+"
    )
    vendor_contact = models.ForeignKey(
        Person, verbose_name=_("vendor contact"), on_delete=models.PROTECT, related_name="+"
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_on"]
        indexes = [
            # The integration index: exchanges of the last year per partnership, department and side.
            models.Index(fields=["partnership", "occurred_on"], name="interaction_partner_date_idx"),
        ]

    def __str__(self):
        return f"{self.occurred_on} {self.get_kind_display()} {self.get_department_display()}"

    def get_absolute_url(self):
        return reverse("insights:integration-detail", kwargs={"uuid": self.partnership.uuid})


class HealthSnapshot(BusinessModel):
    """A partnership's health score on one day, with its components: the trend reads these rows."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="health_snapshots"
    )
    taken_on = models.DateField(_("date"))
    score = models.PositiveSmallIntegerField(_("score"))
    components = models.JSONField(_("components"), default=dict)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("health snapshot")
        verbose_name_plural = _("health snapshots")
        ordering = ["-taken_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "taken_on"],
                name="unique_health_snapshot_per_day",
                violation_error_message=_("This partnership's health is already recorded for this day."),
            ),
            models.CheckConstraint(
                name="health_score_range",
                condition=Q(score__lte=100),
                violation_error_message=_("A health score is between 0 and 100."),
            ),
        ]
        indexes = [
            # The dashboard: the scores of one snapshot day (distribution, lowest first).
            models.Index(fields=["taken_on", "score"], name="health_day_score_idx"),
        ]

    def __str__(self):
        return f"{self.partnership} {self.taken_on}: {self.score}"


class Survey(BusinessModel):
    """A satisfaction survey campaign (twice a year): its questions, its window, its invitations."""

    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), help_text=_("Answer links expire after this day."))
    status = models.CharField(
        _("status"), max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-opens_on"]
        constraints = [
            models.CheckConstraint(
                name="survey_dates_ordered",
                condition=Q(closes_on__gte=models.F("opens_on")),
                violation_error_message=_("A survey cannot close before it opens."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("insights:survey-detail", kwargs={"uuid": self.uuid})

    def clean(self):
        super().clean()
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            raise ValidationError({"closes_on": _("A survey cannot close before it opens.")})


class SurveyQuestion(BusinessModel):
    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(
        _("kind"), max_length=10, choices=QuestionKind.choices, default=QuestionKind.SCALE
    )

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "position"],
                name="unique_survey_question_position",
                violation_error_message=_("Two questions cannot share a position."),
            )
        ]

    def __str__(self):
        return self.text


def token_digest(token: str) -> str:
    """Answer links carry a random token; only its SHA-256 is stored (a leaked table opens no survey)."""
    return hashlib.sha256(token.encode()).hexdigest()


class SurveyInvitation(BusinessModel):
    """One partner contact invited to one survey, through a unique link; answered once."""

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="invitations"
    )
    partnership = models.ForeignKey(
        Partnership,
        verbose_name=_("partnership"),
        on_delete=models.CASCADE,
        related_name="survey_invitations",
    )
    person = models.ForeignKey(Person, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="+")
    token_sha256 = models.CharField(max_length=64, unique=True, editable=False)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["survey", "partnership"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "person"],
                name="unique_survey_invitation",
                violation_error_message=_("This contact is already invited to this survey."),
            )
        ]

    def __str__(self):
        return f"{self.survey} — {self.person}"


class AnswerQuerySet(PartnershipScopedQuerySet):
    partnership_path = "invitation__partnership_id"


class SurveyAnswer(BusinessModel):
    invitation = models.ForeignKey(
        SurveyInvitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="answers"
    )
    question = models.ForeignKey(
        SurveyQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    text = models.TextField(_("answer"), blank=True)

    objects = AnswerQuerySet.as_manager()

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        ordering = ["invitation", "question__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"],
                name="unique_survey_answer",
                violation_error_message=_("This question is already answered."),
            ),
            models.CheckConstraint(
                name="survey_score_range",
                condition=Q(score__isnull=True) | Q(score__lte=10),
                violation_error_message=_("A score is between 0 and 10."),
            ),
        ]
        indexes = [
            # Results per question: the scores of one question.
            models.Index(fields=["question", "score"], name="survey_answer_question_idx"),
        ]

    def __str__(self):
        return f"{self.question}: {self.score if self.score is not None else self.text}"


class RevenueRollup(BusinessModel):
    """A partnership's revenue of one year, converted into the programme's currency: the dashboard sums
    these rows (one per partnership) instead of millions of revenue records. ``rollups.refresh_revenue``
    rewrites a year's rows in one set-based pass; the snapshot command and the nightly task run it."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("partnership"), on_delete=models.CASCADE, related_name="revenue_rollups"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("revenue roll-up")
        verbose_name_plural = _("revenue roll-ups")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "year", "currency"],
                name="unique_revenue_rollup",
                violation_error_message=_("This partnership's revenue is already rolled up for this year."),
            )
        ]
        indexes = [
            # The dashboard: every partnership's revenue of one year in one currency.
            models.Index(fields=["year", "currency"], name="revenue_rollup_year_idx"),
        ]

    def __str__(self):
        return f"{self.partnership} {self.year}: {self.amount} {self.currency}"


class NetworkFigure(BusinessModel):
    """One group's figures on the network dashboard (a tier, a partner type, a territory, a deal stage, a
    health band) for one year in one currency. ``aggregates.store`` rewrites a year's rows in one pass at
    snapshot time, so the page reads a few dozen rows instead of joining every partnership per request.

    ``key`` is the group as stored (tier or territory name, partner type or stage code, band; empty for
    partnerships in no group): labels are translated when read, in the reader's language."""

    year = models.PositiveSmallIntegerField(_("year"))
    currency = models.CharField(_("currency"), max_length=3)
    dimension = models.CharField(_("dimension"), max_length=20, choices=FigureDimension.choices)
    key = models.CharField(_("group"), max_length=200, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    amount = models.DecimalField(_("amount"), max_digits=18, decimal_places=2, default=0)
    objective = models.DecimalField(_("objective"), max_digits=18, decimal_places=2, default=0)
    count = models.PositiveIntegerField(_("count"), default=0)
    covered = models.PositiveIntegerField(_("covered"), default=0)
    snapshot_day = models.DateField(_("snapshot day"), null=True, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("network figure")
        verbose_name_plural = _("network figures")
        ordering = ["year", "currency", "dimension", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "currency", "dimension", "key"],
                name="unique_network_figure",
                violation_error_message=_("This group's figures are already computed for this year."),
            )
        ]

    def __str__(self):
        return f"{self.year} {self.currency} {self.dimension} {self.key}"
