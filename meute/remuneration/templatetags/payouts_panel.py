"""``{% payouts_panel grouping as panel %}``: the rules in force and this year's payouts the user may see."""

from django import template
from django.db.models import Count, Sum
from django.utils import timezone

from meute.remuneration import periods, rule_versions, statements

register = template.Library()


@register.simple_tag(takes_context=True)
def payouts_panel(context, partnership):
    request = context.get("request")
    user = getattr(request, "user", None)
    period = periods.parse_period(str(timezone.localdate().year))
    totals = []
    if user is not None and partnership is not None:
        totals = list(
            statements.payouts_in(period, user=user, partnership=partnership)
            .order_by()
            .values("currency")
            .annotate(count=Count("pk"), total=Sum("amount"))
            .order_by("currency")
        )
    in_force = rule_versions.rules_in_force(partnership) if partnership is not None else None
    upcoming = None
    if partnership is not None:
        upcoming = (
            partnership.remuneration_versions.filter(valid_from__gt=timezone.localdate())
            .order_by("valid_from")
            .prefetch_related("rules")
            .first()
        )
    return {
        "in_force": in_force,
        "upcoming": upcoming,
        "totals": totals,
        "period": period,
    }
