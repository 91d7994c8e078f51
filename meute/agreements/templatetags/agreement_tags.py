from django import template

from ..models import AgreementSetting
from ..signing import applicable_for_organization

register = template.Library()


@register.inclusion_tag("agreements/includes/program_agreement.html", takes_context=True)
def program_agreement(context, program):
    """On a programme page: a partner's status with its agreement(s), or staff's link to manage them."""
    user = context["request"].user
    applicable = []
    if not user.is_staff_member and user.organization_id:
        applicable = applicable_for_organization(user.organization_id, program)
    setting = AgreementSetting.objects.filter(program=program).first()
    return {
        "request": context["request"],
        "user": user,
        "program": program,
        "applicable": applicable,
        "gated": bool(setting and setting.gate_features),
    }
