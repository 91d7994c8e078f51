"""The leads API: staff CRUD and routing; partners list and answer only their own offers."""

import pytest

from meute.leads import workflow
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadOffer

pytestmark = pytest.mark.django_db


def test_staff_create_route_and_read_the_explanation(leads_world, client_for):
    w = leads_world
    client = client_for(w.manager)
    response = client.post(
        "/api/leads/",
        {
            "company_name": "Breizh Conserves",
            "territory": "bzh",
            "product_lines": ["crm"],
            "amount": "1500.50",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    uuid = response.json()["uuid"]
    assert response.json()["status"] == "new" and response.json()["product_lines"] == ["crm"]
    response = client.post(f"/api/leads/{uuid}/route/")
    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["status"] == "offered"
    assert data["routing"]["chosen"] == str(w.partnership_b.uuid)
    assert data["routing"]["skipped"][0]["why"] == "outside territory"
    patched = client.patch(f"/api/leads/{uuid}/", {"city": "Quimper"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["city"] == "Quimper"


def test_bad_lead_uses_the_error_format(leads_world, client_for):
    response = client_for(leads_world.manager).post(
        "/api/leads/",
        {"company_name": "", "amount": "-3", "territory": "nowhere"},
        content_type="application/json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert {"company_name", "amount", "territory"} <= set(fields)
    assert not Lead.objects.exists()


def test_partners_and_readers_cannot_write_leads(leads_world, make_lead, client_for):
    w = leads_world
    lead = make_lead()
    workflow.route(lead, w.manager)
    body = {"company_name": "X"}
    assert client_for(w.reader).post("/api/leads/", body, content_type="application/json").status_code == 403
    partner = client_for(w.partner_a_user)
    assert partner.post("/api/leads/", body, content_type="application/json").status_code == 403
    assert partner.post(f"/api/leads/{lead.uuid}/route/").status_code == 403
    assert partner.patch(f"/api/leads/{lead.uuid}/", body, content_type="application/json").status_code == 403
    assert Lead.objects.get().company_name == "Dupont Industries"


def test_partner_lists_answers_and_never_sees_routing(leads_world, make_lead, client_for):
    w = leads_world
    mine = make_lead(company_name="For A")
    offer = workflow.route(mine, w.manager)
    theirs = make_lead(company_name="For B", territory=w.bzh)
    their_offer = workflow.route(theirs, w.manager)
    client = client_for(w.partner_a_user)
    leads = client.get("/api/leads/").json()["results"]
    assert [lead["company_name"] for lead in leads] == ["For A"]
    assert "routing" not in leads[0] and "partnership" not in leads[0] and "status" not in leads[0]
    offers = client.get("/api/lead-offers/").json()["results"]
    assert [o["uuid"] for o in offers] == [str(offer.uuid)]

    # Outsider checks: B's lead and offer do not exist for A.
    assert client.get(f"/api/leads/{theirs.uuid}/").status_code == 404
    assert client.get(f"/api/lead-offers/{their_offer.uuid}/").status_code == 404
    assert client.post(f"/api/lead-offers/{their_offer.uuid}/accept/").status_code == 404
    response = client.post(
        f"/api/lead-offers/{their_offer.uuid}/decline/", {"reason": "no"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert LeadOffer.objects.get(pk=their_offer.pk).status == OfferStatus.PENDING

    response = client.post(f"/api/lead-offers/{offer.uuid}/decline/", {}, content_type="application/json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    response = client.post(f"/api/lead-offers/{offer.uuid}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert Lead.objects.get(pk=mine.pk).status == LeadStatus.ACCEPTED
    again = client.post(f"/api/lead-offers/{offer.uuid}/accept/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "offer_closed"


def test_staff_cannot_answer_for_the_partner(leads_world, make_lead, client_for):
    w = leads_world
    offer = workflow.route(make_lead(), w.manager)
    assert client_for(w.manager).post(f"/api/lead-offers/{offer.uuid}/accept/").status_code == 403
    assert client_for(w.reader).post(f"/api/lead-offers/{offer.uuid}/accept/").status_code == 403
    assert LeadOffer.objects.get().status == OfferStatus.PENDING


def test_partner_closes_its_accepted_lead_through_the_api(leads_world, make_lead, client_for):
    w = leads_world
    lead = make_lead()
    workflow.accept(workflow.route(lead, w.manager), w.partner_a_user)
    assert client_for(w.partner_b_user).post(f"/api/leads/{lead.uuid}/close/").status_code == 404
    response = client_for(w.partner_a_user).post(
        f"/api/leads/{lead.uuid}/close/", {"reason": "Signed"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert Lead.objects.get().status == LeadStatus.CLOSED


def test_staff_names_the_partner_through_the_api(leads_world, make_lead, client_for):
    w = leads_world
    lead = make_lead(territory=w.bzh)
    client = client_for(w.manager)
    response = client.post(
        f"/api/leads/{lead.uuid}/route/",
        {"partnership": str(w.partnership_a.uuid)},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["routing"]["manual"] is True
    assert LeadOffer.objects.get().partnership == w.partnership_a
    response = client.post(
        f"/api/leads/{lead.uuid}/route/", {"partnership": str(lead.uuid)}, content_type="application/json"
    )
    assert response.status_code == 400 and "partnership" in response.json()["error"]["fields"]


def test_lead_capacities(leads_world, make_lead, client_for):
    w = leads_world
    workflow.route(make_lead(), w.manager)
    client = client_for(w.manager)
    body = {"partnership": str(w.partnership_a.uuid), "max_open_leads": 3}
    response = client.post("/api/lead-capacities/", body, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["current_load"] == 1
    again = client.post("/api/lead-capacities/", body, content_type="application/json")
    assert again.status_code == 400 and "partnership" in again.json()["error"]["fields"]
    client.post(
        "/api/lead-capacities/",
        {"partnership": str(w.partnership_b.uuid), "max_open_leads": 2},
        content_type="application/json",
    )
    partner = client_for(w.partner_b_user)
    listed = partner.get("/api/lead-capacities/").json()["results"]
    assert [c["partnership_name"] for c in listed] == ["Bêta channel"]
    assert partner.post("/api/lead-capacities/", body, content_type="application/json").status_code == 403
    uuid = response.json()["uuid"]
    assert partner.get(f"/api/lead-capacities/{uuid}/").status_code == 404


def test_a_routed_lead_cannot_be_deleted(leads_world, make_lead, client_for):
    w = leads_world
    fresh, routed = make_lead(company_name="Fresh"), make_lead(company_name="Routed")
    workflow.route(routed, w.manager)
    client = client_for(w.manager)
    assert client.delete(f"/api/leads/{fresh.uuid}/").status_code == 204
    response = client.delete(f"/api/leads/{routed.uuid}/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "protected"
    assert Lead.objects.filter(pk=routed.pk).exists()
