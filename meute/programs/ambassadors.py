"""Ambassadors per market: staff named for a territory (for one programme or all), shown to the partners of
that market.

A partner organisation's markets are the territories of its partnerships, its region and its geographies,
with every territory they are part of (an ambassador for a region also serves the cities inside it).
"""

from django.db.models import Q

from meute.lib.per_request import once, remember

from .models import Ambassador
from .models.ambassadors import market_ids, program_ids


def _markets_key(organization_id):
    return ("programs.markets", organization_id)


def _programs_key(organization_id):
    return ("programs.programs", organization_id)


def remember_markets(request, organization_id, markets, programs=None) -> None:
    """Markets (and programmes) of the organisation another part of the request computed already (the
    partner portal's audience facts read the same territories and memberships)."""
    remember(request, _markets_key(organization_id), set(markets))
    if programs is not None:
        remember(request, _programs_key(organization_id), set(programs))


def serving(organization_id, request=None) -> Q:
    """``models.ambassadors.market_filter``, with the markets and programmes read once per request."""
    markets = once(request, _markets_key(organization_id), lambda: market_ids(organization_id))
    programs = once(request, _programs_key(organization_id), lambda: program_ids(organization_id))
    return Q(is_active=True, territory_id__in=markets) & (
        Q(program__isnull=True) | Q(program_id__in=programs)
    )


def for_user(user, program=None):
    """The ambassadors ``user`` may see (a partner user: those of its markets), for ``program`` if given."""
    queryset = Ambassador.objects.visible_to(user).filter(is_active=True).select_related("user", "territory")
    if program is not None:
        queryset = queryset.filter(Q(program__isnull=True) | Q(program=program))
    return queryset.select_related("program")


def for_organization(organization, program=None, request=None):
    """The ambassadors serving a partner organisation (for staff looking at the partner's page)."""
    queryset = Ambassador.objects.filter(serving(organization.pk, request)).select_related(
        "user", "territory"
    )
    if program is not None:
        queryset = queryset.filter(Q(program__isnull=True) | Q(program=program))
    return queryset.select_related("program")
