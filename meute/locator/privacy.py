"""Personal data in the public locator's enquiries: the visitor's name, e-mail, phone, message and address.

Registered with ``meute.core.privacy`` from the app's ``ready()``. An enquiry from the subject's e-mail (or
phone) keeps its partner, company, status and dates; the visitor's identity and message are replaced.
Every enquiry is deleted after the retention in days of ``MEUTE_RETENTION_ENQUIRY_DAYS``.
"""

from meute.core.privacy import TOMBSTONE, Source, contact_match, register_source, tombstone_history
from meute.core.retention import Retention, register_retention

from .models import Enquiry


def _enquiries(subject):
    return Enquiry.objects.filter(contact_match(subject, "email", "phone"))


def export_enquiries(subject):
    return [
        {
            "partner": enquiry.organization.name,
            "sent_at": enquiry.created_at,
            **{name: getattr(enquiry, name) for name in ("name", "company", "email", "phone", "message")},
            "ip_address": enquiry.ip_address,
        }
        for enquiry in _enquiries(subject).select_related("organization").order_by("created_at")
    ]


def erase_enquiries(subject):
    tombstone_history(_enquiries(subject), ["name", "email", "phone", "message", "ip_address"])
    return _enquiries(subject).update(name=TOMBSTONE, email="", phone="", message=TOMBSTONE, ip_address=None)


def old_enquiries(cutoff):
    return Enquiry.objects.filter(created_at__lt=cutoff)


def register():
    register_source(Source("locator_enquiries", export_enquiries, erase_enquiries))
    register_retention(Retention("locator_enquiries", "MEUTE_RETENTION_ENQUIRY_DAYS", 365, old_enquiries))
