"""Who leads a grouping's advice: the coordinator or project lead (and staff editors), and who sees every
member's answers."""

from meute.collaboration.models import LEAD_ROLES
from meute.groupings import groupings
from meute.partnerships.models import PartnershipParty


def seat_of(user, grouping) -> PartnershipParty | None:
    """The seat of a partner user's organisation in the grouping (staff have none)."""
    if not (user and user.is_authenticated and user.is_partner_user):
        return None
    return groupings.seat_of(user, grouping)


def is_lead(user, grouping) -> bool:
    """Staff editors, or a user of the grouping's coordinator / project lead."""
    if user.is_authenticated and user.can_edit_all:
        return True
    seat = seat_of(user, grouping)
    return bool(seat and seat.role in LEAD_ROLES)


def sees_all_answers(user, grouping) -> bool:
    if user.is_authenticated and user.is_staff_member:
        return True
    seat = seat_of(user, grouping)
    return bool(seat and seat.role in LEAD_ROLES)


def members(grouping) -> list[PartnershipParty]:
    return list(grouping.parties.select_related("organization").order_by("organization__name"))
