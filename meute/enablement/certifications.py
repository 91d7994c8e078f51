"""Certifications: earned by completing courses, renewed before they end, revoked by the operator,
reminded before expiry; and the source of certified people the programme counts (``CertifiedPeople``).

A person holds a certification through one ``PersonCertification`` row per certification name and role,
whatever its source (earned here, imported from a learning platform, entered by the operator). Earning a
certification the person already holds from an import turns that row into an earned one.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from meute.notifications.messages import Message
from meute.notifications.notify import notify_each, organization_users
from meute.programs.models import add_months

from .choices import CertificationSource, EnrolmentStatus
from .models import Certification, CertificationReminder, Enrolment, PersonCertification

# A certification is renewed by completing its courses again at most this many days before it ends.
RENEWAL_WINDOW_DAYS = 90


class CertifiedPeople:
    """The source ``meute.programs.certifications`` counts certified people with (set-based: one query)."""

    def count(self, organizations, as_of, *, by_role=True, certification=""):
        rows = PersonCertification.objects.valid_on(as_of).filter(
            person__organization_id__in=organizations, person__is_active=True
        )
        if certification:
            rows = rows.filter(name__iexact=certification)
        rows = rows.order_by()
        if not by_role:
            return dict(
                rows.values_list("person__organization_id").annotate(n=Count("person_id", distinct=True))
            )
        result: dict[int, dict[str, int]] = {}
        for organization_id, role, n in (
            rows.values("person__organization_id", "role")
            .annotate(n=Count("person_id", distinct=True))
            .values_list("person__organization_id", "role", "n")
        ):
            result.setdefault(organization_id, {})[role] = n
        return result


def valid_until(certification: Certification, start: datetime.date) -> datetime.date | None:
    if not certification.validity_months:
        return None
    return add_months(start, certification.validity_months)


def is_valid(record: PersonCertification, day: datetime.date) -> bool:
    return (
        (record.issued_on is None or record.issued_on <= day)
        and (record.valid_until is None or record.valid_until >= day)
        and (record.revoked_on is None or record.revoked_on > day)
    )


def _new_number(today: datetime.date) -> str:
    return f"MEU-{today.year}-{secrets.token_hex(4).upper()}"


def _completed_since(person_id: int, course_ids, since: datetime.date | None) -> set[int]:
    rows = Enrolment.objects.filter(
        person_id=person_id, course_id__in=list(course_ids), status=EnrolmentStatus.COMPLETED
    )
    if since is not None:
        rows = rows.filter(completed_at__date__gte=since)
    return set(rows.values_list("course_id", flat=True))


@dataclass
class Award:
    record: PersonCertification
    action: str  # awarded, renewed


def check_after_course(person, course, today: datetime.date | None = None) -> list[Award]:
    """Called when ``person`` completes ``course``: award or renew every certification it completes."""
    today = today or timezone.localdate()
    awards = []
    candidates = Certification.objects.filter(is_active=True).filter(
        pk__in=list(course.certifications.values_list("pk", flat=True))
        + list(course.renewed_certifications.values_list("pk", flat=True))
    )
    for certification in candidates.distinct():
        award = earn(person, certification, today)
        if award is not None:
            awards.append(award)
    return awards


@transaction.atomic
def earn(person, certification: Certification, today: datetime.date | None = None) -> Award | None:
    """Award (or renew) ``certification`` to ``person`` when its requirements are met; None otherwise."""
    today = today or timezone.localdate()
    required = set(certification.courses.values_list("pk", flat=True))
    if not required:
        return None
    record = (
        PersonCertification.objects.select_for_update()
        .filter(person=person, name=certification.name, role=certification.role)
        .first()
    )
    if record is not None and is_valid(record, today) and record.source == CertificationSource.EARNED:
        # Renewal: within the window before the end, the renewal course (or every course) completed
        # since the last issue.
        if record.valid_until is None or (record.valid_until - today).days > RENEWAL_WINDOW_DAYS:
            return None
        since = record.renewed_on or record.issued_on
        renewal = {certification.renewal_course_id} if certification.renewal_course_id else required
        if renewal - _completed_since(person.pk, renewal, since):
            return None
        record.renewed_on = today
        record.valid_until = valid_until(certification, record.valid_until)
        record.save(update_fields=["renewed_on", "valid_until", "updated_at"])
        _announce(record, renewed=True)
        return Award(record, "renewed")
    # First award, or again after it ended: the courses completed since it ended count.
    ended = record is not None and record.valid_until is not None and record.valid_until < today
    since = record.valid_until if ended else None
    if required - _completed_since(person.pk, required, since):
        return None
    if record is None:
        record = PersonCertification(person=person, name=certification.name, role=certification.role)
    record.certification = certification
    record.source = CertificationSource.EARNED
    record.issued_on = today
    record.renewed_on = None
    record.revoked_on = None
    record.valid_until = valid_until(certification, today)
    record.number = record.number or _new_number(today)
    record.save()
    _announce(record, renewed=False)
    from .journeys import sync_organization

    sync_organization(person.organization_id)
    return Award(record, "awarded")


def _announce(record: PersonCertification, *, renewed: bool) -> None:
    user = getattr(record.person, "user", None)
    if user is None or not user.is_active:
        return
    title = Message(
        gettext_noop("Certification renewed: %(name)s")
        if renewed
        else gettext_noop("You are certified: %(name)s"),
        name=record.name,
    )
    body = Message(
        gettext_noop("Valid until %(date)s. Your certificate can be downloaded from its page."),
        date=record.valid_until if record.valid_until else gettext_lazy("no end date"),
    )
    notify_each([([user], title, body, record.get_absolute_url())], kind="certification")


@transaction.atomic
def revoke(user, record: PersonCertification, today: datetime.date | None = None) -> PersonCertification:
    if not user.can_edit_all:
        raise PermissionDenied(_("Only the operator's editors may revoke a certification."))
    record = PersonCertification.objects.select_for_update().get(pk=record.pk)
    if record.revoked_on is not None:
        raise ValidationError(_("This certification is already revoked."))
    record.revoked_on = today or timezone.localdate()
    record.save(update_fields=["revoked_on", "updated_at"])
    return record


def reminder_days() -> list[int]:
    return sorted({int(d) for d in settings.MEUTE_CERTIFICATION_REMINDER_DAYS if int(d) > 0}, reverse=True)


@dataclass
class ReminderRun:
    sent: int
    skipped: int  # already reminded for that end date and delay


def remind_expiring(today: datetime.date | None = None, *, dry_run: bool = False) -> ReminderRun:
    """Remind the holder (or, without a login, the partner's users) of each certification ending within a
    reminder delay: once per delay and end date, whichever worker or command runs it."""
    today = today or timezone.localdate()
    delays = reminder_days()
    if not delays:
        return ReminderRun(0, 0)
    due = (
        PersonCertification.objects.expiring_between(today, today + datetime.timedelta(days=delays[0]))
        .filter(person__is_active=True)
        .select_related("person", "person__user")
        .order_by("valid_until", "pk")
    )
    events, sent, skipped = [], 0, 0
    partner_users: dict[int, list] = {}
    for record in due:
        left = (record.valid_until - today).days
        delay = min(d for d in delays if d >= left)
        person = record.person
        holder = getattr(person, "user", None)
        if holder is not None and holder.is_active:
            recipients = [holder]
        else:
            if person.organization_id not in partner_users:
                partner_users[person.organization_id] = list(organization_users([person.organization_id]))
            recipients = partner_users[person.organization_id]
        if dry_run:
            exists = CertificationReminder.objects.filter(
                person_certification=record, valid_until=record.valid_until, days_before=delay
            ).exists()
            skipped += exists
            sent += not exists
            continue
        try:
            with transaction.atomic():
                CertificationReminder.objects.create(
                    person_certification=record,
                    valid_until=record.valid_until,
                    days_before=delay,
                    sent_to=recipients[0] if recipients else None,
                )
        except IntegrityError:  # reminded already (another run got there first)
            skipped += 1
            continue
        sent += 1
        title = Message(
            gettext_noop("%(person)s: “%(name)s” ends on %(date)s"),
            person=person.full_name,
            name=record.name,
            date=record.valid_until,
        )
        body = Message(
            gettext_noop("%(days)s days left to renew the certification: complete its renewal course."),
            days=left,
        )
        events.append((recipients, title, body, record.get_absolute_url()))
    if events:
        notify_each(events, kind="certification-expiry")
    return ReminderRun(sent, skipped)
