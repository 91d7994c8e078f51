from django import template
from django.utils import timezone

from meute.lib import access
from meute.partnerships.models import Partnership, PartnershipParty
from meute.programs.evaluation import evaluation_window

from .. import ambassadors
from ..models import BusinessPlan, PartnerMetric, PartnerTier
from ..standing import progress_percent, standings_of

register = template.Library()


def _recent_metrics(user, members) -> dict:
    """Each member's metrics over its programme's evaluation period, the latest 20 (read-only for a partner
    user, who only ever gets its own partnerships' rows): one query per programme."""
    by_program = {}
    for member in members:
        by_program.setdefault(member.program_id, (member.program, set()))[1].add(member.partnership_id)
    found = {}
    for program, partnership_ids in by_program.values():
        start, end = evaluation_window(program, timezone.localdate())
        for metric in (
            PartnerMetric.objects.visible_to(user)
            .filter(partnership_id__in=partnership_ids, period__gte=start, period__lte=end)
            .order_by("partnership_id", "-period", "metric")
        ):
            rows = found.setdefault((program.pk, metric.partnership_id), [])
            if len(rows) < 20:
                rows.append(metric)
    return found


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
    members = list(members[:10])
    metrics = _recent_metrics(user, members)
    memberships = []
    for standing in standings_of(members):
        member = standing.member
        check = standing.evaluation.next_check if standing.evaluation else None
        memberships.append(
            {
                "member": member,
                "evaluation": standing.evaluation,
                "progress": [(result, progress_percent(result)) for result in check.results] if check else [],
                "metrics": metrics.get((member.program_id, member.partnership_id), []),
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
