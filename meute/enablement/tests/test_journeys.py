"""Onboarding journeys: started when a partnership becomes active, from the template that fits; steps
ticked by the evidence Meute sees; a missing template refused clearly."""

import pytest
from django.core.exceptions import ValidationError

from meute.enablement.journeys import matching_template, start_journey
from meute.enablement.models import Journey, JourneyTemplate, TemplateStep
from meute.partnerships.choices import PartnershipStatus

pytestmark = pytest.mark.django_db


def template(name, **kwargs):
    row = JourneyTemplate.objects.create(name=name, **kwargs)
    TemplateStep.objects.create(
        template=row, position=1, title="Sign the agreement", due_days=7, evidence_kind="agreement"
    )
    TemplateStep.objects.create(
        template=row, position=2, title="First training", due_days=30, evidence_kind="course"
    )
    TemplateStep.objects.create(
        template=row, position=3, title="Meet support", owner_side="vendor", due_days=14
    )
    return row


def test_activation_starts_the_most_specific_journey(world, program):
    template("Any partner")
    gold = program.tiers.get(name="Gold")
    gold_template = template("Gold resellers", program=program, tier=gold, partner_type="reseller")
    from meute.programs.models import PartnerTier

    PartnerTier.objects.filter(partnership=world.partnership_b).update(tier=gold, partner_type="reseller")
    assert matching_template(world.partnership_b) == gold_template
    partnership = world.partnership_b
    partnership.status = PartnershipStatus.ACTIVE
    partnership.save()
    journey = Journey.objects.get(partnership=partnership)
    assert journey.template == gold_template
    assert [s.title for s in journey.steps.order_by("position")] == [
        "Sign the agreement",
        "First training",
        "Meet support",
    ]
    assert journey.steps.get(position=1).due_date == journey.started_on + __import__("datetime").timedelta(
        days=7
    )
    partnership.save()  # saved again: no second journey
    assert Journey.objects.filter(partnership=partnership).count() == 1


def test_no_template_is_refused_clearly(world):
    with pytest.raises(ValidationError, match="No onboarding journey template fits"):
        start_journey(world.partnership_a)
    assert not Journey.objects.exists()


def test_api_refuses_a_missing_template(world, api):
    response = api(world.manager).post(
        "/api/journeys/",
        {"partnership": str(world.partnership_a.uuid), "template": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )
    assert response.status_code == 400 and "template" in response.json()["error"]["fields"]
    assert not Journey.objects.exists()


def test_completing_a_course_ticks_the_training_step(course_world):
    from meute.enablement import learning

    from .conftest import right_answers

    cw = course_world
    journey = start_journey(cw.world.partnership_a, template("Welcome"))
    user = cw.world.partner_a_user
    enrolment = learning.enrol(user, cw.course)
    learning.complete_module(user, enrolment, cw.reading)
    attempt = learning.start_attempt(user, enrolment, cw.quiz)
    learning.submit_attempt(user, attempt, right_answers(cw.questions))
    step = journey.steps.get(position=2)
    assert step.status == "done" and "Sales basics" in step.evidence
    assert journey.steps.get(position=1).status == "todo"
