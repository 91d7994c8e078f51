"""E-learning: enrolment, progress, quiz scoring, the attempts limit, tampered answers, certification."""

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from meute.enablement import learning
from meute.enablement.models import Enrolment, PersonCertification, QuizAttempt

from .conftest import right_answers

pytestmark = pytest.mark.django_db


def start(cw, user=None):
    user = user or cw.world.partner_a_user
    enrolment = learning.enrol(user, cw.course)
    return enrolment, learning.start_attempt(user, enrolment, cw.quiz, rng=random.Random(1))


def test_scoring_counts_exact_answers_only(course_world):
    cw = course_world
    _enrolment, attempt = start(cw)
    (q1, c1), (q2, c2), (q3, c3) = cw.questions
    answers = {
        str(q1.uuid): [str(c1[0].uuid)],  # right
        str(q2.uuid): [str(c2[0].uuid)],  # one of two right answers: wrong
        str(q3.uuid): [str(c3[1].uuid)],  # wrong
    }
    attempt = learning.submit_attempt(cw.world.partner_a_user, attempt, answers)
    assert attempt.score == Decimal("33.33") and attempt.passed is False


def test_passing_completes_the_course_and_certifies(course_world):
    cw = course_world
    user = cw.world.partner_a_user
    with time_machine.travel(datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC), tick=False):
        enrolment, attempt = start(cw)
        learning.complete_module(user, enrolment, cw.reading)
        attempt = learning.submit_attempt(user, attempt, right_answers(cw.questions))
    assert attempt.score == Decimal("100.00") and attempt.passed
    enrolment.refresh_from_db()
    assert enrolment.status == "completed"
    record = PersonCertification.objects.get(person=cw.world.person_a)
    assert (record.name, record.role, record.source) == ("Meute Sales Certified", "sales", "earned")
    assert record.issued_on == datetime.date(2026, 3, 2)
    assert record.valid_until == datetime.date(2027, 3, 2)
    assert record.number.startswith("MEU-2026-")


def test_attempts_limit_is_enforced(course_world):
    cw = course_world
    user = cw.world.partner_a_user
    enrolment, attempt = start(cw)
    learning.submit_attempt(user, attempt, {})
    second = learning.start_attempt(user, enrolment, cw.quiz)
    learning.submit_attempt(user, second, {})
    with pytest.raises(ValidationError, match="No attempt left"):
        learning.start_attempt(user, enrolment, cw.quiz)
    assert QuizAttempt.objects.count() == 2
    learning.grant_attempt(cw.world.manager, enrolment)
    enrolment.refresh_from_db()
    assert learning.start_attempt(user, enrolment, cw.quiz).number == 3


def test_a_submitted_attempt_cannot_be_submitted_again(course_world):
    cw = course_world
    _enrolment, attempt = start(cw)
    learning.submit_attempt(cw.world.partner_a_user, attempt, {})
    with pytest.raises(ValidationError, match="submitted already"):
        learning.submit_attempt(cw.world.partner_a_user, attempt, right_answers(cw.questions))
    attempt.refresh_from_db()
    assert attempt.score == Decimal("0.00")


@pytest.mark.parametrize(
    "tamper",
    [
        lambda qs, other: {"00000000-0000-0000-0000-000000000000": []},  # a question not asked
        lambda qs, other: {str(qs[0][0].uuid): [str(qs[1][1][0].uuid)]},  # another question's answer
        lambda qs, other: {str(qs[0][0].uuid): [str(c.uuid) for c in qs[0][1]]},  # two answers to a single
        lambda qs, other: {str(qs[0][0].uuid): "not-a-choice"},
        lambda qs, other: ["not", "a", "dict"],
    ],
)
def test_tampered_answers_are_refused_and_nothing_is_written(course_world, tamper):
    cw = course_world
    _enrolment, attempt = start(cw)
    with pytest.raises(ValidationError):
        learning.submit_attempt(cw.world.partner_a_user, attempt, tamper(cw.questions, None))
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and attempt.score is None


def test_only_the_learner_submits(course_world):
    cw = course_world
    _enrolment, attempt = start(cw)
    with pytest.raises(PermissionDenied):
        learning.submit_attempt(cw.world.manager, attempt, right_answers(cw.questions))


def test_question_bank_draws_the_number_asked(course_world):
    cw = course_world
    cw.quiz.questions_per_attempt = 2
    cw.quiz.save()
    _enrolment, attempt = start(cw)
    assert len(attempt.question_ids) == 2
    assert set(attempt.question_ids) <= {q.pk for q, _c in cw.questions}


def test_partner_cannot_enrol_another_partners_person(course_world):
    cw = course_world
    with pytest.raises(PermissionDenied):
        learning.enrol(cw.world.partner_a_user, cw.course, cw.world.person_b)
    assert not Enrolment.objects.exists()


def test_unpublished_course_is_refused(course_world):
    cw = course_world
    cw.course.is_published = False
    cw.course.save()
    with pytest.raises(ValidationError):
        learning.enrol(cw.world.partner_a_user, cw.course)


def test_session_seats_are_limited(course_world):
    from django.utils import timezone

    from meute.core.factories import PersonFactory
    from meute.enablement.models import CourseSession

    cw = course_world
    starts = timezone.now() + datetime.timedelta(days=5)
    session = CourseSession.objects.create(
        course=cw.course, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), seats=1
    )
    learning.register(cw.world.partner_a_user, session)
    other = PersonFactory(organization=cw.world.org_a)
    with pytest.raises(ValidationError, match="full"):
        learning.register(cw.world.partner_a_user, session, other)
    assert session.registrations.count() == 1
