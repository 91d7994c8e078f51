"""The partner library: items published to an audience, their file versions, the downloads counted, what
a reader sees first (its languages), and the e-mail digest of new announcements and promotions."""

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _

from meute.notifications.messages import Message
from meute.notifications.notify import notify_each

from .choices import ContentKind
from .models import AudienceFacts, ContentDownload, ContentItem, ContentVersion, DigestState, audience_facts
from .uploads import check_upload, clean_name

NEWS = (ContentKind.ANNOUNCEMENT, ContentKind.PROMOTION)


def reader_languages(facts: AudienceFacts | None, language: str | None = None) -> list[str]:
    """The languages a partner reads first: the interface's, then its country's."""
    languages = [(language or get_language() or "en")[:2]]
    if facts is not None and facts.country_language and facts.country_language not in languages:
        languages.append(facts.country_language)
    return languages


def in_languages(items, languages) -> list:
    """Items written in one of ``languages`` or in none in particular."""
    return [item for item in items if not item.language or item.language in languages]


def items_for(facts: AudienceFacts, *, kinds=None, languages=None, limit=None) -> list[ContentItem]:
    """Published items for a partner, newest first; in its languages when given (three queries)."""
    items = ContentItem.objects.reaching_items(facts)
    if kinds:
        items = [item for item in items if item.kind in kinds]
    if languages:
        items = in_languages(items, languages)
    items.sort(key=lambda item: item.title)
    items.sort(key=lambda item: item.publish_at, reverse=True)
    return items[:limit] if limit else items


@transaction.atomic
def add_version(user, item: ContentItem, upload, note: str = "") -> ContentVersion:
    if not user.can_edit_all:
        raise PermissionDenied(_("Only the operator's editors publish library files."))
    content_type = check_upload(upload)
    ContentItem.objects.select_for_update().filter(pk=item.pk).first()  # versions numbered one at a time
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ContentVersion(
        item=item,
        number=number,
        original_name=clean_name(upload.name),
        content_type=content_type,
        size=upload.size,
        note=(note or "").strip()[:300],
        added_by=user,
    )
    version.file.save(upload.name, upload, save=False)
    version.save()
    return version


def record_download(user, version: ContentVersion) -> None:
    ContentDownload.objects.create(
        item_id=version.item_id,
        version=version,
        user=user,
        organization_id=user.organization_id if user.is_partner_user else None,
    )


def download_counts(item_ids) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        ContentDownload.objects.filter(item_id__in=list(item_ids))
        .order_by()
        .values_list("item_id")
        .annotate(n=Count("pk"))
    )


def send_digests(now: datetime.datetime | None = None) -> int:
    """E-mail each active partner user the announcements and promotions published for its organisation,
    in its languages, since its last digest (a week ago for the first one). Returns how many were sent."""
    from meute.core.choices import UserRole
    from meute.core.models import User

    now = now or timezone.now()
    week_ago = now - datetime.timedelta(days=7)
    last = dict(DigestState.objects.values_list("user_id", "last_sent_at"))
    users = list(
        User.objects.filter(is_active=True, role=UserRole.PARTNER, organization__isnull=False).order_by("pk")
    )
    facts_of: dict[int, AudienceFacts] = {}
    events, sent_to = [], []
    for user in users:
        if user.organization_id not in facts_of:
            facts_of[user.organization_id] = audience_facts(user.organization_id, timezone.localdate(now))
        facts = facts_of[user.organization_id]
        since = last.get(user.pk, week_ago)
        fresh = [
            item
            for item in items_for(facts, kinds=NEWS, languages=reader_languages(facts))
            if item.publish_at > since and item.publish_at <= now
        ]
        sent_to.append(user)
        if not fresh:
            continue
        lines = [
            Message(
                gettext_noop("• %(kind)s: %(title)s — %(summary)s"),
                kind=kind,
                title=item.title,
                summary=item.summary,
            )
            if item.summary
            else Message(gettext_noop("• %(kind)s: %(title)s"), kind=kind, title=item.title)
            for item in fresh
            for kind in [ContentKind(item.kind).label]
        ]
        title = Message(gettext_noop("%(count)s new announcements and promotions for you"), count=len(fresh))
        events.append(([user], title, lines, "/enablement/library/"))
    if events:
        notify_each(events, kind="digest")
    with transaction.atomic():
        for user in sent_to:
            DigestState.objects.update_or_create(user=user, defaults={"last_sent_at": now})
    return len(events)
