"""``{% recruitment_profile organization %}``: the operator's own attributes of an organisation, on its page
(staff only: partner users never see recruitment data)."""

from django import template

from ..models import AttributeDefinition, AttributeValue, Candidate

register = template.Library()


@register.inclusion_tag("recruitment/includes/organization_profile.html", takes_context=True)
def recruitment_profile(context, organization):
    user = context["request"].user
    if not (user.is_authenticated and user.is_staff_member) or organization.is_operator:
        return {"show": False}
    values = dict(
        AttributeValue.objects.filter(organization=organization).values_list("definition_id", "value")
    )
    rows = []
    for definition in AttributeDefinition.objects.filter(is_active=True):
        value = values.get(definition.pk)
        if isinstance(value, list):
            value = ", ".join(value)
        rows.append((definition, value))
    return {
        "show": True,
        "organization": organization,
        "rows": rows,
        "can_edit": user.can_edit_all,
        "candidate": Candidate.objects.filter(organization=organization)
        .exclude(stage__in=["lost", "exited"])
        .first(),
    }
