"""Learning: enrolments, e-learning progress module by module, quizzes (drawn questions, scoring, the
attempts limit, tampered answers refused), session registrations with their seats, and feedback.

A learner is a person of the directory. A partner user enrols the people of its own organisation
(itself first: its learner record is made from its login when it has none); the operator's editors
enrol anyone. Completing a course may earn certifications (``certifications.check_after_course``).
"""

import random
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from meute.core.models import Person
from meute.lib.refusals import Refusal, declare, wrong_state
from meute.notifications.messages import Message
from meute.notifications.notify import notify

from . import certifications, journeys
from .choices import EnrolmentStatus, QuestionKind, RegistrationStatus
from .models import (
    Course,
    CourseSession,
    Enrolment,
    Module,
    ModuleFeedback,
    ModuleProgress,
    Quiz,
    QuizAttempt,
    SessionRegistration,
)

ALREADY_ENROLLED = declare(
    "already_enrolled", "The person is already enrolled in the course (`details.enrolment`)."
)
QUIZ_PASSED = declare("quiz_passed", "The learner passed this quiz already.")
NO_ATTEMPT_LEFT = declare("no_attempt_left", "Every attempt at the quiz is used (`details.max_attempts`).")
ALREADY_SUBMITTED = declare("already_submitted", "The quiz attempt was submitted already.")
SESSION_STARTED = declare("session_started", "The session has started: registrations are closed.")
ALREADY_IN_SESSION = declare(
    "already_in_session", "The person is already registered for the session (`details.registration`)."
)
SESSION_FULL = declare("session_full", "Every seat of the session is taken (`details.seats`).")

SEAT_TAKING = (RegistrationStatus.REGISTERED, RegistrationStatus.ATTENDED)


def learner_of(user, *, create: bool = False) -> Person | None:
    """The person a user learns as: its directory record, made from its login for a partner user."""
    person = Person.objects.filter(user=user).first()
    if person is None and create and user.is_partner_user and user.organization_id:
        person = Person.objects.create(
            organization_id=user.organization_id,
            first_name=user.first_name or user.get_username(),
            last_name=user.last_name,
            email=(user.email or "").lower(),
            user=user,
        )
    return person


def _require_course_visible(user, course: Course) -> None:
    if not Course.objects.visible_to(user).filter(pk=course.pk, is_published=True).exists():
        raise ValidationError(_("This course is not open to you."))


def _require_person_visible(user, person: Person) -> None:
    if not (user.can_edit_all or (user.is_partner_user and person.organization_id == user.organization_id)):
        raise PermissionDenied(_("You may enrol only the people of your own organisation."))


@transaction.atomic
def enrol(user, course: Course, person: Person | None = None, *, due_date=None) -> Enrolment:
    person = person or learner_of(user, create=True)
    if person is None:
        raise ValidationError(_("Your login is not linked to a person of the directory."))
    _require_person_visible(user, person)
    _require_course_visible(user, course)
    Person.objects.select_for_update().filter(pk=person.pk).first()
    current = Enrolment.objects.filter(course=course, person=person).exclude(status=EnrolmentStatus.COMPLETED)
    current = current.first()
    if current is not None and current.status == EnrolmentStatus.IN_PROGRESS:
        raise Refusal(
            _("%(person)s is already enrolled in this course.") % {"person": person},
            code=ALREADY_ENROLLED,
            details={"enrolment": str(current.uuid)},
        )
    if current is not None:  # withdrawn earlier: resumed where it stopped, attempts included
        current.status = EnrolmentStatus.IN_PROGRESS
        current.due_date = due_date or current.due_date
        current.save(update_fields=["status", "due_date", "updated_at"])
        return current
    return Enrolment.objects.create(
        course=course, person=person, due_date=due_date, enrolled_by=user if user.is_authenticated else None
    )


def _require_learner(user, enrolment: Enrolment) -> None:
    if enrolment.person.user_id != user.pk:
        raise PermissionDenied(_("Only the learner follows their own course."))
    if enrolment.status != EnrolmentStatus.IN_PROGRESS:
        raise wrong_state(
            _("This enrolment is not in progress."), enrolment.status, EnrolmentStatus.IN_PROGRESS
        )


