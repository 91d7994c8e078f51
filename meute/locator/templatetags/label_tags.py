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
    visible = set(
        LabelAward.objects.visible_to(user).filter(organization=organization).values_list("pk", flat=True)
    )
    awards = [a for a in labels.current_awards([organization.pk]) if a.pk in visible]
    may_see = user.is_staff_member or user.organization_id == organization.pk
    serving = (
        list(ambassadors.for_organization(organization, request=context.get("request"))[:20])
        if may_see
        else []
    )
    return {"awards": awards, "ambassadors": serving, "organization": organization}
