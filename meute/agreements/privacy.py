"""Personal data in agreement signatures: the name, job title and address a partner user signed with.

Registered with ``meute.core.privacy`` from the app's ``ready()``. The signature stays (the organisation did
accept that version, on that day, and the text's digest proves which text): the signer's name becomes the
tombstone, the title and IP address are emptied.
"""

from meute.core.privacy import TOMBSTONE, Source, register_source, tombstone_history

from .models import AgreementAcceptance


def _signatures(subject):
    return AgreementAcceptance.objects.filter(user__in=subject.users)


def export_signatures(subject):
    return [
        {
            "agreement": str(acceptance.agreement),
            "version": acceptance.version,
            "organization": acceptance.organization.name,
            "signer_name": acceptance.signer_name,
            "signer_title": acceptance.signer_title,
            "accepted_at": acceptance.accepted_at,
            "ip_address": acceptance.ip_address,
        }
        for acceptance in _signatures(subject)
        .select_related("agreement", "organization")
        .order_by("accepted_at")
    ]


def erase_signatures(subject):
    # A signature refuses save(): the update is the one change it takes, and only of the signer's identity.
    tombstone_history(_signatures(subject), ["signer_name", "signer_title", "ip_address"])
    return _signatures(subject).update(signer_name=TOMBSTONE, signer_title="", ip_address=None)


def register():
    register_source(Source("agreement_signatures", export_signatures, erase_signatures))
