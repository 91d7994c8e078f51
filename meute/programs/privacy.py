"""Personal data in ambassador roles: the contact e-mail and phone a staff member shows partners.

Registered with ``meute.core.privacy`` from the app's ``ready()``. An erased staff member's roles are
ended (inactive) and their contact details emptied.
"""

from django.db.models import Q

from meute.core.privacy import Source, contact_match, register_source, tombstone_history

from .models import Ambassador


def _roles(subject):
    return Ambassador.objects.filter(Q(user__in=subject.users) | contact_match(subject, "contact_email"))


def export_roles(subject):
    return [
        {
            "market": str(role.territory),
            "programme": str(role.program) if role.program else "",
            "message": role.message,
            "contact_email": role.contact_email,
            "contact_phone": role.contact_phone,
            "is_active": role.is_active,
        }
        for role in _roles(subject).select_related("territory", "program").order_by("pk")
    ]


def erase_roles(subject):
    tombstone_history(_roles(subject), ["contact_email", "contact_phone", "message"])
    return _roles(subject).update(contact_email="", contact_phone="", message="", is_active=False)


def register():
    register_source(Source("ambassador_roles", export_roles, erase_roles))
