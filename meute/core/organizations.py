"""Business rules on organisations and people that the UI, the API and imports share."""

from django.db import transaction

from .choices import PartnerType
from .models import Organization, OrganizationPartnerType


def set_partner_types(organization: Organization, partner_types) -> None:
    wanted = set(partner_types or [])
    unknown = wanted - set(PartnerType.values)
    if unknown:
        raise ValueError(f"unknown partner types: {sorted(unknown)}")
    with transaction.atomic():
        current = set(organization.partner_type_links.values_list("partner_type", flat=True))
        organization.partner_type_links.filter(partner_type__in=current - wanted).delete()
        OrganizationPartnerType.objects.bulk_create(
            [
                OrganizationPartnerType(organization=organization, partner_type=t)
                for t in sorted(wanted - current)
            ]
        )
