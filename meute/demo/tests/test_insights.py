"""The insights demo data: meetings, exchanges, a survey with answers and a health history."""

import pytest

from meute.demo.dataset import generate
from meute.insights.models import GovernanceMeeting, HealthSnapshot, Interaction, Survey, SurveyAnswer

pytestmark = pytest.mark.django_db


def test_the_demo_fills_insights():
    generate("tiny")
    assert GovernanceMeeting.objects.exists()
    assert Interaction.objects.exists()
    assert Survey.objects.filter(status="closed").count() == 1
    assert Survey.objects.filter(status="draft").count() == 1
    assert SurveyAnswer.objects.exists()
    days = HealthSnapshot.objects.values("taken_on").distinct().count()
    assert days == 5
    assert all(0 <= s <= 100 for s in HealthSnapshot.objects.values_list("score", flat=True))
