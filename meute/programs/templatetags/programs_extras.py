from django import template

from .. import agreements, ambassadors, labels
from ..models import AgreementSetting, LabelAward

register = template.Library()


@register.inclusion_tag("programs/includes/program_extras.html", takes_context=True)
def program_extras(context, program):
    """On a programme page: the agreement (a partner's status, or staff's link to manage it) and the
    ambassadors of the requesting partner's markets."""
    user = context["request"].user
    applicable = []
    if not user.is_staff_member and user.organization_id:
        applicable = agreements.applicable_for_organization(user.organization_id, program)
    setting = AgreementSetting.objects.filter(program=program).first()
    return {
        "request": context["request"],
        "user": user,
        "program": program,
        "applicable": applicable,
        "gated": bool(setting and setting.gate_features),
        "ambassadors": list(ambassadors.for_user(user, program)[:20]) if not user.is_staff_member else [],
    }


@register.inclusion_tag("programs/includes/partner_labels.html", takes_context=True)
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
    serving = list(ambassadors.for_organization(organization)[:20]) if may_see else []
    return {"awards": awards, "ambassadors": serving, "organization": organization}
