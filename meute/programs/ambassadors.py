"""Ambassadors per market: staff named for a territory (for one programme or all), shown to the partners of
that market.

A partner organisation's markets are the territories of its partnerships, its region and its geographies,
with every territory they are part of (an ambassador for a region also serves the cities inside it).
"""

from django.db.models import Q

from .models import Ambassador
from .models.ambassadors import market_filter


def for_user(user, program=None):
    """The ambassadors ``user`` may see (a partner user: those of its markets), for ``program`` if given."""
    queryset = Ambassador.objects.visible_to(user).filter(is_active=True).select_related("user", "territory")
    if program is not None:
        queryset = queryset.filter(Q(program__isnull=True) | Q(program=program))
    return queryset.select_related("program")


def for_organization(organization, program=None):
    """The ambassadors serving a partner organisation (for staff looking at the partner's page)."""
    queryset = Ambassador.objects.filter(market_filter(organization.pk)).select_related("user", "territory")
    if program is not None:
        queryset = queryset.filter(Q(program__isnull=True) | Q(program=program))
    return queryset.select_related("program")
