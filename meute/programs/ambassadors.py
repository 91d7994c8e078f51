"""Ambassadors per market: staff named for a territory (for one programme or all), shown to the partners of
that market.

A partner organisation's markets are the territories of its partnerships, its region and its geographies,
with every territory they are part of (an ambassador for a region also serves the cities inside it).
"""

from django.db.models import Q

from meute.core.models import Organization, Territory
from meute.partnerships.models import Partnership, PartnershipParty

from .models import Ambassador, PartnerTier


def with_ancestors(territory_ids) -> set[int]:
    """The territories and every territory they are part of (one query per level, a few levels at most)."""
    found = set(territory_ids)
    frontier = set(found)
    while frontier:
        parents = set(
            Territory.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        frontier = parents - found
        found |= frontier
    return found


def market_ids(organization_id) -> set[int]:
    """The territories an organisation works in, and those containing them."""
    partnerships = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    ids = set(
        Partnership.territories.through.objects.filter(partnership_id__in=partnerships).values_list(
            "territory_id", flat=True
        )
    )
    ids |= set(
        Organization.geographies.through.objects.filter(organization_id=organization_id).values_list(
            "territory_id", flat=True
        )
    )
    region = Organization.objects.filter(pk=organization_id).values_list("region_id", flat=True).first()
    if region:
        ids.add(region)
    return with_ancestors(ids)


def program_ids(organization_id) -> set[int]:
    partnerships = PartnershipParty.objects.filter(organization_id=organization_id).values("partnership_id")
    return set(
        PartnerTier.objects.filter(partnership_id__in=partnerships).values_list("program_id", flat=True)
    )


def market_filter(organization_id) -> Q:
    """Active ambassadors of the organisation's markets, global or for a programme it is a member of."""
    return Q(
        is_active=True,
        territory_id__in=market_ids(organization_id),
    ) & (Q(program__isnull=True) | Q(program_id__in=program_ids(organization_id)))


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