@transaction.atomic
def withdraw(user, enrolment: Enrolment) -> Enrolment:
    if not (user.can_edit_all or enrolment.person.user_id == user.pk):
        raise PermissionDenied(_("Only the learner or the operator may withdraw this enrolment."))
    if enrolment.status != EnrolmentStatus.IN_PROGRESS:
        raise wrong_state(
            _("This enrolment is not in progress."), enrolment.status, EnrolmentStatus.IN_PROGRESS
        )
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status", "updated_at"])
    return enrolment


def completed_modules(enrolment: Enrolment) -> set[int]:
    return set(
        ModuleProgress.objects.filter(enrolment=enrolment, completed_at__isnull=False).values_list(
            "module_id", flat=True
        )
    )


def _mark_done(enrolment: Enrolment, module: Module) -> None:
    progress, _created = ModuleProgress.objects.get_or_create(enrolment=enrolment, module=module)
    if progress.completed_at is None:
        progress.completed_at = timezone.now()
        progress.save(update_fields=["completed_at", "updated_at"])
    _complete_if_done(enrolment)


def _complete_if_done(enrolment: Enrolment) -> None:
    modules = set(enrolment.course.modules.values_list("pk", flat=True))
    if modules - completed_modules(enrolment):
        return
    enrolment.status, enrolment.completed_at = EnrolmentStatus.COMPLETED, timezone.now()
    enrolment.save(update_fields=["status", "completed_at", "updated_at"])
    certifications.check_after_course(enrolment.person, enrolment.course)
    journeys.sync_organization(enrolment.person.organization_id)


@transaction.atomic
def complete_module(user, enrolment: Enrolment, module: Module) -> None:
    """The learner has read (or watched) a module; a module with a quiz is completed by passing it."""
    enrolment = Enrolment.objects.select_for_update().select_related("person", "course").get(pk=enrolment.pk)
    _require_learner(user, enrolment)
    if module.course_id != enrolment.course_id:
        raise ValidationError(_("This module belongs to another course."))
    if Quiz.objects.filter(module=module).exists():
        raise ValidationError(_("This module is completed by passing its quiz."))
    _mark_done(enrolment, module)


def attempts_left(quiz: Quiz, enrolment: Enrolment) -> int | None:
    """None when the quiz has no limit."""
    if quiz.max_attempts is None:
        return None
    used = QuizAttempt.objects.filter(quiz=quiz, enrolment=enrolment).submitted().count()
    return max(0, quiz.max_attempts + enrolment.extra_attempts - used)


@transaction.atomic
def start_attempt(user, enrolment: Enrolment, quiz: Quiz, rng: random.Random | None = None) -> QuizAttempt:
    """The open attempt, or a new one with its questions drawn; refused once the attempts are used."""
    enrolment = Enrolment.objects.select_for_update().select_related("person").get(pk=enrolment.pk)
    _require_learner(user, enrolment)
    if quiz.module.course_id != enrolment.course_id:
        raise ValidationError(_("This quiz belongs to another course."))
    open_attempt = QuizAttempt.objects.filter(
        quiz=quiz, enrolment=enrolment, submitted_at__isnull=True
    ).first()
    if open_attempt is not None:
        return open_attempt
    if QuizAttempt.objects.filter(quiz=quiz, enrolment=enrolment, passed=True).exists():
        raise Refusal(_("You have passed this quiz already."), code=QUIZ_PASSED)
    if attempts_left(quiz, enrolment) == 0:
        raise Refusal(
            _("No attempt left at this quiz: ask the operator for another one."),
            code=NO_ATTEMPT_LEFT,
            details={"max_attempts": quiz.max_attempts + enrolment.extra_attempts},
        )
    bank = list(quiz.questions.annotate(n=Count("choices")).filter(n__gte=2).values_list("pk", flat=True))
    if not bank:
        raise ValidationError(_("This quiz has no question yet."))
    count = min(quiz.questions_per_attempt or len(bank), len(bank))
    drawn = sorted((rng or random.SystemRandom()).sample(bank, count))
    number = QuizAttempt.objects.filter(quiz=quiz, enrolment=enrolment).count() + 1
    return QuizAttempt.objects.create(quiz=quiz, enrolment=enrolment, number=number, question_ids=drawn)


