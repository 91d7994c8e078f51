"""Partners ask for more protection time; reviewers extend or decline; others cannot touch the request."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from meute.deals import workflow
from meute.deals.models import DealRegistration
from meute.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(deals_world, make_data):
    deal, _ = workflow.register(
        deals_world.partner_a_user, deals_world.partnership_a, make_data(amount="900000")
    )
    return workflow.approve(deal, deals_world.manager)


def test_request_then_extend_clears_it(deals_world, approved):
    w = approved
    deal = workflow.request_extension(w, deals_world.partner_a_user, "The customer's board meets in March")
    assert deal.extension_requested_at is not None
    titles = Notification.objects.filter(recipient=deals_world.manager).values_list("title", flat=True)
    assert any(t.startswith("Extension requested") for t in titles)
    with pytest.raises(ValidationError, match="already requested"):
        workflow.request_extension(deal, deals_world.partner_a_user, "Again")
    end = deal.protection_end
    deal = workflow.extend(deal, deals_world.manager, days=30)
    assert deal.protection_end > end and deal.extension_requested_at is None
    assert DealRegistration.objects.filter(extension_requested_at__isnull=False).count() == 0


def test_decline_keeps_the_end_date_and_tells_the_partner(deals_world, approved):
    deal = workflow.request_extension(approved, deals_world.partner_a_user, "Need time")
    with pytest.raises(ValidationError):
        workflow.decline_extension(deal, deals_world.manager, "")
    with pytest.raises(PermissionDenied):
        workflow.decline_extension(deal, deals_world.partner_a_user, "No")
    deal = workflow.decline_extension(deal, deals_world.manager, "Protection is long enough")
    assert deal.extension_requested_at is None and deal.extension_count == 0
    assert deals_world.partner_a_user.notifications.filter(
        title="Your extension request is declined"
    ).exists()


def test_a_reason_is_needed(deals_world, approved):
    with pytest.raises(ValidationError):
        workflow.request_extension(approved, deals_world.partner_a_user, "  ")


def test_pages_and_api(deals_world, approved, client_for):
    w = deals_world
    client = client_for(w.partner_a_user)
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "Ask for more protection time" in page
    url = reverse("deal-action", kwargs={"uuid": approved.uuid, "action": "request-extension"})
    client.post(url, {"reason": "Tender delayed"})
    approved.refresh_from_db()
    assert approved.extension_request_reason == "Tender delayed"
    queue = client_for(w.manager).get(reverse("deal-list") + "?extension_requested=true").content.decode()
    assert approved.get_absolute_url() in queue
    declined = client_for(w.manager).post(
        f"/api/deals/{approved.uuid}/decline-extension/", {"reason": "No"}, content_type="application/json"
    )
    assert declined.status_code == 200 and declined.json()["extension_requested_at"] is None
    again = client.post(
        f"/api/deals/{approved.uuid}/request-extension/",
        {"reason": "Please"},
        content_type="application/json",
    )
    assert again.status_code == 200 and again.json()["extension_request_reason"] == "Please"


def test_another_partner_cannot_request(deals_world, approved, client_for):
    client = client_for(deals_world.partner_b_user)
    assert (
        client.post(
            f"/api/deals/{approved.uuid}/request-extension/", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    url = reverse("deal-action", kwargs={"uuid": approved.uuid, "action": "request-extension"})
    assert client.post(url, {"reason": "x"}).status_code == 404
    approved.refresh_from_db()
    assert approved.extension_requested_at is None
