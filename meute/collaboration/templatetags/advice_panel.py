"""``{% advice_panel grouping as panel %}``: the advice status and playbook progress of a grouping."""

from types import SimpleNamespace

from django import template

register = template.Library()


@register.simple_tag
def advice_panel(grouping):
    from meute.collaboration import assessments, playbooks

    return SimpleNamespace(
        status=assessments.advice_status(grouping),
        progress=playbooks.progress(playbooks.items_for(grouping)),
    )