def _checked_answers(attempt: QuizAttempt, answers: dict) -> dict[int, set[int]]:
    """The answers as {question id: {choice ids}}, or ValidationError when they name a question not asked
    in this attempt, an answer of another question, or several answers to a one-answer question."""
    from .models import Choice, Question

    if not isinstance(answers, dict):
        raise ValidationError(_("The answers are not in the expected form."))
    asked = {str(q.uuid): q for q in Question.objects.filter(pk__in=attempt.question_ids)}
    unknown = [key for key in answers if str(key) not in asked]
    if unknown:
        raise ValidationError(_("These answers name questions that were not asked in this attempt."))
    choices = {}
    for pk, question_id, public in Choice.objects.filter(question_id__in=attempt.question_ids).values_list(
        "pk", "question_id", "uuid"
    ):
        choices[str(public)] = (pk, question_id)
    result = {q.pk: set() for q in asked.values()}
    for key, picked in answers.items():
        question = asked[str(key)]
        picked = [picked] if isinstance(picked, str) else picked
        if not isinstance(picked, list | tuple) or not all(isinstance(p, str) for p in picked):
            raise ValidationError(_("The answers are not in the expected form."))
        for value in picked:
            found = choices.get(value)
            if found is None or found[1] != question.pk:
                raise ValidationError(_("An answer does not belong to its question."))
            result[question.pk].add(found[0])
        if question.kind == QuestionKind.SINGLE and len(result[question.pk]) > 1:
            raise ValidationError(_("A one-answer question got several answers."))
    return result


