"""Personal data (GDPR): what Meute holds about a person, and its erasure.

A subject is an e-mail address (or a person's public identifier, or a username, which lead to one). Each
app that keeps personal data registers a ``Source`` from its ``AppConfig.ready()``: ``export(subject)``
returns what it holds, ``erase(subject)`` anonymises it and returns how many rows it changed. Core registers
people, logins and the audit trail; deals the deal contact fields; notifications the notifications.

Erasure anonymises rather than deletes: the records, the deals and their history stay (a user who has deals
becomes an inactive "erased" login), while every personal value (name, e-mail, phone, notes…) is replaced by
a tombstone, in the records and in every audit-log entry that quoted it. The erasure itself is recorded
(``ErasureRecord``), without saying whose data it was.
"""

import hashlib
import hmac
import uuid as uuid_module
from collections.abc import Callable
from dataclasses import dataclass, field

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import ApiToken, ErasureRecord, Person, User

TOMBSTONE = "[erased]"
# Shorter values (initials, two-digit codes) would replace unrelated text in the history.
MIN_SCRUBBED_LENGTH = 4


@dataclass
class Subject:
    """Whose data: the e-mail address asked for and the people and logins that carry it."""

    email: str
    people: list = field(default_factory=list)
    users: list = field(default_factory=list)

    def personal_values(self) -> set[str]:
        """Every value that identifies the subject, as it may appear in copies and the history."""
        values = {self.email}
        for person in self.people:
            values |= {
                person.email,
                person.phone,
                person.full_name,
                person.linkedin_url,
                person.notes,
                f"{person.last_name} {person.first_name}",
            }
        for user in self.users:
            values |= {user.email, user.username, user.get_full_name()}
        return {value.strip() for value in values if value and len(value.strip()) >= MIN_SCRUBBED_LENGTH}


@dataclass(frozen=True)
class Source:
    name: str
    export: Callable  # export(subject) -> list[dict]
    erase: Callable  # erase(subject) -> int (rows changed)


_SOURCES: dict[str, Source] = {}


def register_source(source: Source) -> None:
    _SOURCES[source.name] = source


def contact_match(subject: Subject, email_field: str, phone_field: str | None = None) -> Q:
    """Rows whose contact e-mail (or phone) is the subject's: what a visitor or a partner typed about them."""
    match = Q(pk__in=[])
    if subject.email:
        match |= Q(**{f"{email_field}__iexact": subject.email})
    phones = {person.phone for person in subject.people if person.phone}
    if phone_field and phones:
        match |= Q(**{f"{phone_field}__in": phones})
    return match


def find_subject(reference: str) -> Subject:
    """An e-mail address, a person's public identifier or a username → the subject, else ValidationError."""
    reference = (reference or "").strip()
    email = ""
    try:
        person = Person.objects.filter(uuid=uuid_module.UUID(reference)).first()
    except ValueError:
        person = None
    if person is not None:
        email = person.email
        if not email:
            return Subject(email="", people=[person], users=[person.user] if person.user else [])
    elif "@" in reference:
        email = reference
    else:
        user = User.objects.filter(username=reference).first()
        if user is None or not user.email:
            if user is not None:
                return Subject(email="", users=[user], people=list(Person.objects.filter(user=user)))
            raise ValidationError(
                _("No person, login or e-mail address matches “%(ref)s”.") % {"ref": reference}
            )
        email = user.email
    people = list(Person.objects.filter(email__iexact=email))
    if person is not None and person not in people:
        people.append(person)
    users = list(User.objects.filter(Q(email__iexact=email) | Q(person__in=people)).distinct())
    subject = Subject(email=email.lower(), people=people, users=users)
    if not (
        people or users or any(source.export(subject) for name, source in _SOURCES.items() if name != "audit")
    ):
        raise ValidationError(_("No person, login or e-mail address matches “%(ref)s”.") % {"ref": reference})
    return subject


def export(subject: Subject) -> dict:
    """Everything Meute holds about the subject, by source (JSON with ``json_encoder``)."""
    return {
        "subject": subject.email or (subject.users[0].username if subject.users else ""),
        "exported_at": timezone.now(),
        "data": {name: source.export(subject) for name, source in _SOURCES.items()},
    }


json_encoder = DjangoJSONEncoder


def subject_digest(subject: Subject) -> str:
    key = (subject.email or (subject.users[0].username if subject.users else "")).lower()
    return hmac.new(settings.SECRET_KEY.encode(), key.encode(), hashlib.sha256).hexdigest()


def erase(subject: Subject, by=None) -> ErasureRecord:
    """Anonymise the subject everywhere in one transaction, and record that it happened."""
    counts = {}
    # The history first: it is searched for the values the records still hold. People and logins last:
    # the other sources find the subject's rows by the e-mail, phone and name those still carry.
    last = ("people", "logins")
    order = ["audit", *(name for name in _SOURCES if name not in ("audit", *last)), *last]
    with transaction.atomic(), disable_auditlog():
        for name in order:
            if name in _SOURCES:
                counts[name] = _SOURCES[name].erase(subject)
        return ErasureRecord.objects.create(
            subject_digest=subject_digest(subject), erased_by=by, counts=counts
        )


# Core's own sources: people, logins (with their API tokens) and the audit trail.

PERSON_FIELDS = ["first_name", "last_name", "email", "phone", "job_title", "linkedin_url", "notes"]
USER_FIELDS = ["username", "first_name", "last_name", "email", "date_joined", "last_login", "is_active"]


