"""Recruitment data is the operator's: partner users are refused on every page and endpoint, and nothing
is written when they try."""

import pytest
from django.urls import reverse

from meute.recruitment.models import (
    AttributeValue,
    Candidate,
    CriteriaGroup,
    QualificationAnswer,
    QualificationQuestion,
    ScoringProfile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(world, attrs, questions):
    candidate = Candidate.objects.create(organization=world.org_a, owner=world.manager)
    profile = ScoringProfile.objects.create(name="P")
    CriteriaGroup.objects.create(profile=profile, name="G")
    return candidate, profile


def test_partner_users_are_refused_on_every_page(world, records, client_for):
    candidate, profile = records
    pages = [
        reverse("recruitment:pipeline"),
        reverse("recruitment:candidate-create"),
        reverse("recruitment:candidate-detail", args=[candidate.uuid]),
        reverse("recruitment:qualification"),
        reverse("recruitment:scoring-list"),
        reverse("recruitment:scoring-detail", args=[profile.uuid]),
        reverse("recruitment:scoring-export", args=[profile.uuid, "csv"]),
        reverse("recruitment:attribute-list"),
        reverse("recruitment:attribute-update", args=[world.org_a.uuid]),
        reverse("recruitment:attribute-organization", args=[world.org_a.uuid]),
        reverse("recruitment:lookalike", args=[world.org_a.uuid]),
        reverse("recruitment:channel"),
        reverse("recruitment:coverage"),
    ]
    posts = [
        (reverse("recruitment:candidate-move", args=[candidate.uuid]), {"stage": "meeting"}),
        (reverse("recruitment:candidate-grid", args=[candidate.uuid]), {}),
        (reverse("recruitment:candidate-activity", args=[candidate.uuid]), {"kind": "note", "summary": "x"}),
        (reverse("recruitment:candidate-create"), {"organization": world.org_a.pk}),
        (reverse("recruitment:attribute-organization", args=[world.org_a.uuid]), {"vendors": "3"}),
        (reverse("recruitment:attribute-list"), {"label": "X", "code": "x", "kind": "text"}),
        (reverse("recruitment:scoring-list"), {"name": "Q", "kind": "ideal"}),
        (reverse("recruitment:qualification"), {"pillar": "human", "text": "?", "weight": 1}),
        (
            reverse("recruitment:channel"),
            {"revenue_per_salesperson": "1", "default_share": "1", "history_months": 1},
        ),
        (reverse("recruitment:coverage"), {"action": "competitor", "name": "Rival"}),
    ]
    client = client_for(world.partner_a_user)
    for url in pages:
        assert client.get(url).status_code == 403, url
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    candidate.refresh_from_db()
    assert candidate.stage == "identified"
    assert Candidate.objects.count() == 1 and ScoringProfile.objects.count() == 1
    assert not AttributeValue.objects.exists() and not QualificationAnswer.objects.exists()
    assert QualificationQuestion.objects.count() == 3
    nav = client.get(reverse("dashboard")).content.decode()
    assert reverse("recruitment:pipeline") not in nav


def test_partner_users_are_refused_on_every_endpoint(world, records, api):
    candidate, profile = records
    client = api(world.partner_a_user)
    reads = [
        "/api/profile-attributes/",
        "/api/profile-attribute-values/",
        "/api/scoring-profiles/",
        f"/api/scoring-profiles/{profile.uuid}/",
        f"/api/scoring-profiles/{profile.uuid}/ranking/",
        f"/api/lookalikes/{world.org_a.uuid}/",
        "/api/candidates/",
        f"/api/candidates/{candidate.uuid}/",
        f"/api/candidates/{candidate.uuid}/grid/",
        "/api/qualification-questions/",
    ]
    for url in reads:
        assert client.get(url).status_code == 403, url
    writes = [
        ("post", "/api/candidates/", {"organization": str(world.org_a.uuid)}),
        ("post", f"/api/candidates/{candidate.uuid}/move/", {"stage": "meeting"}),
        ("put", f"/api/candidates/{candidate.uuid}/grid/", {"ratings": {}}),
        (
            "post",
            "/api/profile-attribute-values/",
            {"organization": str(world.org_a.uuid), "definition": "vendors", "value": 1},
        ),
        ("post", "/api/scoring-profiles/", {"name": "X", "groups": []}),
        ("delete", f"/api/scoring-profiles/{profile.uuid}/", None),
        ("post", "/api/qualification-questions/", {"pillar": "human", "text": "?"}),
    ]
    for method, url, data in writes:
        assert getattr(client, method)(url, data, format="json").status_code == 403, url
    candidate.refresh_from_db()
    assert candidate.stage == "identified" and Candidate.objects.count() == 1
    assert ScoringProfile.objects.count() == 1 and not AttributeValue.objects.exists()


def test_read_only_staff_read_but_do_not_write(world, records, api):
    candidate, profile = records
    client = api(world.reader)
    assert client.get("/api/candidates/").status_code == 200
    assert (
        client.post(
            f"/api/candidates/{candidate.uuid}/move/", {"stage": "meeting"}, format="json"
        ).status_code
        == 403
    )
    candidate.refresh_from_db()
    assert candidate.stage == "identified"


def test_anonymous_is_sent_to_login(world, records, client):
    response = client.get(reverse("recruitment:pipeline"))
    assert response.status_code == 302 and "login" in response["Location"]
