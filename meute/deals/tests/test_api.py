import datetime

import pytest
from django.utils import timezone

from meute.deals.choices import DealStage
from meute.deals.models import Customer, DealParty, DealRegistration
from meute.deals.workflow import register


def _body(world, **overrides):
    values = {
        "partnership": str(world.partnership_a.uuid),
        "customer_name": "Dupont Industries SAS",
        "city": "Lyon",
        "website": "https://dupont-industries.fr",
        "contact_email": "j.dupont@dupont-industries.fr",
        "product_lines": ["crm"],
        "amount": "50000.00",
        "expected_close_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
    }
    values.update(overrides)
    return values


@pytest.fixture
def api(client_for):
    def login(user):
        return client_for(user)

    return login


def test_partner_registers_and_retry_is_idempotent(deals_world, api):
    client = api(deals_world.partner_a_user)
    first = client.post(
        "/api/deals/", _body(deals_world), content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert first.status_code == 201, first.json()
    data = first.json()
    assert data["stage"] == "submitted" and data["customer"]["name"] == "Dupont Industries SAS"
    assert data["conflict"] is None
    again = client.post(
        "/api/deals/", _body(deals_world), content_type="application/json", HTTP_IDEMPOTENCY_KEY="abc"
    )
    assert again.status_code == 200 and again.json()["uuid"] == data["uuid"]
    assert DealRegistration.objects.count() == 1


def test_bad_registration_uses_the_error_format(deals_world, api):
    response = api(deals_world.partner_a_user).post(
        "/api/deals/", _body(deals_world, amount="-1", product_lines=["iot"]), content_type="application/json"
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "amount" in fields and "product_lines" in fields
    assert not Customer.objects.exists()


def test_manager_approves_and_rejects_with_reason(deals_world, make_data, api):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    client = api(w.manager)
    assert (
        client.post(f"/api/deals/{deal.uuid}/reject/", {}, content_type="application/json").status_code == 400
    )
    response = client.post(
        f"/api/deals/{deal.uuid}/approve/", {"reason": "ok"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["stage"] == "approved"
    again = client.post(f"/api/deals/{deal.uuid}/approve/", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "wrong_stage"
    extended = client.post(f"/api/deals/{deal.uuid}/extend/", {"days": 10}, content_type="application/json")
    assert extended.json()["extension_count"] == 1
    won = api(w.partner_a_user).post(f"/api/deals/{deal.uuid}/won/")
    assert won.status_code == 200 and won.json()["stage"] == "won"


def test_partner_cannot_approve(deals_world, make_data, api):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
    response = api(deals_world.partner_a_user).post(f"/api/deals/{deal.uuid}/approve/")
    assert response.status_code == 403


def test_outsider_cannot_read_modify_or_infer(deals_world, make_data, api):
    w = deals_world
    deal_b, _ = register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    client = api(w.partner_a_user)
    assert client.get("/api/deals/").json()["count"] == 0
    assert client.get(f"/api/deals/{deal_b.uuid}/").status_code == 404
    assert (
        client.patch(
            f"/api/deals/{deal_b.uuid}/", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.delete(f"/api/deals/{deal_b.uuid}/").status_code == 404
    for action in ("approve", "reject", "won", "lost", "extend", "submit"):
        assert client.post(f"/api/deals/{deal_b.uuid}/{action}/").status_code == 404
    assert client.get(f"/api/customers/{deal_b.customer.uuid}/").status_code == 404
    assert client.get("/api/customers/").json()["count"] == 0
    # The dry run says that the customer is claimed, never by whom or for how much.
    check = client.post(
        "/api/deals/check/", _body(w, customer_name="DUPOND INDUSTRIE"), content_type="application/json"
    )
    assert check.status_code == 200
    body = check.json()
    assert body["status"] == "same" and body["details"] is None
    text = check.content.decode()
    for secret in (w.org_b.name, w.partnership_b.name, str(deal_b.uuid), str(deal_b.customer.uuid), "5000"):
        assert secret not in text
    # ...and cannot be run against B's partnership.
    other = client.post(
        "/api/deals/check/", _body(w, partnership=str(w.partnership_b.uuid)), content_type="application/json"
    )
    assert other.status_code == 400
    assert "Martin" not in other.content.decode()
    deal_b.refresh_from_db()
    assert deal_b.stage == DealStage.APPROVED and deal_b.notes == ""


def test_check_writes_nothing_and_staff_see_evidence(deals_world, make_data, api):
    w = deals_world
    register(w.partner_b_user, w.partnership_b, make_data(amount="5000"))
    before = (Customer.objects.count(), DealRegistration.objects.count())
    response = api(w.manager).post("/api/deals/check/", _body(w), content_type="application/json")
    body = response.json()
    assert body["details"]["candidates"][0]["claims"][0]["partnership"] == w.partnership_b.name
    assert {e["field"] for e in body["details"]["candidates"][0]["evidence"]} >= {"name", "domain"}
    assert (Customer.objects.count(), DealRegistration.objects.count()) == before


def test_partner_edits_contact_of_own_deal_only(deals_world, make_data, api):
    deal, _ = register(deals_world.partner_a_user, deals_world.partnership_a, make_data())
    client = api(deals_world.partner_a_user)
    response = client.patch(
        f"/api/deals/{deal.uuid}/", {"contact_name": "Paul", "stage": "won"}, content_type="application/json"
    )
    assert response.status_code == 200
    deal.refresh_from_db()
    assert deal.contact_name == "Paul" and deal.stage == DealStage.SUBMITTED


def test_staff_staff_evidence_in_detail_and_direct_accounts(deals_world, make_data, api):
    w = deals_world
    client = api(w.manager)
    created = client.post(
        "/api/customers/",
        {"name": "Banque Régionale", "city": "Nantes", "is_direct_account": True, "account_owner": "manager"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    deal, _ = register(
        w.partner_a_user,
        w.partnership_a,
        make_data(customer_name="Banque Regionale SA", city="Nantes", website="", contact_email=""),
    )
    assert deal.stage == DealStage.SUBMITTED
    detail = client.get(f"/api/deals/{deal.uuid}/").json()
    assert detail["conflict"]["candidates"][0]["claims"][0]["kind"] == "direct_account"
    assert (
        api(w.partner_a_user)
        .post("/api/customers/", {"name": "X"}, content_type="application/json")
        .status_code
        == 403
    )


def test_deal_parties(deals_world, make_data, api):
    w = deals_world
    deal, _ = register(w.partner_a_user, w.partnership_a, make_data())
    client = api(w.manager)
    response = client.post(
        "/api/deal-parties/",
        {"deal": str(deal.uuid), "organization": str(w.org_a.uuid), "role": "reseller", "share": "60"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    duplicate = client.post(
        "/api/deal-parties/",
        {"deal": str(deal.uuid), "organization": str(w.org_a.uuid), "role": "distributor"},
        content_type="application/json",
    )
    assert duplicate.status_code == 400
    assert api(w.partner_b_user).get("/api/deal-parties/").json()["count"] == 0
    assert DealParty.objects.count() == 1
