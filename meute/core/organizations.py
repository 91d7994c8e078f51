"""Business rules on organisations and people that the UI, the API and imports share."""

from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from .choices import PartnerType
from .models import Organization, OrganizationPartnerType


class ReferencedRecordError(Exception):
    """Raised instead of deleting a record that other records still point to."""


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


def delete_record(obj) -> None:
    """Delete a business record, or refuse with a clear message when other records reference it."""
    try:
        with transaction.atomic():
            obj.delete()
    except (ProtectedError, RestrictedError) as exc:
        blockers = {}
        for related in exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects:
            label = str(related._meta.verbose_name_plural)
            blockers[label] = blockers.get(label, 0) + 1
        summary = ", ".join(f"{count} {label}" for label, count in sorted(blockers.items()))
        raise ReferencedRecordError(
            _("“%(record)s” cannot be deleted: it is still referenced by %(summary)s.")
            % {"record": obj, "summary": summary}
        ) from exc
