"""The public application form: valid, invalid, robots, flood; never reveals what the directory holds."""

import pytest
from django.urls import reverse

from meute.core.models import Organization
from meute.recruitment.models import Activity, Candidate

pytestmark = pytest.mark.django_db

VALID = {
    "company": "Nouvelle Intégration",
    "siren": "",
    "contact": "Nina Nouveau",
    "email": "nina@nouvelle.example",
    "message": "Intégrateur ERP pour les PME de la région lyonnaise depuis dix ans.",
}


def test_a_new_company_lands_in_the_pipeline(client, world):
    response = client.post(reverse("recruitment:apply"), VALID)
    assert response.status_code == 200 and 'id="application-sent"' in response.content.decode()
    candidate = Candidate.objects.get()
    assert candidate.organization.name == "Nouvelle Intégration" and candidate.stage == "identified"
    assert "nina@nouvelle.example" in Activity.objects.get().summary


def test_a_known_siren_gets_the_same_answer_and_no_duplicate(client, world):
    world.org_a.siren = "732829320"
    world.org_a.save()
    response = client.post(
        reverse("recruitment:apply"), {**VALID, "company": "Whatever", "siren": "732 829 320"}
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'id="application-sent"' in page
    assert "Alpha" not in page
    assert Candidate.objects.get().organization == world.org_a
    assert Organization.objects.filter(name="Whatever").count() == 0


@pytest.mark.parametrize(
    "change, message",
    [
        ({"email": "not-an-email"}, "e-mail"),
        ({"siren": "123456789"}, "SIREN"),
        ({"message": "hi"}, "at least 20"),
        ({"company": ""}, "required"),
    ],
)
def test_garbage_is_refused_and_nothing_written(client, world, change, message):
    count = Organization.objects.count()
    response = client.post(reverse("recruitment:apply"), {**VALID, **change})
    assert response.status_code == 422 and message.lower() in response.content.decode().lower()
    assert Organization.objects.count() == count and not Candidate.objects.exists()


def test_robots_and_floods(client, world, settings):
    settings.MEUTE_APPLICATION_RATE = "2/hour"
    robot = client.post(reverse("recruitment:apply"), {**VALID, "nickname": "bot"})
    assert robot.status_code == 200 and not Candidate.objects.exists()
    statuses = [
        client.post(reverse("recruitment:apply"), {**VALID, "company": f"C{i}"}).status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert Candidate.objects.count() == 2
    assert client.get(reverse("recruitment:apply")).status_code == 200
