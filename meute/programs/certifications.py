"""Certified people as the programme counts them: one interface, whichever app keeps the records.

Tier evaluation, business plans, labels and lead routing ask "how many valid certified people, per role,
does each partner have on this date?". The training and certification capability sits above the programme
in the layers, so it registers its source here from its ``AppConfig.ready()``; until one is registered,
nobody counts as certified.

Every question is set-based: ``organizations`` is a list of ids or a subquery of them (a queryset of one
column), so the caller runs a fixed number of queries whatever the number of partners. Only active people
count, and a certification counts on the dates it is valid (issued on or before, not yet expired, not
revoked).
"""

import datetime
from collections.abc import Iterable
from typing import Protocol


class CertifiedPeopleSource(Protocol):
    def count(
        self,
        organizations: Iterable[int],
        as_of: datetime.date,
        *,
        by_role: bool = True,
        certification: str = "",
    ) -> dict:
        """Distinct active people holding a certification valid on ``as_of``, per organisation:
        ``{organization_id: {role: n}}`` when ``by_role``, else ``{organization_id: n}`` (a person certified
        in two roles counts once). ``certification`` narrows to one certification name (any case)."""


class _NoSource:
    """Before the certification capability registers itself: nobody is certified."""

    def count(self, organizations, as_of, *, by_role=True, certification=""):
        return {}


_source: CertifiedPeopleSource = _NoSource()


def register_source(source: CertifiedPeopleSource) -> None:
    global _source
    _source = source


def registered_source() -> CertifiedPeopleSource:
    return _source


def reset_source() -> None:
    """Back to "nobody is certified" (tests of the interface itself)."""
    register_source(_NoSource())


def count_by_role(organizations, as_of: datetime.date) -> dict[int, dict[str, int]]:
    return _source.count(organizations, as_of, by_role=True)


def count_people(organizations, as_of: datetime.date, *, certification: str = "") -> dict[int, int]:
    return _source.count(organizations, as_of, by_role=False, certification=certification)


def count_by_partnership(partnership_ids, as_of: datetime.date) -> dict[int, dict[str, int]]:
    """Valid certified people per role of the partner side (every party but the operator) of each
    partnership: ``{partnership_id: {role: n}}``."""
    from meute.partnerships.choices import PartyRole
    from meute.partnerships.models import PartnershipParty

    seats = PartnershipParty.objects.filter(partnership_id__in=partnership_ids).exclude(
        role=PartyRole.OPERATOR
    )
    partnerships_of_org: dict[int, list[int]] = {}
    for partnership_id, organization_id in seats.values_list("partnership_id", "organization_id"):
        partnerships_of_org.setdefault(organization_id, []).append(partnership_id)
    result: dict[int, dict[str, int]] = {}
    if not partnerships_of_org:
        return result
    for organization_id, roles in count_by_role(seats.values("organization_id"), as_of).items():
        for partnership_id in partnerships_of_org.get(organization_id, ()):
            bucket = result.setdefault(partnership_id, {})
            for role, n in roles.items():
                bucket[role] = bucket.get(role, 0) + n
    return result
