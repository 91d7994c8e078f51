"""The conflict hint is rate-limited per partner organisation (UI and API share one budget); staff are not."""

import pytest
from django.urls import reverse

from meute.core.choices import UserRole
from meute.core.factories import UserFactory

from .test_api import _body
from .test_views import _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rate(settings):
    settings.MEUTE_CONFLICT_CHECK_RATE = "3/min"


def _api_check(client, w):
    return client.post("/api/deals/check/", _body(w), content_type="application/json")


def _ui_check(client, w):
    return client.post(reverse("deal-check"), _form(w), HTTP_HX_REQUEST="true")


def test_partner_budget_is_shared_by_ui_and_api_and_by_colleagues(deals_world, client_for, low_rate):
    w = deals_world
    client = client_for(w.partner_a_user)
    assert _api_check(client, w).status_code == 200
    assert "Too many checks" not in _ui_check(client, w).content.decode()
    assert _api_check(client, w).status_code == 200
    refused = _api_check(client, w)
    assert refused.status_code == 429
    assert "error" in refused.json() and "Retry-After" in refused
    hint = _ui_check(client, w).content.decode()
    assert "Too many checks in a short time" in hint and "No conflict" not in hint
    colleague = UserFactory(username="alice2", role=UserRole.PARTNER, organization=w.org_a)
    assert _api_check(client_for(colleague), w).status_code == 429


def test_other_partners_and_staff_keep_their_own_budget(deals_world, client_for, low_rate):
    w = deals_world
    client = client_for(w.partner_a_user)
    for _ in range(3):
        assert _api_check(client, w).status_code == 200
    assert _api_check(client, w).status_code == 429
    other = client_for(w.partner_b_user)
    body = _body(w, partnership=str(w.partnership_b.uuid))
    assert other.post("/api/deals/check/", body, content_type="application/json").status_code == 200
    staff = client_for(w.manager)
    for _ in range(5):
        assert _api_check(staff, w).status_code == 200


def test_registration_and_its_page_do_not_bypass_the_budget(deals_world, client_for, low_rate):
    from meute.deals.models import DealRegistration

    w = deals_world
    client = client_for(w.partner_b_user)
    body_b = _body(w, partnership=str(w.partnership_b.uuid))
    client.post("/api/deals/", {**body_b, "amount": "50000"}, content_type="application/json")
    alice = client_for(w.partner_a_user)
    for _ in range(3):
        assert _api_check(alice, w).status_code == 200
    assert _api_check(alice, w).status_code == 429
    created = alice.post("/api/deals/", _body(w), content_type="application/json")
    assert created.status_code == 201
    answer = created.json()
    assert answer["conflict_level"] is None and answer["conflict_score"] is None
    assert answer["stage"] == "submitted"
    deal = DealRegistration.objects.get(uuid=answer["uuid"])
    assert deal.conflict_hint_withheld and deal.conflict_level == "same"  # staff still see it
    page = alice.get(deal.get_absolute_url()).content.decode()
    assert "Conflict hint withheld" in page and "badge--conflict-same" not in page
    assert alice.get(f"/api/deals/{deal.uuid}/").json()["conflict_level"] is None
    assert alice.get("/api/deals/?conflict_level=same").json()["count"] == 0
    staff = client_for(w.manager).get(f"/api/deals/{deal.uuid}/").json()
    assert staff["conflict_level"] == "same" and staff["conflict_score"] is not None


def test_within_the_budget_the_registration_answers_its_level(deals_world, client_for, low_rate):
    w = deals_world
    client_for(w.partner_b_user).post(
        "/api/deals/",
        {**_body(w, partnership=str(w.partnership_b.uuid)), "amount": "50000"},
        content_type="application/json",
    )
    answer = (
        client_for(w.partner_a_user).post("/api/deals/", _body(w), content_type="application/json").json()
    )
    assert answer["conflict_level"] == "same" and answer["conflict_score"] is None
