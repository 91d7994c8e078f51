"""Advice on a grouping: the members' involvement assessment, the model decision and the playbook items.

Who sees what (``visible_to``): staff see everything; a partner user sees the rows of the groupings their
organisation belongs to — except assessment responses, where a member sees only their own organisation's
answers and the grouping's coordinator (or project lead) sees every member's.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, Person
from meute.lib.models import BusinessModel
from meute.partnerships.choices import CollaborationModel, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty, PartnershipScopedQuerySet

from .choices import PlaybookItemStatus

__all__ = [
    "AssessmentRound",
    "AssessmentResponse",
    "ModelDecision",
    "PlaybookItem",
    "PlaybookDocument",
    "LEAD_ROLES",
]

LEAD_ROLES = (PartyRole.COORDINATOR, PartyRole.PROJECT_LEAD)


class AssessmentRound(BusinessModel):
    """One round of the involvement assessment of a grouping (a grouping may assess again later)."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("grouping"), on_delete=models.CASCADE, related_name="assessment_rounds"
    )
    number = models.PositiveIntegerField(_("round"), default=1)
    is_open = models.BooleanField(_("open"), default=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment round")
        verbose_name_plural = _("assessment rounds")
        ordering = ["partnership", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "number"], name="unique_assessment_round_number")
        ]

    def __str__(self):
        return f"{self.partnership} — {self.number}"


class AssessmentResponseQuerySet(PartnershipScopedQuerySet):
    partnership_path = "round__partnership_id"

    def for_organization(self, organization_id):
        leads = PartnershipParty.objects.filter(
            partnership_id=OuterRef("round__partnership_id"),
            organization_id=organization_id,
            role__in=LEAD_ROLES,
        )
        return self.filter(Q(organization_id=organization_id) | Exists(leads))


class AssessmentResponse(BusinessModel):
    """One member's answers for one round: ``answers`` maps question keys to option keys."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="responses"
    )
    organization = models.ForeignKey(
        Organization, verbose_name=_("member"), on_delete=models.PROTECT, related_name="assessment_responses"
    )
    answers = models.JSONField(_("answers"), default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = AssessmentResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment response")
        verbose_name_plural = _("assessment responses")
        ordering = ["round", "organization__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"],
                name="unique_assessment_response_per_member",
                violation_error_message=_("This member has already answered this round."),
            )
        ]

    def __str__(self):
        return f"{self.organization} — {self.round}"


class ModelDecision(BusinessModel):
    """The collaboration model a grouping adopted, next to what the advisor recommended then."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("grouping"), on_delete=models.CASCADE, related_name="model_decisions"
    )
    round = models.ForeignKey(
        AssessmentRound,
        verbose_name=_("assessment round"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recommended_model = models.CharField(
        _("recommended model"), max_length=30, choices=CollaborationModel.choices, blank=True
    )
    chosen_model = models.CharField(_("chosen model"), max_length=30, choices=CollaborationModel.choices)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("model decision")
        verbose_name_plural = _("model decisions")
        ordering = ["partnership", "-created_at"]

    def __str__(self):
        return f"{self.partnership} — {self.get_chosen_model_display()}"


class PlaybookItem(BusinessModel):
    """One item of a grouping's playbook for one model: ``key`` names its catalogue entry."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("grouping"), on_delete=models.CASCADE, related_name="playbook_items"
    )
    model = models.CharField(_("collaboration model"), max_length=30, choices=CollaborationModel.choices)
    key = models.CharField(_("item"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    status = models.CharField(
        _("status"), max_length=15, choices=PlaybookItemStatus.choices, default=PlaybookItemStatus.TODO
    )
    owner_organization = models.ForeignKey(
        Organization,
        verbose_name=_("owner (member)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    owner_person = models.ForeignKey(
        Person,
        verbose_name=_("owner (person)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    not_applicable_reason = models.TextField(_("reason it does not apply"), blank=True)
    rate_percent = models.DecimalField(
        _("rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("playbook item")
        verbose_name_plural = _("playbook items")
        ordering = ["partnership", "model", "position"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "model", "key"], name="unique_playbook_item"),
            models.CheckConstraint(
                name="playbook_not_applicable_has_reason",
                condition=~Q(status="not_applicable") | ~Q(not_applicable_reason=""),
                violation_error_message=_("Say why the item does not apply."),
            ),
        ]

    def __str__(self):
        return f"{self.partnership} — {self.key}"

    @property
    def entry(self):
        from meute.collaboration.catalogue import entry

        return entry(self.model, self.key)

    @property
    def title(self) -> str:
        entry = self.entry
        return str(entry.title) if entry else self.key

    @property
    def owner_label(self) -> str:
        if self.owner_person_id:
            return str(self.owner_person)
        if self.owner_organization_id:
            return str(self.owner_organization)
        return ""


class PlaybookDocumentQuerySet(PartnershipScopedQuerySet):
    partnership_path = "item__partnership_id"


def _document_path(document, filename: str) -> str:
    return f"playbooks/{document.item.partnership.uuid}/{document.uuid}/{filename}"


class PlaybookDocument(BusinessModel):
    """A document of a playbook item (contract draft, price grid, minutes…): an uploaded file or a link."""

    item = models.ForeignKey(
        PlaybookItem, verbose_name=_("playbook item"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file = models.FileField(_("file"), upload_to=_document_path, max_length=300, blank=True)
    # A document added again under the same title is its next version; the earlier ones stay.
    version = models.PositiveIntegerField(_("version"), default=1)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PlaybookDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("playbook document")
        verbose_name_plural = _("playbook documents")
        ordering = ["item", "title", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "title", "version"],
                name="unique_playbook_document_version",
                violation_error_message=_("This document already has this version."),
            ),
            models.CheckConstraint(
                name="playbook_document_file_or_link",
                condition=(Q(url="") & ~Q(file="")) | (~Q(url="") & Q(file="")),
                violation_error_message=_("A document is either an uploaded file or a link."),
            ),
        ]

    def __str__(self):
        return self.title
