"""Who hears about what: one place that turns a business event into notifications and e-mails.

A notification's title and body are kept as message ids and parameters (``messages.Message``) and written
in the reader's language when read; the e-mail copy goes out in the language active when the event happens
(the operator's default language for background tasks). Plain text is accepted too (what a person typed).
Each one is also e-mailed to its recipient when they have an address; a failing
mail server never blocks the business action that triggered it.
"""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.translation import gettext

from meute.core.choices import UserRole

from . import unsubscribe
from .messages import Message, Rendered, encode, render
from .models import Notification

__all__ = ["Message", "Rendered", "notify", "notify_each", "mark_read"]

REVIEWER_ROLES = (UserRole.ADMIN, UserRole.CHANNEL_MANAGER)


def staff_reviewers():
    """Active staff who act on queues: administrators and channel managers."""
    return get_user_model().objects.filter(is_active=True, role__in=REVIEWER_ROLES)


def organization_users(organization_ids: Iterable[int]):
    """Active partner users of these organisations."""
    return get_user_model().objects.filter(
        is_active=True, role=UserRole.PARTNER, organization_id__in=list(organization_ids)
    )


def partnership_partner_users(partnership_ids: Iterable[int]) -> dict[int, list]:
    """Active partner users of the non-operator organisations of each partnership, by partnership id."""
    from meute.partnerships.models import PartnershipParty

    seats = list(
        PartnershipParty.objects.filter(
            partnership_id__in=list(partnership_ids), organization__is_operator=False
        ).values_list("partnership_id", "organization_id")
    )
    users_by_org = {}
    for user in organization_users({org for _p, org in seats}):
        users_by_org.setdefault(user.organization_id, []).append(user)
    result = {}
    for partnership_id, org in seats:
        result.setdefault(partnership_id, []).extend(users_by_org.get(org, []))
    return result


def notify(recipients, title, body="", *, url="", kind="", email=True) -> list[Notification]:
    """Notify each recipient (users or a user queryset, each once) in-app and by e-mail."""
    users = list({user.pk: user for user in recipients}.values())
    return notify_each([(users, title, body, url)], kind=kind, email=email)


def notify_each(events, *, kind="", email=True) -> list[Notification]:
    """Many notifications at once: ``events`` yields ``(recipients, title, body, url)``; one insert.

    Inactive users are skipped; a failing mail server never blocks the caller.
    """
    rows, messages = [], []
    events = [(list(recipients), title, body, url) for recipients, title, body, url in events]
    muted = (
        unsubscribe.opted_out({user.pk for event in events for user in event[0]}, kind) if email else set()
    )
    for recipients, title, body, url in events:
        title_parts, body_parts = encode(title), encode(body)
        title, body = render(title_parts)[:200], render(body_parts)
        for user in recipients:
            if not user.is_active:
                continue
            rows.append(
                Notification(
                    recipient=user,
                    kind=kind,
                    title=title,
                    body=body,
                    title_parts=title_parts,
                    body_parts=body_parts,
                    url=url,
                )
            )
            if email and user.email and user.pk not in muted:
                messages.append(_mail(user, kind, title, body, url))
    notifications = Notification.objects.bulk_create(rows, batch_size=1000)
    if messages:
        get_connection(fail_silently=True).send_messages(messages)
    return notifications


def _mail(user, kind: str, title: str, body: str, url: str) -> EmailMessage:
    stop = unsubscribe.link(user, kind)
    text = f"{body}\n\n{url}".strip() if url else body
    footer = gettext("To stop receiving these e-mails (%(kind)s): %(link)s") % {
        "kind": unsubscribe.label(kind),
        "link": stop,
    }
    return EmailMessage(
        title,
        f"{text}\n\n-- \n{footer}".lstrip(),
        to=[user.email],
        # RFC 8058: mail clients offer their own button, which posts to the same address.
        headers={"List-Unsubscribe": f"<{stop}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )


def mark_read(user, notifications=None) -> int:
    """Mark the user's notifications (all unread ones by default) as read; returns how many changed."""
    queryset = Notification.objects.visible_to(user).unread()
    if notifications is not None:
        queryset = queryset.filter(pk__in=[n.pk for n in notifications])
    return queryset.update(read_at=timezone.now())
