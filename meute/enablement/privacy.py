"""Personal data in enablement: a person's enrolments and progress, quiz attempts, feedback, session
registrations, certifications, and the support contacts and downloads of their login.

Registered with ``meute.core.privacy`` from the app's ``ready()``. Training records stay with the erased
person (the partner's certified head count and the course statistics do not move); what the subject wrote
(feedback comments, quiz answers in their words) is replaced, and a support contact that is the subject is
ended and emptied.
"""

from django.db.models import Q

from meute.core.privacy import TOMBSTONE, Source, contact_match, register_source, tombstone_history

from .models import (
    ContentDownload,
    Enrolment,
    ModuleFeedback,
    PersonCertification,
    QuizAttempt,
    SessionRegistration,
    SupportContact,
)


def _support(subject):
    names = {person.full_name for person in subject.people if person.full_name}
    return SupportContact.objects.filter(contact_match(subject, "email", "phone") | Q(name__in=names))


def export_enablement(subject):
    people = subject.people
    enrolments = Enrolment.objects.filter(person__in=people).select_related("course").order_by("created_at")
    sections = {
        "enrolments": [
            {
                "course": enrolment.course.title,
                "status": enrolment.status,
                "due_date": enrolment.due_date,
                "completed_at": enrolment.completed_at,
                "modules_completed": [
                    progress.module.title
                    for progress in enrolment.progress.filter(completed_at__isnull=False).select_related(
                        "module"
                    )
                ],
            }
            for enrolment in enrolments
        ],
        "quiz_attempts": list(
            QuizAttempt.objects.filter(enrolment__person__in=people)
            .order_by("created_at")
            .values("quiz__module__title", "number", "submitted_at", "score", "passed", "answers")
        ),
        "feedback": list(
            ModuleFeedback.objects.filter(person__in=people)
            .order_by("created_at")
            .values("module__title", "rating", "comment", "reply", "created_at")
        ),
        "session_registrations": list(
            SessionRegistration.objects.filter(person__in=people)
            .order_by("created_at")
            .values("session__course__title", "session__starts_at", "status", "created_at")
        ),
        "certifications": list(
            PersonCertification.objects.filter(person__in=people)
            .order_by("created_at")
            .values("name", "role", "source", "valid_until", "revoked_on")
        ),
        "downloads": list(
            ContentDownload.objects.filter(user__in=subject.users)
            .order_by("downloaded_at")
            .values("item__title", "downloaded_at")
        ),
        "support_contact": list(_support(subject).values("kind", "name", "email", "phone", "hours")),
    }
    return [sections] if any(sections.values()) else []


def erase_enablement(subject):
    feedback = ModuleFeedback.objects.filter(person__in=subject.people).exclude(comment="")
    tombstone_history(feedback, ["comment"])
    changed = feedback.update(comment=TOMBSTONE)
    tombstone_history(_support(subject), ["name", "email", "phone", "hours"])
    changed += _support(subject).update(name=TOMBSTONE, email="", phone="", hours="", is_active=False)
    return changed


def register():
    register_source(Source("enablement", export_enablement, erase_enablement))
