"""Turning off the e-mail copies of one kind of notification, from a link in the e-mail or a preferences page.

The link carries a signed token (user, kind, language of the e-mail) so that it works without a login; the
signature covers the user, so a token cannot be re-aimed at someone else. The in-app notification is kept:
only the e-mail copy stops.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import EmailOptOut

SALT = "meute.notifications.unsubscribe"

# Every kind that ``notify`` is called with, in the words a reader understands.
KINDS = {
    "deal": _("Decisions on your deal registrations"),
    "deal_review": _("Deal registrations to review"),
    "deal_extension_request": _("Requests to extend a deal protection"),
    "lead": _("Leads to follow up"),
    "lead_offer": _("Leads offered to your organisation"),
    "tier_change": _("Tier changes"),
    "tier_review": _("Tier changes to review"),
    "health_drop": _("Drops in partner health"),
    "certification": _("Certifications"),
    "certification-expiry": _("Certifications about to end"),
    "feedback": _("Feedback on courses"),
    "locator_enquiry": _("Enquiries from the partner locator"),
    "digest": _("Digests"),
    "": _("Other notifications"),
}


class InvalidLink(Exception):
    """The link was altered, is too old or names a user who no longer exists."""


def label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def make_token(user, kind: str, language: str | None = None) -> str:
    return signing.dumps(
        {"u": user.pk, "k": kind, "l": language or get_language() or ""}, salt=SALT, compress=True
    )


def read_token(token: str) -> tuple:
    """``(user, kind, language)`` of a token; ``InvalidLink`` when it was altered, expired or is orphaned."""
    max_age = settings.MEUTE_UNSUBSCRIBE_LINK_DAYS * 86400
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age or None)
        user = get_user_model().objects.get(pk=data["u"], is_active=True)
        kind = str(data["k"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, get_user_model().DoesNotExist) as error:
        raise InvalidLink from error
    language = data.get("l") if data.get("l") in dict(settings.LANGUAGES) else None
    return user, kind, language


def link(user, kind: str) -> str:
    """The unsubscribe address, absolute when ``MEUTE_SITE_URL`` is set (e-mail readers need it)."""
    path = reverse("notification-unsubscribe", args=[make_token(user, kind)])
    return settings.MEUTE_SITE_URL.rstrip("/") + path


def opt_out(user, kind: str) -> None:
    try:
        with transaction.atomic():
            EmailOptOut.objects.get_or_create(user=user, kind=kind)
    except IntegrityError:
        pass  # Two clicks at once: the other one already recorded it.


def set_email_kinds(user, wanted) -> None:
    """Keep e-mail copies for the known kinds in ``wanted`` only; unknown kinds are ignored."""
    wanted = {kind for kind in wanted if kind in KINDS}
    with transaction.atomic():
        EmailOptOut.objects.filter(user=user, kind__in=wanted).delete()
        for kind in KINDS.keys() - wanted:
            opt_out(user, kind)


def opted_out(user_ids, kind: str) -> set[int]:
    """The ids of these users who turned off e-mails of this kind (one query)."""
    return set(
        EmailOptOut.objects.filter(user_id__in=list(user_ids), kind=kind).values_list("user_id", flat=True)
    )


def preferences(user) -> list[tuple[str, str, bool]]:
    """``(kind, label, e-mailed?)`` for every known kind."""
    off = set(EmailOptOut.objects.visible_to(user).values_list("kind", flat=True))
    return [(kind, str(text), kind not in off) for kind, text in KINDS.items()]
