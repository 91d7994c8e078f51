"""The shared customer record never shows a partner what another partner typed about the customer."""

import pytest
from django.urls import reverse

from meute.deals.workflow import register

pytestmark = pytest.mark.django_db

A_NAME = "Dupont Industries SAS - Agence Rhône"
A_SIREN = "732829320"


@pytest.fixture
def shared(deals_world, make_data):
    w = deals_world
    deal_a, _ = register(
        w.partner_a_user, w.partnership_a, make_data(customer_name=A_NAME, siren=A_SIREN, amount="900000")
    )
    deal_b, _ = register(
        w.partner_b_user,
        w.partnership_b,
        make_data(customer_name="Dupont Industries", address="", amount="900000"),
    )
    assert deal_a.customer_id == deal_b.customer_id  # one company, one shared record
    return deal_a, deal_b


def test_deal_page_shows_the_partners_own_words(shared, deals_world, client_for):
    _deal_a, deal_b = shared
    page = client_for(deals_world.partner_b_user).get(deal_b.get_absolute_url()).content.decode()
    assert "Dupont Industries" in page
    assert A_NAME not in page and A_SIREN not in page
    staff_page = client_for(deals_world.manager).get(deal_b.get_absolute_url()).content.decode()
    assert A_NAME in staff_page  # staff see the shared record it was matched to


def test_deal_list_shows_the_partners_own_words(shared, deals_world, client_for):
    page = client_for(deals_world.partner_b_user).get(reverse("deal-list")).content.decode()
    assert "Dupont Industries" in page and A_NAME not in page


def test_api_deal_and_customer_show_the_partners_own_words(shared, deals_world, client_for):
    _deal_a, deal_b = shared
    client = client_for(deals_world.partner_b_user)
    deal = client.get(f"/api/deals/{deal_b.uuid}/").json()
    assert deal["customer"]["name"] == "Dupont Industries" and deal["customer"]["siren"] == ""
    customers = client.get("/api/customers/").json()["results"]
    assert [(c["name"], c["siren"]) for c in customers] == [("Dupont Industries", "")]
    one = client.get(f"/api/customers/{deal_b.customer.uuid}/").json()
    assert one["name"] == "Dupont Industries" and A_SIREN not in str(one)
    # Partner A, who typed the SIREN, still reads it; staff read the shared record.
    mine = client_for(deals_world.partner_a_user).get("/api/customers/").json()["results"]
    assert [(c["name"], c["siren"]) for c in mine] == [(A_NAME, A_SIREN)]
    staff = client_for(deals_world.manager).get(f"/api/deals/{deal_b.uuid}/").json()
    assert staff["customer"]["siren"] == A_SIREN
