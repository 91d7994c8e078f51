"""Business rules of the groupings area: proposals between members, packs, charters, members and levels.

Plain functions shared by the pages, the API and the demo data. A refusal is a ``ValidationError`` with a
translated message and a ``code``; nothing is changed then.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core.models import Organization
from meute.groupings.choices import ProposalStatus
from meute.lib.refusals import Refusal, declare
from meute.partnerships.choices import (
    CollaborationModel,
    GroupingLevel,
    InvolvementLevel,
    LifecycleStage,
    PartnershipKind,
    PartnershipStatus,
    PartyRole,
)
from meute.partnerships.models import Partnership, PartnershipParty
from meute.partnerships.parties import PartySpec, create_partnership

from . import matching, pillars
from .models import GroupingCharter, MatchProposal, MemberProfile

for _code, _meaning in {
    "already_contacts": "The two members are already in contact.",
    "already_pending": "A proposal between the two members already waits for an answer.",
    "reverse_pending": "The other member already proposed: answer that proposal.",
    "not_contact": "Only members who accepted a proposal join a grouping (`fields.contacts`).",
    "not_addable": "This organisation cannot join the grouping: it is not a contact of its members.",
    "duplicate_party": "The organisation is already a party to this partnership.",
    "too_few_parties": "A partnership needs at least two parties.",
    "last_coordinator": "A grouping keeps at least one coordinator.",
    "top_level": "The grouping is already at the highest level.",
    "criteria_missing": "The next level's criteria are not all met (`details.level`, `details.missing`).",
}.items():
    declare(_code, _meaning)

GROUPING_ROLES = (PartyRole.COORDINATOR, PartyRole.PROJECT_LEAD, PartyRole.MEMBER)
STEERING_ROLES = (PartyRole.COORDINATOR,)


# ------------------------------------------------------------------------------------------ rights


def groupings_for(user):
    """The groupings the user may see: all for staff, their own for a partner user."""
    return Partnership.objects.visible_to(user).filter(kind=PartnershipKind.GROUPING)


def seat_of(user, partnership) -> PartnershipParty | None:
    if not user.is_authenticated or user.organization_id is None:
        return None
    return PartnershipParty.objects.filter(
        partnership=partnership, organization_id=user.organization_id
    ).first()


def can_steer(user, partnership) -> bool:
    """Coordinators (and staff who may edit) change the charter, the members, the checklist and the level."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.can_edit_all:
        return True
    if not user.is_partner_user:
        return False
    seat = seat_of(user, partnership)
    return seat is not None and seat.role in STEERING_ROLES


def coordinates_record(user, obj) -> bool:
    """The field-rights role ``coordinator`` (``meute.lib.rights``): a partner user steering the grouping
    that ``obj`` (a deal, say) belongs to."""
    partnership = getattr(obj, "partnership", None)
    if partnership is None or partnership.kind != PartnershipKind.GROUPING:
        return False
    return bool(user.is_partner_user) and can_steer(user, partnership)


def require_steer(user, partnership) -> None:
    if not can_steer(user, partnership):
        raise PermissionDenied


def acting_organization(user, organization=None) -> Organization:
    """The member a request acts for: a partner user's own organisation; staff editors name one."""
    if user.is_partner_user:
        if organization is not None and organization.pk != user.organization_id:
            raise PermissionDenied
        return user.organization
    if not user.can_edit_all:
        raise PermissionDenied
    if organization is None:
        raise ValidationError(_("Say which member acts."), code="member_required")
    return organization


# --------------------------------------------------------------------------------------- proposals


