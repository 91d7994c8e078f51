"""Lead pages: the staff list, create/edit, routing and its explanation; the partner portal; outsiders."""

import pytest

from meute.leads import workflow
from meute.leads.choices import LeadStatus, OfferStatus
from meute.leads.models import Lead, LeadOffer

pytestmark = pytest.mark.django_db


def test_staff_create_a_lead_routed_at_once_and_see_the_explanation(leads_world, client_for):
    w = leads_world
    client = client_for(w.manager)
    response = client.post(
        "/leads/new/",
        {
            "company_name": "Breizh Conserves",
            "city": "Quimper",
            "country": "FR",
            "territory": "bzh",
            "product_lines": ["crm"],
            "amount": "12000",
            "currency": "EUR",
            "source": "event",
            "min_certified_people": "0",
            "route_now": "on",
        },
    )
    lead = Lead.objects.get()
    assert response.status_code == 302 and response["Location"] == lead.get_absolute_url()
    assert lead.status == LeadStatus.OFFERED and lead.created_by == w.manager
    page = client.get(lead.get_absolute_url()).content.decode()
    assert 'id="routing-explanation"' in page
    assert "Alpha channel — outside territory" in page
    assert "Offered to Bêta channel." in page


def test_bad_lead_is_refused_and_nothing_written(leads_world, client_for):
    response = client_for(leads_world.manager).post(
        "/leads/new/", {"company_name": "", "amount": "-5", "country": "FR", "min_certified_people": "0"}
    )
    assert response.status_code == 422
    assert not Lead.objects.exists()


def test_reader_and_partners_cannot_create_or_route(leads_world, make_lead, client_for):
    w = leads_world
    lead = make_lead()
    assert client_for(w.reader).get("/leads/new/").status_code == 403
    assert client_for(w.reader).post(f"/leads/{lead.uuid}/route/").status_code == 403
    assert client_for(w.partner_a_user).get("/leads/new/").status_code == 403
    # A partner cannot even see a lead not offered to it.
    assert client_for(w.partner_a_user).post(f"/leads/{lead.uuid}/route/").status_code == 404
    assert not LeadOffer.objects.exists()


def test_list_filters_by_status_territory_and_partner(leads_world, make_lead, client_for):
    w = leads_world
    offered = make_lead(company_name="Offered to B", territory=w.bzh)
    workflow.route(offered, w.manager)
    make_lead(company_name="Still new")
    client = client_for(w.manager)
    page = client.get("/leads/?status=offered").content.decode()
    assert "Offered to B" in page and "Still new" not in page
    page = client.get("/leads/?territory=ara").content.decode()
    assert "Still new" in page and "Offered to B" not in page
    page = client.get(f"/leads/?partnership={w.partnership_b.uuid}").content.decode()
    assert "Offered to B" in page and "Still new" not in page
    page = client.get(f"/leads/?partnership={w.partnership_a.uuid}").content.decode()
    assert "Offered to B" not in page


def test_partner_portal_accept_and_decline(leads_world, make_lead, client_for):
    w = leads_world
    first = workflow.route(make_lead(company_name="Lyon Textile"), w.manager)
    second = workflow.route(make_lead(company_name="Grenoble Robotique"), w.manager)
    assert first.partnership == w.partnership_a and second.partnership == w.partnership_b  # A has load 1
    client = client_for(w.partner_a_user)
    assert client.get("/leads/").status_code == 302
    portal = client.get("/leads/portal/").content.decode()
    assert "Lyon Textile" in portal
    response = client.post(f"/leads/offers/{first.uuid}/decline/", {"reason": ""})
    assert response.status_code == 302
    assert LeadOffer.objects.get(pk=first.pk).status == OfferStatus.PENDING
    client.post(f"/leads/offers/{first.uuid}/accept/")
    lead = Lead.objects.get(company_name="Lyon Textile")
    assert lead.status == LeadStatus.ACCEPTED and lead.partnership == w.partnership_a
    portal = client.get("/leads/portal/").content.decode()
    assert 'id="accepted-leads"' in portal and "Lyon Textile" in portal


