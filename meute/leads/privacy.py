"""Personal data in leads: the contact a partner or the operator typed (name, e-mail, phone).

Registered with ``meute.core.privacy`` from the app's ``ready()``. The lead and its routing history stay;
its contact fields are emptied, the name replaced by the tombstone.
"""

from meute.core.privacy import TOMBSTONE, Source, contact_match, register_source, tombstone_history

from .models import Lead


def _leads(subject):
    return Lead.objects.filter(contact_match(subject, "contact_email", "contact_phone"))


def export_contacts(subject):
    return [
        {
            "lead": lead.uuid,
            "company": lead.company_name,
            **{name: getattr(lead, name) for name in ("contact_name", "contact_email", "contact_phone")},
        }
        for lead in _leads(subject).order_by("created_at")
    ]


def erase_contacts(subject):
    tombstone_history(_leads(subject), ["contact_name", "contact_email", "contact_phone"])
    return _leads(subject).update(contact_name=TOMBSTONE, contact_email="", contact_phone="")


def register():
    register_source(Source("lead_contacts", export_contacts, erase_contacts))
