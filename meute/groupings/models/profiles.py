"""Member profiles, matchmaking proposals, grouping charters and the pillars checklist.

A member is an ``Organization`` (often a one-person company). Its ``MemberProfile`` says what it sells, what
it knows, whom it serves and what it looks for; ``ProfileKey`` rows are the blocking keys the matchmaker
reads (only profiles opted in to matchmaking have keys). A grouping is a ``Partnership`` of kind "grouping":
its ``GroupingCharter`` holds the shared ambition, the common project and the identified need, and its
``PillarItem`` rows are the checklist of the 4 pillars and 5 mandatory points of a partnership.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from meute.core.models import Organization, Sector, Territory
from meute.lib.models import BusinessModel, VisibleQuerySet
from meute.partnerships.models import Partnership, PartnershipScopedQuerySet

from ..checklist import ITEMS_BY_KEY
from ..choices import Ambition, Availability, ClientType, PillarKind, PillarStatus, ProposalStatus

__all__ = [
    "GroupingCharter",
    "MatchProposal",
    "MemberProfile",
    "PillarItem",
    "ProfileKey",
]


class MemberProfileQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(organization_id=organization_id)

    def discoverable_by(self, user):
        """Own profile plus every profile opted in to matchmaking (what members may browse)."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_staff_member:
            return self
        if user.organization_id is None:
            return self.none()
        return self.filter(Q(organization_id=user.organization_id) | Q(is_visible=True))


class MemberProfile(BusinessModel):
    organization = models.OneToOneField(
        Organization, verbose_name=_("member"), on_delete=models.CASCADE, related_name="member_profile"
    )
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    offers = models.JSONField(_("offers"), default=list, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("target sectors"), blank=True, related_name="+")
    territories = models.ManyToManyField(
        Territory, verbose_name=_("territories"), blank=True, related_name="+"
    )
    client_types = models.JSONField(_("clients served"), default=list, blank=True)
    looking_for = models.TextField(_("looking for"), blank=True)
    bringing = models.TextField(_("bringing"), blank=True)
    availability = models.CharField(
        _("availability"), max_length=15, choices=Availability.choices, default=Availability.PART_TIME
    )
    ambitions = models.JSONField(_("ambitions"), default=list, blank=True)
    ambition_text = models.TextField(_("ambition in your own words"), blank=True)
    is_visible = models.BooleanField(
        _("visible to matchmaking"),
        default=True,
        help_text=_("Other members may find this profile and propose to work together."),
    )
    # Folded term sets and texts, computed on save: what the matchmaker compares (see matching.py).
    match_index = models.JSONField(default=dict, editable=False)

    objects = MemberProfileQuerySet.as_manager()

    partner_can_change = True
    partner_can_create = True

    class Meta:
        verbose_name = _("member profile")
        verbose_name_plural = _("member profiles")
        ordering = ["organization__name"]

    def __str__(self):
        return str(self.organization)

    @property
    def client_type_labels(self) -> list[str]:
        return [str(ClientType(v).label) for v in self.client_types or [] if v in ClientType.values]

    @property
    def ambition_labels(self) -> list[str]:
        return [str(Ambition(v).label) for v in self.ambitions or [] if v in Ambition.values]

    def clean(self):
        super().clean()
        errors = {}
        bad = [value for value in self.client_types or [] if value not in ClientType.values]
        if bad:
            errors["client_types"] = _("Unknown client type: %(values)s.") % {"values": ", ".join(bad)}
        bad = [value for value in self.ambitions or [] if value not in Ambition.values]
        if bad:
            errors["ambitions"] = _("Unknown ambition: %(values)s.") % {"values": ", ".join(bad)}
        for name in ("skills", "offers"):
            values = getattr(self, name) or []
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                errors[name] = _("Give a list of short texts.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # The match index and the blocking keys follow each save (``meute.groupings.signals``).
        self.skills = _clean_list(self.skills)
        self.offers = _clean_list(self.offers)
        super().save(*args, **kwargs)


def _clean_list(values) -> list:
    """Trimmed, non-empty, de-duplicated short texts, in their order."""
    if not isinstance(values, list):
        return values
    seen = {}
    for value in values:
        if isinstance(value, str) and value.strip():
            seen.setdefault(value.strip(), None)
    return list(seen)


class ProfileKey(models.Model):
    """One blocking key of a visible profile: a sector, a territory, an offered or wanted term."""

    profile = models.ForeignKey(MemberProfile, on_delete=models.CASCADE, related_name="keys")
    key = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "profile"], name="unique_profile_key")]

    def __str__(self):
        return self.key


