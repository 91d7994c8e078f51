from django import template
from django.utils import timezone

from meute.lib import access
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.evaluation import evaluation_window, members_metrics

from .. import ambassadors
from ..models import BusinessPlan, PartnerMetric, PartnerTier
from ..standing import progress_percent, standing_of

register = template.Library()


def _recent_metrics(user, member) -> list:
    """The member's metrics over its programme's evaluation period (read-only for a partner user, who only
    ever gets its own partnerships' rows)."""
    start, end = evaluation_window(member.program, timezone.localdate())
    return list(
        PartnerMetric.objects.visible_to(user)
        .filter(partnership_id=member.partnership_id, period__gte=start, period__lte=end)
        .order_by("-period", "metric")[:20]
    )


@register.inclusion_tag("programs/includes/partner_tiers.html", takes_context=True)
def partner_tiers(context, organization):
    """Tier, progress to the next tier and business plans of ``organization``'s partnerships, as the
    requesting user may see them (a partner user: only its own organisation)."""
    user = context["request"].user
    seats = PartnershipParty.objects.filter(organization=organization).values("partnership_id")
    members = (
        PartnerTier.objects.visible_to(user)
        .filter(partnership_id__in=seats)
        .select_related("program", "partnership", "tier")
        .order_by("program__name", "partnership__name")
    )
    if organization.is_operator:
        # The operator is a party to every channel partnership: its page is not a partner's.
        members = members.none()
    announcements, rules = {}, {}
    memberships = []
    members = list(members[:10])
    figures = members_metrics(members)
    for member in members:
        standing = standing_of(
            member, announcements, metrics=figures[member.program_id, member.partnership_id], rules=rules
        )
        check = standing.evaluation.next_check if standing.evaluation else None
        memberships.append(
            {
                "member": member,
                "evaluation": standing.evaluation,
                "progress": [(result, progress_percent(result)) for result in check.results] if check else [],
                "metrics": _recent_metrics(user, member),
                "announcement": standing.announcement,
                "outlook": standing.outlook,
                "waiting": standing.waiting,
            }
        )
    plans = []
    if not organization.is_operator:
        partnerships = (
            Partnership.objects.visible_to(user)
            .filter(pk__in=seats)
            .select_related("business_plan")
            .order_by("name")[:10]
        )
        may_create = access.can_create(user, BusinessPlan)
        for partnership in partnerships:
            plan = getattr(partnership, "business_plan", None)
            if plan is not None or may_create:
                plans.append({"partnership": partnership, "plan": plan})
    return {
        "can_edit_metrics": user.can_edit_all,
        "memberships": memberships,
        "plans": plans,
        "request": context["request"],
        "organization": organization,
    }


@register.inclusion_tag("programs/includes/program_ambassadors.html", takes_context=True)
def program_ambassadors(context, program):
    """On a programme page: the ambassadors of the requesting partner's markets."""
    user = context["request"].user
    return {
        "user": user,
        "ambassadors": list(ambassadors.for_user(user, program)[:20]) if not user.is_staff_member else [],
    }
