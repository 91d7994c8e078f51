"""Insight panels other pages include: a partnership's health on its page, the partner's scorecard on the
portal home, and the count of partner seats without an alliance manager on the staff home."""

from django import template
from django.utils import timezone

from meute.partnerships.choices import PartnershipStatus, PartyRole
from meute.partnerships.models import Partnership, PartnershipParty

from ..evidence import facts_for
from ..health import score
from ..snapshots import partnership_health, weights

register = template.Library()


@register.inclusion_tag("insights/includes/partnership_health.html", takes_context=True)
def partnership_health_panel(context, partnership):
    return {
        "partnership": partnership,
        "result": partnership_health(partnership),
        "request": context["request"],
    }


@register.inclusion_tag("insights/includes/portal_scorecard.html", takes_context=True)
def portal_scorecard(context):
    """A partner user's partnerships with their health score now (its own partnerships only)."""
    user = context["request"].user
    if not (user.is_authenticated and user.is_partner_user and user.organization_id):
        return {"partnerships": []}
    mine = list(
        Partnership.objects.visible_to(user).filter(status=PartnershipStatus.ACTIVE).order_by("name")[:5]
    )
    facts = facts_for(mine, timezone.localdate())
    current = weights()
    return {
        "partnerships": [
            {"partnership": p, "score": score(facts[p.pk], current, explain=False).score} for p in mine
        ]
    }


@register.simple_tag(takes_context=True)
def partner_seats_without_manager(context) -> int:
    """Active partnerships whose partner side has no alliance manager named (0 for partner users)."""
    user = context["request"].user
    if not (user.is_authenticated and user.is_staff_member):
        return 0
    return (
        PartnershipParty.objects.filter(
            partnership__status=PartnershipStatus.ACTIVE, alliance_manager__isnull=True
        )
        .exclude(role=PartyRole.OPERATOR)
        .values("partnership_id")
        .distinct()
        .count()
    )