def score(attempt: QuizAttempt, picked: dict[int, set[int]]) -> Decimal:
    """Percentage of the questions asked answered exactly (every right answer, no wrong one)."""
    from .models import Choice

    correct: dict[int, set[int]] = {pk: set() for pk in attempt.question_ids}
    for pk, question_id in Choice.objects.filter(
        question_id__in=attempt.question_ids, is_correct=True
    ).values_list("pk", "question_id"):
        correct[question_id].add(pk)
    right = sum(1 for pk in attempt.question_ids if picked.get(pk, set()) == correct[pk])
    if not attempt.question_ids:
        return Decimal("0")
    return (Decimal(100) * right / len(attempt.question_ids)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@transaction.atomic
def submit_attempt(user, attempt: QuizAttempt, answers: dict) -> QuizAttempt:
    attempt = (
        QuizAttempt.objects.select_for_update().select_related("quiz", "quiz__module").get(pk=attempt.pk)
    )
    enrolment = (
        Enrolment.objects.select_for_update().select_related("person", "course").get(pk=attempt.enrolment_id)
    )
    _require_learner(user, enrolment)
    if attempt.submitted_at is not None:
        raise Refusal(_("This attempt was submitted already."), code=ALREADY_SUBMITTED)
    picked = _checked_answers(attempt, answers)
    attempt.answers = {str(q): sorted(c) for q, c in picked.items()}
    attempt.score = score(attempt, picked)
    attempt.passed = attempt.score >= attempt.quiz.pass_mark
    attempt.submitted_at = timezone.now()
    attempt.save()
    if attempt.passed:
        _mark_done(enrolment, attempt.quiz.module)
    return attempt


@transaction.atomic
def register(user, session: CourseSession, person: Person | None = None) -> SessionRegistration:
    person = person or learner_of(user, create=True)
    if person is None:
        raise ValidationError(_("Your login is not linked to a person of the directory."))
    _require_person_visible(user, person)
    _require_course_visible(user, session.course)
    session = CourseSession.objects.select_for_update().get(pk=session.pk)  # seats taken one at a time
    if session.starts_at <= timezone.now():
        raise Refusal(
            _("This session has started: registrations are closed."),
            code=SESSION_STARTED,
            details={"starts_at": session.starts_at.isoformat()},
        )
    existing = SessionRegistration.objects.filter(session=session, person=person).first()
    if existing is not None and existing.status in SEAT_TAKING:
        raise Refusal(
            _("%(person)s is already registered for this session.") % {"person": person},
            code=ALREADY_IN_SESSION,
            details={"registration": str(existing.uuid)},
        )
    taken = session.registrations.filter(status__in=SEAT_TAKING).count()
    if taken >= session.seats:
        raise Refusal(_("This session is full."), code=SESSION_FULL, details={"seats": session.seats})
    if existing is not None:
        existing.status, existing.registered_by = RegistrationStatus.REGISTERED, user
        existing.save(update_fields=["status", "registered_by", "updated_at"])
        return existing
    return SessionRegistration.objects.create(session=session, person=person, registered_by=user)


@transaction.atomic
def cancel_registration(user, registration: SessionRegistration) -> SessionRegistration:
    _require_person_visible(user, registration.person)
    if registration.status != RegistrationStatus.REGISTERED:
        raise wrong_state(
            _("Only a registration still open can be cancelled."),
            registration.status,
            RegistrationStatus.REGISTERED,
        )
    registration.status = RegistrationStatus.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    return registration


@transaction.atomic
def mark_attendance(user, registration: SessionRegistration, attended: bool) -> SessionRegistration:
    """The trainer's roll call (operator staff). Attending a course that has no e-learning module
    completes it for the person."""
    if not user.can_edit_all:
        raise PermissionDenied(_("Only the operator's editors record attendance."))
    registration.status = RegistrationStatus.ATTENDED if attended else RegistrationStatus.ABSENT
    registration.save(update_fields=["status", "updated_at"])
    course = registration.session.course
    if attended and not course.modules.exists():
        enrolment = (
            Enrolment.objects.filter(course=course, person=registration.person)
            .exclude(status=EnrolmentStatus.COMPLETED)
            .first()
        ) or Enrolment.objects.create(course=course, person=registration.person, enrolled_by=user)
        enrolment.status, enrolment.completed_at = EnrolmentStatus.IN_PROGRESS, None
        enrolment.save(update_fields=["status", "completed_at", "updated_at"])
        _complete_if_done(enrolment)
    return registration


@transaction.atomic
def grant_attempt(user, enrolment: Enrolment) -> Enrolment:
    if not user.can_edit_all:
        raise PermissionDenied(_("Only the operator's editors grant more attempts."))
    enrolment.extra_attempts += 1
    enrolment.save(update_fields=["extra_attempts", "updated_at"])
    return enrolment


@transaction.atomic
def give_feedback(user, module: Module, rating: int, comment: str = "") -> ModuleFeedback:
    person = learner_of(user)
    if person is None or not Enrolment.objects.filter(course_id=module.course_id, person=person).exists():
        raise PermissionDenied(_("Enrol in the course to give feedback on its modules."))
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("A rating is between 1 and 5.")})
    feedback, _created = ModuleFeedback.objects.update_or_create(
        module=module, person=person, defaults={"rating": rating, "comment": (comment or "").strip()[:4000]}
    )
    return feedback


def can_answer_feedback(user, feedback: ModuleFeedback) -> bool:
    return bool(user.can_edit_all or feedback.module.course.owner_id == user.pk)


@transaction.atomic
def answer_feedback(user, feedback: ModuleFeedback, text: str) -> ModuleFeedback:
    if not can_answer_feedback(user, feedback):
        raise PermissionDenied(
            _("Only the course's content owner or the operator's editors answer feedback.")
        )
    text = (text or "").strip()
    if not text:
        raise ValidationError({"reply": _("Write an answer.")})
    feedback.reply, feedback.replied_by, feedback.replied_at = text[:4000], user, timezone.now()
    feedback.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    learner = feedback.person.user
    if learner is not None:
        notify(
            [learner],
            Message(gettext_noop("Your feedback on “%(module)s” was answered"), module=str(feedback.module)),
            text,
            url=feedback.module.get_absolute_url(),
            kind="feedback",
        )
    return feedback