@transaction.atomic
def propose(user, recipient: Organization, message: str = "", proposer: Organization | None = None):
    """Member ``proposer`` proposes to work with ``recipient``: a partner user for its own organisation,
    a staff editor on behalf of the member it names. ``proposed_by`` records the user either way."""
    proposer = acting_organization(user, proposer)
    if proposer.pk == recipient.pk:
        raise ValidationError(_("A member cannot propose to itself."), code="self_proposal")
    own = MemberProfile.objects.filter(organization=proposer).first()
    if own is None:
        message = (
            _("Fill in your member profile before proposing.")
            if user.is_partner_user
            else _("%(name)s has no member profile yet: fill it in before proposing.")
            % {"name": proposer.name}
        )
        raise ValidationError(message, code="no_profile")
    theirs = MemberProfile.objects.filter(organization=recipient, is_visible=True).first()
    if theirs is None:
        raise ValidationError(_("This member does not take part in matchmaking."), code="not_visible")
    pair = Q(proposer=proposer, recipient=recipient) | Q(proposer=recipient, recipient=proposer)
    existing = MatchProposal.objects.filter(pair).filter(
        status__in=[ProposalStatus.PENDING, ProposalStatus.ACCEPTED]
    )
    own_side = user.is_partner_user  # else staff act on behalf of the member: say who is who
    names = {"proposer": proposer.name, "recipient": recipient.name}
    for proposal in existing:
        if proposal.status == ProposalStatus.ACCEPTED:
            message = (
                _("You are already in contact with this member.")
                if own_side
                else _("%(proposer)s and %(recipient)s are already in contact.") % names
            )
            raise Refusal(message, code="already_contacts")
        if proposal.proposer_id == recipient.pk:
            message = (
                _("This member already proposed to you: answer their proposal.")
                if own_side
                else _("%(recipient)s already proposed to %(proposer)s: that proposal waits for an answer.")
                % names
            )
            raise Refusal(message, code="reverse_pending")
        message = (
            _("A proposal to this member is already waiting for an answer.")
            if own_side
            else _("A proposal from %(proposer)s to %(recipient)s is already waiting for an answer.") % names
        )
        raise Refusal(message, code="already_pending")
    explanation = matching.explain_pair(own, theirs)
    proposal = MatchProposal(
        proposer=proposer,
        recipient=recipient,
        message=(message or "").strip(),
        score=explanation.score,
        reasons=[{k: v for k, v in r.as_dict().items() if k != "label"} for r in explanation.reasons],
        proposed_by=user,
    )
    try:
        with transaction.atomic():
            proposal.save()
    except IntegrityError as exc:  # a concurrent request created the same pending proposal
        raise Refusal(
            _("A proposal to this member is already waiting for an answer."), code="already_pending"
        ) from exc
    return proposal


def _decide(proposal: MatchProposal, user, status: str) -> MatchProposal:
    if user.is_partner_user and user.organization_id != proposal.recipient_id:
        raise PermissionDenied
    if not user.is_partner_user and not user.can_edit_all:
        raise PermissionDenied
    with transaction.atomic():
        proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PENDING:
            raise Refusal(_("This proposal has already been answered."), code="wrong_status")
        proposal.status = status
        proposal.decided_at = timezone.now()
        proposal.decided_by = user
        proposal.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return proposal


def accept(proposal: MatchProposal, user) -> MatchProposal:
    """The recipient accepts: the two members become contacts and may form a pack."""
    return _decide(proposal, user, ProposalStatus.ACCEPTED)


def decline(proposal: MatchProposal, user) -> MatchProposal:
    return _decide(proposal, user, ProposalStatus.DECLINED)


def withdraw(proposal: MatchProposal, user) -> MatchProposal:
    """The proposer takes back a proposal still waiting for an answer."""
    if user.is_partner_user and user.organization_id != proposal.proposer_id:
        raise PermissionDenied
    if not user.is_partner_user and not user.can_edit_all:
        raise PermissionDenied
    with transaction.atomic():
        proposal = MatchProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != ProposalStatus.PENDING:
            raise Refusal(_("This proposal has already been answered."), code="wrong_status")
        proposal.status = ProposalStatus.WITHDRAWN
        proposal.decided_at = timezone.now()
        proposal.decided_by = user
        proposal.save(update_fields=["status", "decided_at", "decided_by", "updated_at"])
    return proposal


def contacts_of(organization: Organization):
    """Members with an accepted proposal with ``organization``, by name."""
    ids = MatchProposal.objects.accepted_contacts_of(organization.pk)
    return Organization.objects.filter(pk__in=ids).order_by("name")


# -------------------------------------------------------------------------------------------- packs


@transaction.atomic
def form_pack(user, contacts: list[Organization], name: str, organization: Organization | None = None):
    """Form a pack with accepted contacts: the founder coordinates, the contacts are members."""
    founder = acting_organization(user, organization)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the pack a name.")}, code="name_required")
    if not contacts:
        raise ValidationError({"contacts": _("Choose at least one contact.")}, code="no_contacts")
    accepted = MatchProposal.objects.accepted_contacts_of(founder.pk)
    outsiders = [c.name for c in contacts if c.pk not in accepted]
    if outsiders:
        raise Refusal(
            {
                "contacts": _("Only members who accepted a proposal can join: %(names)s.")
                % {"names": ", ".join(outsiders)}
            },
            code="not_contact",
        )
    parties = [PartySpec(founder, role=PartyRole.COORDINATOR, involvement=InvolvementLevel.COMMITTED)]
    parties += [PartySpec(contact, role=PartyRole.MEMBER) for contact in contacts]
    partnership = create_partnership(
        parties,
        name=name,
        kind=PartnershipKind.GROUPING,
        grouping_level=GroupingLevel.PACK,
        stage=LifecycleStage.RECRUITMENT,
        status=PartnershipStatus.ACTIVE,
        start_date=timezone.localdate(),
    )
    GroupingCharter.objects.get_or_create(partnership=partnership)
    pillars.ensure_checklist(partnership)
    return partnership