def _export_people(subject):
    return [
        {
            "uuid": person.uuid,
            "organization": person.organization.name,
            **{name: getattr(person, name) for name in PERSON_FIELDS + ["role", "department", "is_active"]},
            "created_at": person.created_at,
        }
        for person in subject.people
    ]


def _erase_people(subject):
    for person in subject.people:
        person.first_name, person.last_name = _("Erased"), _("person")
        person.email = person.phone = person.job_title = person.linkedin_url = person.notes = ""
        person.is_active = False
        person.user = None
        person.save()
    return len(subject.people)


def _export_users(subject):
    rows = []
    for user in subject.users:
        row = {name: getattr(user, name) for name in USER_FIELDS}
        row["role"] = user.role
        row["api_tokens"] = list(
            ApiToken.objects.filter(user=user).values("name", "created_at", "expires_at", "last_used_at")
        )
        row["second_factor_devices"] = list(
            TOTPDevice.objects.filter(user=user).values("name", "confirmed", "created_at", "last_used_at")
        )
        rows.append(row)
    return rows


def _erase_users(subject):
    for user in subject.users:
        ApiToken.objects.filter(user=user).delete()
        # A second factor is a secret of the person's phone: it goes with the login it protected.
        TOTPDevice.objects.filter(user=user).delete()
        user.username = f"erased-{uuid_module.uuid4().hex[:12]}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    return len(subject.users)


def _history_entries(subject):
    """Audit-log entries that quote a personal value of the subject, or are about their records."""
    values = subject.personal_values()
    if not values:
        return LogEntry.objects.none()
    quoted = Q()
    for value in values:
        quoted |= Q(changes_as_text__icontains=value) | Q(object_repr__icontains=value)
        quoted |= Q(changes_text__icontains=value)
    about = Q()
    if subject.people:
        about |= Q(
            content_type=ContentType.objects.get_for_model(Person),
            object_pk__in=[str(person.pk) for person in subject.people],
        )
    if subject.users:
        about |= Q(
            content_type=ContentType.objects.get_for_model(User),
            object_pk__in=[str(user.pk) for user in subject.users],
        )
    return LogEntry.objects.annotate(changes_as_text=Cast("changes", TextField())).filter(quoted | about)


def _export_history(subject):
    return [
        {
            "timestamp": entry.timestamp,
            "record": f"{entry.content_type.app_label}.{entry.content_type.model}",
            "record_repr": entry.object_repr,
            "action": entry.get_action_display(),
            "changes": entry.changes,
        }
        for entry in _history_entries(subject).select_related("content_type").order_by("timestamp")
    ]


def scrub(value, personal):
    """``value`` (text, or JSON lists and dicts) with every personal value replaced by the tombstone."""
    if isinstance(value, str):
        lowered = value.lower()
        for item in sorted(personal, key=len, reverse=True):
            start = lowered.find(item.lower())
            while start != -1:
                value = value[:start] + TOMBSTONE + value[start + len(item) :]
                lowered = value.lower()
                start = lowered.find(item.lower(), start + len(TOMBSTONE))
        return value
    if isinstance(value, list):
        return [scrub(item, personal) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, personal) for key, item in value.items()}
    return value


def tombstone_history(queryset, fields) -> int:
    """Replace ``fields`` of the rows of ``queryset`` by the tombstone in their audit-log entries.

    Called before the rows themselves are anonymised: what a person wrote in their own words (a comment,
    a message) need not quote their name to be theirs, so the history loses it too.
    """
    rows = list(queryset.values("pk", *fields))
    if not rows:
        return 0
    written = {str(row[name]) for row in rows for name in fields if row[name] not in (None, "")}
    written = {value for value in written if len(value.strip()) >= MIN_SCRUBBED_LENGTH}
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(queryset.model),
        object_pk__in=[str(row["pk"]) for row in rows],
    )
    changed = 0
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        for name in fields:
            pair = changes.get(name)
            if isinstance(pair, list):
                changes[name] = [value if value in (None, "", "None") else TOMBSTONE for value in pair]
        entry.changes = changes
        entry.changes_text = scrub(entry.changes_text, written)
        entry.object_repr = scrub(entry.object_repr, written)
        entry.serialized_data = scrub(entry.serialized_data, written)
        entry.remote_addr = None
        entry.save(update_fields=["changes", "changes_text", "object_repr", "serialized_data", "remote_addr"])
        changed += 1
    return changed


def _erase_history(subject):
    personal = subject.personal_values()
    person_type = ContentType.objects.get_for_model(Person)
    person_fields = set(PERSON_FIELDS)
    changed = 0
    for entry in _history_entries(subject).select_related("content_type"):
        changes = scrub(entry.changes, personal)
        if entry.content_type_id == person_type.id and isinstance(changes, dict):
            # Any value of a personal field of the person, even one not listed above (an old e-mail).
            changes = {
                name: [TOMBSTONE if value not in (None, "") else value for value in pair]
                if name in person_fields and isinstance(pair, list)
                else pair
                for name, pair in changes.items()
            }
        entry.changes = changes
        entry.changes_text = scrub(entry.changes_text, personal)
        entry.object_repr = scrub(entry.object_repr, personal)
        entry.serialized_data = scrub(entry.serialized_data, personal)
        entry.additional_data = scrub(entry.additional_data, personal)
        entry.remote_addr = None
        entry.save(
            update_fields=[
                "changes",
                "changes_text",
                "object_repr",
                "serialized_data",
                "additional_data",
                "remote_addr",
            ]
        )
        changed += 1
    return changed


register_source(Source("people", _export_people, _erase_people))
register_source(Source("logins", _export_users, _erase_users))
register_source(Source("audit", _export_history, _erase_history))
