"""Who a partner calls at the vendor, and for what. A partnership's own contacts come first; the
programme-wide defaults (targeted like content, in the reader's languages) fill in the roles a partnership
does not name, so that a partner always knows whom to call for each role."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from meute.partnerships.models import Partnership

from .choices import SupportKind
from .library import reader_languages
from .models import SupportContact

ROLE_ORDER = {kind: position for position, kind in enumerate(SupportKind.values)}


def check_audience(partnership, targeted: bool) -> None:
    """A partnership's own contact goes to its parties: an audience beside it would silently mean nothing."""
    if partnership is not None and targeted:
        raise ValidationError(
            _("A contact of one partnership reaches its partners only: leave the audience empty.")
        )


def ordered(contacts) -> list:
    return sorted(contacts, key=lambda c: (ROLE_ORDER.get(c.kind, len(ROLE_ORDER)), c.name.lower()))


def defaults_for(facts) -> list:
    """The active programme-wide contacts whose audience includes the partner, in its languages."""
    if facts is None:
        return []
    languages = reader_languages(facts)
    return ordered(
        contact
        for contact in SupportContact.objects.reaching_items(facts)
        if not contact.language or contact.language in languages
    )


def merged(own, defaults) -> list:
    """A partnership's own contacts, then the defaults of the roles it does not cover."""
    covered = {contact.kind for contact in own}
    return ordered([*own, *(contact for contact in defaults if contact.kind not in covered)])


def by_partnership(partnerships, facts) -> list[dict]:
    """Each partnership (already read, visible to the reader) with the contacts to call: two queries
    plus the defaults' three, whatever the number of partnerships."""
    partnerships = list(partnerships)
    own = {}
    for contact in SupportContact.objects.filter(
        is_active=True, partnership_id__in=[p.pk for p in partnerships]
    ).order_by("name"):
        own.setdefault(contact.partnership_id, []).append(contact)
    defaults = defaults_for(facts)
    return [
        {"partnership": partnership, "contacts": merged(own.get(partnership.pk, []), defaults)}
        for partnership in partnerships
    ]


def for_reader(user, facts, limit: int = 50) -> list[dict]:
    """The partnerships ``user`` sees (the first ``limit`` by name), each with the contacts to call: what the
    contacts page and the API's ``by-partnership`` answer."""
    return by_partnership(Partnership.objects.visible_to(user).order_by("name")[:limit], facts)


def for_card(partnership_ids, facts, limit: int = 6) -> list:
    """The contacts of the portal card: each partnership's own, then the defaults, each person once."""
    own = list(
        SupportContact.objects.filter(is_active=True, partnership_id__in=partnership_ids).order_by("name")
    )
    seen, found = set(), []
    for contact in merged(own, defaults_for(facts)):
        key = (contact.kind, contact.name, contact.email)
        if key not in seen:
            seen.add(key)
            found.append(contact)
    return found[:limit]