_NOT_LOADED = object()


def _loaded_charter(partnership):
    """The charter ``select_related("charter")`` loaded: a charter, None when it has none, or
    ``_NOT_LOADED``."""
    if not Partnership.charter.is_cached(partnership):
        return _NOT_LOADED
    return Partnership.charter.related.get_cached_value(partnership)


def charter_of(partnership) -> GroupingCharter:
    """The grouping's charter (created if missing)."""
    charter = _loaded_charter(partnership)
    if charter is None or charter is _NOT_LOADED:
        charter, _created = GroupingCharter.objects.get_or_create(partnership=partnership)
    return charter


def _charter_to_read(partnership) -> GroupingCharter:
    """The charter to read; in a list (charter loaded with the grouping) an empty one when there is none,
    rather than writing while reading."""
    charter = _loaded_charter(partnership)
    if charter is None:
        return GroupingCharter(partnership=partnership)
    return charter_of(partnership) if charter is _NOT_LOADED else charter


@transaction.atomic
def update_charter(partnership, user, **values) -> GroupingCharter:
    """Shared ambition, common project, clearly identified need and objectives (coordinator or staff)."""
    require_steer(user, partnership)
    charter = charter_of(partnership)
    for name in ("shared_ambition", "common_project", "identified_need"):
        if name in values:
            setattr(charter, name, (values[name] or "").strip())
    charter.save()
    if "objectives" in values:
        partnership.objectives = (values["objectives"] or "").strip()
        partnership.save(update_fields=["objectives", "updated_at"])
    if "collaboration_model" in values and values["collaboration_model"]:
        if values["collaboration_model"] not in CollaborationModel.values:
            raise ValidationError({"collaboration_model": _("Choose a valid collaboration model.")})
        partnership.collaboration_model = values["collaboration_model"]
        partnership.save(update_fields=["collaboration_model", "updated_at"])
    return charter


def addable_by(user):
    """Who a grouping may take in (the rule of ``add_member``, which the page's choices show): any partner
    organisation for staff editors; for a coordinator, members who take part in matchmaking."""
    partners = Organization.objects.partners()
    if user.is_staff_member:
        return partners
    return partners.filter(member_profile__is_visible=True)


@transaction.atomic
def add_member(partnership, user, organization: Organization, role: str = PartyRole.MEMBER):
    """The one way into an existing grouping (page and API): the coordinator or staff take in a member
    ``addable_by`` them. Forming a pack (``form_pack``) takes in accepted contacts only."""
    require_steer(user, partnership)
    if not addable_by(user).filter(pk=organization.pk).exists() and not organization.is_operator:
        raise Refusal(
            {
                "organization": _(
                    "This organisation cannot be added: a coordinator takes in members who take part in "
                    "matchmaking."
                )
            },
            code="not_addable",
        )
    if role not in GROUPING_ROLES:
        raise ValidationError({"role": _("Choose coordinator, project lead or member.")}, code="bad_role")
    if PartnershipParty.objects.filter(partnership=partnership, organization=organization).exists():
        raise Refusal(
            {"organization": _("This organisation is already a party to this partnership.")},
            code="duplicate_party",
        )
    if organization.is_operator:
        raise ValidationError({"organization": _("The operator is not a member of groupings.")})
    return PartnershipParty.objects.create(partnership=partnership, organization=organization, role=role)


@transaction.atomic
def remove_member(partnership, user, seat: PartnershipParty) -> None:
    require_steer(user, partnership)
    if seat.partnership_id != partnership.pk:
        raise ValidationError(_("This member is not part of this grouping."), code="not_member")
    seats = list(PartnershipParty.objects.select_for_update().filter(partnership=partnership))
    if len(seats) <= 2:
        raise Refusal(_("A grouping needs at least two members."), code="too_few_parties")
    coordinators = [s for s in seats if s.role == PartyRole.COORDINATOR]
    if seat.role == PartyRole.COORDINATOR and len(coordinators) <= 1:
        raise Refusal(_("Name another coordinator before removing the only one."), code="last_coordinator")
    seat.delete()


@transaction.atomic
def change_role(partnership, user, seat: PartnershipParty, role: str) -> PartnershipParty:
    require_steer(user, partnership)
    if role not in GROUPING_ROLES:
        raise ValidationError({"role": _("Choose coordinator, project lead or member.")}, code="bad_role")
    if seat.role == PartyRole.COORDINATOR and role != PartyRole.COORDINATOR:
        others = partnership.parties.filter(role=PartyRole.COORDINATOR).exclude(pk=seat.pk)
        if not others.exists():
            raise Refusal(
                _("Name another coordinator before removing the only one."), code="last_coordinator"
            )
    seat.role = role
    seat.save(update_fields=["role", "updated_at"])
    return seat