class MatchProposalQuerySet(VisibleQuerySet):
    def for_organization(self, organization_id):
        return self.filter(Q(proposer_id=organization_id) | Q(recipient_id=organization_id))

    def accepted_contacts_of(self, organization_id):
        """Ids of the organisations with an accepted proposal with this one (either direction)."""
        rows = self.filter(status=ProposalStatus.ACCEPTED).filter(
            Q(proposer_id=organization_id) | Q(recipient_id=organization_id)
        )
        ids = set()
        for proposer_id, recipient_id in rows.values_list("proposer_id", "recipient_id"):
            ids.add(recipient_id if proposer_id == organization_id else proposer_id)
        return ids


class MatchProposal(BusinessModel):
    """Member A proposes to work with member B; B accepts or declines."""

    proposer = models.ForeignKey(
        Organization, verbose_name=_("proposed by"), on_delete=models.CASCADE, related_name="+"
    )
    recipient = models.ForeignKey(
        Organization, verbose_name=_("proposed to"), on_delete=models.CASCADE, related_name="+"
    )
    message = models.TextField(_("message"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    score = models.PositiveSmallIntegerField(_("score"), default=0)
    # The reasons shown with the suggestion when it was proposed: [{"code", "values", "points"}].
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MatchProposalQuerySet.as_manager()

    partner_can_create = True
    partner_can_change = True

    class Meta:
        verbose_name = _("partnership proposal")
        verbose_name_plural = _("partnership proposals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposer", "recipient"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_pair",
                violation_error_message=_("A proposal to this member is already waiting for an answer."),
            ),
            models.CheckConstraint(
                name="proposal_not_to_self",
                condition=~Q(proposer=F("recipient")),
                violation_error_message=_("A member cannot propose to itself."),
            ),
        ]
        indexes = [models.Index(fields=["recipient", "status"], name="proposal_recipient_status_idx")]

    def __str__(self):
        return f"{self.proposer} → {self.recipient}"

    @property
    def on_behalf(self) -> bool:
        """Made by someone outside the proposing member (operator staff acting for it)."""
        return self.proposed_by_id is not None and self.proposed_by.organization_id != self.proposer_id


class GroupingCharter(BusinessModel):
    """What the members of a grouping agree on; the objectives are the partnership's own field."""

    partnership = models.OneToOneField(
        Partnership, verbose_name=_("grouping"), on_delete=models.CASCADE, related_name="charter"
    )
    shared_ambition = models.TextField(_("shared ambition"), blank=True)
    common_project = models.TextField(_("common project"), blank=True)
    identified_need = models.TextField(_("clearly identified need"), blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("grouping charter")
        verbose_name_plural = _("grouping charters")

    def __str__(self):
        return str(self.partnership)


class PillarItem(BusinessModel):
    """One item of a grouping's checklist (see ``meute.groupings.checklist.ITEMS``) with its evidence."""

    partnership = models.ForeignKey(
        Partnership, verbose_name=_("grouping"), on_delete=models.CASCADE, related_name="pillar_items"
    )
    key = models.CharField(_("item"), max_length=30)
    kind = models.CharField(_("kind"), max_length=10, choices=PillarKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=PillarStatus.choices, default=PillarStatus.UNKNOWN
    )
    evidence = models.TextField(_("evidence"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assessed_at = models.DateTimeField(_("assessed"), null=True, blank=True)

    objects = PartnershipScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pillar checklist item")
        verbose_name_plural = _("pillar checklist items")
        ordering = ["partnership", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "key"],
                name="unique_pillar_item_per_grouping",
                violation_error_message=_("This checklist item already exists for this grouping."),
            )
        ]

    def __str__(self):
        return f"{self.partnership} — {self.key}"

    @property
    def label(self):
        item = ITEMS_BY_KEY.get(self.key)
        return item.label if item else self.key

    @property
    def description(self):
        item = ITEMS_BY_KEY.get(self.key)
        return item.description if item else ""