def test_partner_sees_only_its_offers_never_the_routing_nor_other_partners(
    leads_world, make_lead, client_for
):
    w = leads_world
    lead = make_lead(company_name="Secret Lyon")
    offer = workflow.route(lead, w.manager)
    assert offer.partnership == w.partnership_a
    workflow.decline(offer, w.partner_a_user, "Too small")  # now offered to B
    b_offer = LeadOffer.objects.get(status=OfferStatus.PENDING)
    workflow.accept(b_offer, w.partner_b_user)

    # A still sees the lead it was offered, with its own answer, but nothing about B or the routing.
    page = client_for(w.partner_a_user).get(lead.get_absolute_url()).content.decode()
    assert "Secret Lyon" in page and "Too small" in page
    assert "Bêta" not in page and "routing-explanation" not in page and "Accepted" not in page

    # An outsider (a partner never offered the lead) gets 404 everywhere.
    other = make_lead(company_name="Only for B", territory=w.bzh)
    other_offer = workflow.route(other, w.manager)
    assert other_offer.partnership == w.partnership_b
    client = client_for(w.partner_a_user)
    assert client.get(other.get_absolute_url()).status_code == 404
    assert client.post(f"/leads/offers/{other_offer.uuid}/accept/").status_code == 404
    assert client.post(f"/leads/offers/{other_offer.uuid}/decline/", {"reason": "x"}).status_code == 404
    assert "Only for B" not in client.get("/leads/portal/").content.decode()
    assert LeadOffer.objects.get(pk=other_offer.pk).status == OfferStatus.PENDING


def test_partner_closes_and_converts_its_accepted_lead(leads_world, make_lead, client_for):
    w = leads_world
    lead = make_lead(
        company_name="Dupont Industries", website="https://dupont.fr", amount="9000", product_lines=[w.crm]
    )
    workflow.accept(workflow.route(lead, w.manager), w.partner_a_user)
    client = client_for(w.partner_a_user)
    response = client.post(f"/leads/{lead.uuid}/convert/", {"expected_close_date": "2099-01-31"})
    lead.refresh_from_db()
    assert lead.deal is not None and response["Location"] == lead.deal.get_absolute_url()
    client.post(f"/leads/{lead.uuid}/close/", {"reason": "Handled as a deal"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CLOSED and lead.close_reason == "Handled as a deal"
    assert client_for(w.partner_b_user).post(f"/leads/{lead.uuid}/close/").status_code == 404


def test_edit_a_lead(leads_world, make_lead, client_for):
    lead = make_lead()
    client = client_for(leads_world.manager)
    assert client.get(f"/leads/{lead.uuid}/edit/").status_code == 200
    response = client.post(
        f"/leads/{lead.uuid}/edit/",
        {
            "company_name": "Renamed",
            "country": "FR",
            "source": "other",
            "currency": "EUR",
            "min_certified_people": "1",
        },
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.company_name == "Renamed" and lead.min_certified_people == 1
    assert client_for(leads_world.partner_a_user).get(f"/leads/{lead.uuid}/edit/").status_code == 404


def test_staff_offer_the_lead_to_a_chosen_partner(leads_world, make_lead, client_for):
    w = leads_world
    lead = make_lead(territory=w.bzh)
    client = client_for(w.manager)
    client.post(f"/leads/{lead.uuid}/route/", {"partnership": str(w.partnership_a.uuid)})
    assert LeadOffer.objects.get().partnership == w.partnership_a
    client.post(f"/leads/{lead.uuid}/route/", {"partnership": "not-a-uuid"})
    assert LeadOffer.objects.get().status == OfferStatus.PENDING
    page = client.get(lead.get_absolute_url()).content.decode()
    assert "Partner chosen by staff, past the rules." in page
