"""Personal data in deal registrations: the customer contact a partner typed (name, e-mail, phone, title).

Registered with ``meute.core.privacy`` from the app's ``ready()``. A deal whose contact e-mail (or phone)
is the subject's keeps its history and figures; its contact fields are emptied, the name replaced by the
tombstone.
"""

from django.db.models import Q

from meute.core.privacy import TOMBSTONE, Source, register_source

from .models import DealRegistration

CONTACT_FIELDS = ["contact_name", "contact_email", "contact_phone", "contact_title"]


def _deals(subject):
    match = Q(pk__in=[])
    if subject.email:
        match |= Q(contact_email__iexact=subject.email)
    phones = {person.phone for person in subject.people if person.phone}
    if phones:
        match |= Q(contact_phone__in=phones)
    return DealRegistration.objects.filter(match)


def export_contacts(subject):
    return [
        {"deal": deal.uuid, "title": deal.title, **{name: getattr(deal, name) for name in CONTACT_FIELDS}}
        for deal in _deals(subject).order_by("created_at")
    ]


def erase_contacts(subject):
    blank = {"contact_email": "", "contact_phone": "", "contact_title": ""}
    return _deals(subject).update(contact_name=TOMBSTONE, **blank)


def register():
    register_source(Source("deal_contacts", export_contacts, erase_contacts))
