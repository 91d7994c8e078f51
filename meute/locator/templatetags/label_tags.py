from django import template

from meute.programs import ambassadors

from .. import labels
from ..models import LabelAward

register = template.Library()


@register.inclusion_tag("locator/includes/partner_labels.html", takes_context=True)
def partner_labels(context, organization):
    """On an organisation page: its current labels (reasons only for those who may see the award rows)
    and the ambassadors serving it."""
    user = context["request"].user
    if organization is None or organization.is_operator:
        return {"awards": [], "ambassadors": []}
    may_see = user.is_staff_member or user.organization_id == organization.pk
    awards = list(labels.current_awards([organization.pk]))
    if not (may_see and user.is_authenticated and user.is_active):
        # Staff and the organisation's own users see all its award rows (``visible_to``): only others
        # need them read to filter the awards.
        visible = set(
            LabelAward.objects.visible_to(user).filter(organization=organization).values_list("pk", flat=True)
        )
        awards = [a for a in awards if a.pk in visible]
    serving = (
        list(ambassadors.for_organization(organization, request=context.get("request"))[:20])
        if may_see
        else []
    )
    return {"awards": awards, "ambassadors": serving, "organization": organization}
