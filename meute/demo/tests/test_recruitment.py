"""The demo's recruitment data: a board with every stage, rankable profiles, coverage to compare."""

import pytest
from django.urls import reverse

from meute.demo.dataset import ensure_demo_logins, generate
from meute.recruitment import benchmarking, profiles
from meute.recruitment.models import Candidate, ScoringProfile

pytestmark = pytest.mark.django_db


def test_demo_recruitment_pages(client):
    generate("tiny")
    ensure_demo_logins("pw-for-tests")
    assert Candidate.objects.values("stage").distinct().count() >= 5
    for profile in ScoringProfile.objects.all():
        ranking = profiles.rank(profile, top=10)
        assert ranking.rows and ranking.rows[0].score >= ranking.rows[-1].score
    assert benchmarking.coverage().competitors
    from meute.core.models import User

    client.force_login(User.objects.get(username="manager"))
    urls = [
        reverse("recruitment:pipeline"),
        reverse("recruitment:scoring-list"),
        reverse("recruitment:qualification"),
        reverse("recruitment:channel"),
        reverse("recruitment:coverage"),
        reverse("recruitment:attribute-list"),
        *[profile.get_absolute_url() for profile in ScoringProfile.objects.all()],
        Candidate.objects.first().get_absolute_url(),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
