"""The partner portal's cards and the enablement summary of a partnership, as inclusion tags any page may
include (the home page today); and the Markdown of course and library texts, rendered safely."""

from django import template
from django.utils.safestring import mark_safe

from .. import portal
from ..journeys import progress_by_journey
from ..models import Journey

register = template.Library()

_MARKDOWN = None


@register.filter
def markdown(text):
    """CommonMark without raw HTML (escaped) and with only safe links: text partners and staff write."""
    global _MARKDOWN
    if _MARKDOWN is None:
        from markdown_it import MarkdownIt

        _MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    return mark_safe(_MARKDOWN.render(text or ""))  # noqa: S308  (raw HTML is escaped by the renderer)


def _partner(context) -> bool:
    user = context["request"].user
    return bool(user.is_authenticated and user.is_partner_user and user.organization_id)


@register.inclusion_tag("enablement/includes/portal_journey.html", takes_context=True)
def portal_journey(context):
    user = context["request"].user
    return {"journeys": portal.journeys(user) if _partner(context) else []}


@register.inclusion_tag("enablement/includes/portal_trainings.html", takes_context=True)
def portal_trainings(context):
    user = context["request"].user
    return (
        portal.trainings(user)
        if _partner(context)
        else {"enrolments": [], "sessions": [], "certified": [], "person": None}
    )


@register.inclusion_tag("enablement/includes/portal_certifications.html", takes_context=True)
def portal_certifications(context):
    user = context["request"].user
    return {"expiring": portal.expiring(user) if _partner(context) else [], "days": portal.EXPIRING_DAYS}


@register.inclusion_tag("enablement/includes/portal_news.html", takes_context=True)
def portal_news(context):
    return {"items": portal.news(context["request"]) if _partner(context) else []}


@register.inclusion_tag("enablement/includes/portal_contacts.html", takes_context=True)
def portal_contacts(context):
    if not _partner(context):
        return {"alliance_managers": [], "ambassadors": [], "support": []}
    return portal.contacts(context["request"])


@register.inclusion_tag("enablement/includes/partnership_journey.html", takes_context=True)
def partnership_journey(context, partnership):
    """On a partnership's page: its onboarding journey and progress (or a way to start one)."""
    user = context["request"].user
    journeys = list(
        Journey.objects.visible_to(user).filter(partnership=partnership).order_by("-started_on")[:3]
    )
    progress = progress_by_journey([j.pk for j in journeys])
    for journey in journeys:
        journey.progress = progress.get(journey.pk)
    from meute.core.models import Organization

    partners = Organization.objects.visible_to(user).filter(
        party_seats__partnership=partnership, is_operator=False
    )
    return {
        "journeys": journeys,
        "partners": list(partners.order_by("name")[:5]),
        "partnership": partnership,
        "can_start": user.can_edit_all and not any(j.status == "active" for j in journeys),
        "request": context["request"],
    }