# ------------------------------------------------------------------------------------------- levels

NEXT_LEVEL = {
    GroupingLevel.PACK: GroupingLevel.TRIBE,
    GroupingLevel.TRIBE: GroupingLevel.EXTENDED_ORGANIZATION,
}

# What a grouping must show to move up to each level: criterion → parameter.
LEVEL_CRITERIA = {
    GroupingLevel.TRIBE: {
        "min_members": 3,
        "shared_ambition": True,
        "common_project": True,
        "pillars_met": True,
        "collaboration_model_chosen": True,
    },
    GroupingLevel.EXTENDED_ORGANIZATION: {
        "min_members": 5,
        "min_months_active": 12,
        "shared_ambition": True,
        "common_project": True,
        "identified_need": True,
        "pillars_met": True,
        "points_met": True,
        "collaboration_model_chosen": True,
    },
}

CRITERION_LABELS = {
    "min_members": gettext_lazy("At least %(value)s members"),
    "min_months_active": gettext_lazy("Active for at least %(value)s months"),
    "shared_ambition": gettext_lazy("Shared ambition stated"),
    "common_project": gettext_lazy("Common project described"),
    "identified_need": gettext_lazy("Clearly identified need stated"),
    "pillars_met": gettext_lazy("All 4 pillars met"),
    "points_met": gettext_lazy("All 5 mandatory points met"),
    "collaboration_model_chosen": gettext_lazy("A collaboration model chosen"),
}


@dataclass
class CriterionResult:
    key: str
    label: str
    met: bool
    current: str


def _months_between(start: date, end: date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (1 if end.day < start.day else 0)


def evaluate_level(partnership, level: str | None = None, today: date | None = None) -> list[CriterionResult]:
    """Each criterion to reach ``level`` (default: the next one): met or not, and the current value."""
    level = level or NEXT_LEVEL.get(partnership.grouping_level)
    if level is None:
        return []
    charter = _charter_to_read(partnership)
    summary = pillars.summarize(pillars.checklist(partnership))
    seats = pillars.prefetched(partnership, "parties")
    members = len(seats) if seats is not None else partnership.parties.count()
    today = today or timezone.localdate()
    months = _months_between(partnership.start_date, today) if partnership.start_date else 0
    checks = {
        "min_members": lambda v: (members >= v, str(members)),
        "min_months_active": lambda v: (
            partnership.status == PartnershipStatus.ACTIVE and months >= v,
            str(max(months, 0)),
        ),
        "shared_ambition": lambda v: (bool(charter.shared_ambition.strip()), ""),
        "common_project": lambda v: (bool(charter.common_project.strip()), ""),
        "identified_need": lambda v: (bool(charter.identified_need.strip()), ""),
        "pillars_met": lambda v: (summary.all_pillars_met, f"{summary.pillars_met}/{summary.pillars_total}"),
        "points_met": lambda v: (summary.all_points_met, f"{summary.points_met}/{summary.points_total}"),
        "collaboration_model_chosen": lambda v: (
            partnership.collaboration_model != CollaborationModel.CHANNEL_AGREEMENT,
            partnership.get_collaboration_model_display()
            if partnership.collaboration_model != CollaborationModel.CHANNEL_AGREEMENT
            else "",
        ),
    }
    results = []
    for key, value in LEVEL_CRITERIA[level].items():
        met, current = checks[key](value)
        results.append(CriterionResult(key, str(CRITERION_LABELS[key]) % {"value": value}, met, current))
    return results


@transaction.atomic
def move_up(partnership, user) -> Partnership:
    """Move the grouping to the next level, only when every criterion of that level is met."""
    require_steer(user, partnership)
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    level = NEXT_LEVEL.get(partnership.grouping_level)
    if level is None:
        raise Refusal(_("This grouping is already at the highest level."), code="top_level")
    missing = [c for c in evaluate_level(partnership, level) if not c.met]
    if missing:
        raise Refusal(
            _("Not yet: %(missing)s.") % {"missing": "; ".join(c.label for c in missing)},
            code="criteria_missing",
            details={
                "level": level,
                "missing": [
                    {"key": c.key, "label": str(c.label), "current": str(c.current)} for c in missing
                ],
            },
        )
    partnership.grouping_level = level
    if level == GroupingLevel.EXTENDED_ORGANIZATION:
        partnership.stage = LifecycleStage.EXTENDED_ENTERPRISE
    partnership.save(update_fields=["grouping_level", "stage", "updated_at"])
    return partnership
