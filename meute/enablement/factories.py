"""factory_boy factories for onboarding journeys in tests (deterministic: sequences, no random data)."""

import datetime

import factory

from meute.enablement.choices import JourneyStatus, StepOwner, StepStatus
from meute.enablement.models import Journey, JourneyStep


class JourneyFactory(factory.django.DjangoModelFactory):
    """A journey in progress, started on 1 June 2026, without steps (``JourneyStepFactory`` adds them)."""

    class Meta:
        model = Journey

    name = factory.Sequence(lambda n: f"Onboarding {n}")
    status = JourneyStatus.ACTIVE
    started_on = datetime.date(2026, 6, 1)


class JourneyStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JourneyStep

    journey = factory.SubFactory(JourneyFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Step {n}")
    owner_side = StepOwner.PARTNER
    status = StepStatus.TODO
    due_date = datetime.date(2026, 7, 31)
