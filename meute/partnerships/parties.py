"""Creating a partnership with its parties: one function for the UI, the API, imports and demo data."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.models import Organization, Person
from meute.lib.refusals import declare

from .choices import InvolvementLevel, PartnershipKind, PartyRole
from .models import Partnership, PartnershipParty


@dataclass
class PartySpec:
    organization: Organization
    role: str = PartyRole.PARTNER
    involvement: str = InvolvementLevel.REGULAR
    alliance_manager: Person | None = None


GROUPING_DOOR = declare(
    "grouping_membership", "Members join a grouping through the groupings endpoints only, under its rules."
)


def require_generic_door(kind: str) -> None:
    """Refuse a party added, changed or removed by the generic partnership functions when the partnership
    is a grouping: members join a grouping only through the grouping's own functions (``groupings`` app:
    a pack is formed with accepted contacts, a coordinator takes in members), which keep its rules (who may
    join, the last coordinator, two members at least). Used by the API and the pages alike."""
    if kind == PartnershipKind.GROUPING:
        raise ValidationError(
            _(
                "Members join a grouping through the grouping itself (a pack formed with accepted contacts, "
                "or a member taken in by its coordinator), not through the partnership's parties."
            ),
            code=GROUPING_DOOR,
        )


def validate_parties(parties: list[PartySpec]) -> None:
    if len(parties) < 2:
        raise ValidationError(_("A partnership needs at least two parties."), code="too_few_parties")
    organization_ids = [p.organization.pk for p in parties]
    if len(set(organization_ids)) != len(organization_ids):
        raise ValidationError(_("An organisation can be a party only once."), code="duplicate_party")
    for party in parties:
        if party.alliance_manager and party.alliance_manager.organization_id != party.organization.pk:
            raise ValidationError(
                _("%(person)s is not a person of %(organization)s and cannot be its alliance manager.")
                % {"person": party.alliance_manager, "organization": party.organization},
                code="alliance_manager_outside",
            )


@transaction.atomic
def create_partnership(parties: list[PartySpec], **fields) -> Partnership:
    validate_parties(parties)
    partnership = Partnership(
        **{k: v for k, v in fields.items() if k not in {"territories", "product_lines", "sectors"}}
    )
    partnership.full_clean()
    partnership.save()
    for name in ("territories", "product_lines", "sectors"):
        if fields.get(name):
            getattr(partnership, name).set(fields[name])
    for party in parties:
        seat = PartnershipParty(
            partnership=partnership,
            organization=party.organization,
            role=party.role,
            involvement=party.involvement,
            alliance_manager=party.alliance_manager,
        )
        seat.full_clean(validate_unique=False)
        seat.save()
    return partnership


@transaction.atomic
def remove_party(seat: PartnershipParty) -> None:
    """Remove an organisation from a partnership, keeping at least two parties."""
    partnership = Partnership.objects.select_for_update().get(pk=seat.partnership_id)
    if partnership.parties.count() <= 2:
        raise ValidationError(_("A partnership needs at least two parties."), code="too_few_parties")
    seat.delete()
