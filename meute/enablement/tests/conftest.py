"""A course world: a published course of two modules (a reading, then a quiz of three questions), the
certification it earns, partner A's user linked to a person of its organisation."""

import datetime
from types import SimpleNamespace

import pytest

from meute.enablement.models import Certification, Choice, Course, Module, Question, Quiz


@pytest.fixture
def course_world(world):
    world.person_a.user = world.partner_a_user
    world.person_a.save()
    course = Course.objects.create(
        code="sales-basics", title="Sales basics", is_published=True, language="en"
    )
    reading = Module.objects.create(
        course=course, position=1, title="Why Meute", body="# Why\n\n**Because.**"
    )
    exam = Module.objects.create(course=course, position=2, title="Check yourself")
    quiz = Quiz.objects.create(module=exam, pass_mark=60, max_attempts=2)
    questions = []
    for position, (text, answers) in enumerate(
        [
            ("Capital of France?", [("Paris", True), ("Lyon", False)]),
            ("Prime numbers?", [("2", True), ("3", True), ("4", False)]),
            ("Colour of the sky?", [("Blue", True), ("Green", False)]),
        ],
        start=1,
    ):
        question = Question.objects.create(
            quiz=quiz, position=position, text=text, kind="multiple" if position == 2 else "single"
        )
        choices = [
            Choice.objects.create(question=question, position=i, text=t, is_correct=right)
            for i, (t, right) in enumerate(answers, start=1)
        ]
        questions.append((question, choices))
    certification = Certification.objects.create(
        code="sales-certified", name="Meute Sales Certified", role="sales", validity_months=12
    )
    certification.courses.add(course)
    return SimpleNamespace(
        world=world,
        course=course,
        reading=reading,
        exam=exam,
        quiz=quiz,
        questions=questions,
        certification=certification,
        today=datetime.date(2026, 3, 2),
    )


def right_answers(questions) -> dict:
    return {str(q.uuid): [str(c.uuid) for c in choices if c.is_correct] for q, choices in questions}
