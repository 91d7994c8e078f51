"""Lead distribution in a real browser: the channel manager creates a lead and routes it, reads why it went
to that partner; the partner user finds the offer on their portal and accepts it. Run with
``pytest -m browser``."""

import os
import re

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_staff_routes_a_lead_and_the_partner_accepts_it(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.core.factories import ProductLineFactory, TerritoryFactory
    from meute.leads.models import Lead
    from meute.partnerships.choices import PartnershipStatus

    france = TerritoryFactory(code="fr", name="France", country="FR")
    bretagne = TerritoryFactory(code="bzh", name="Bretagne", parent=france)
    TerritoryFactory(code="ara", name="Auvergne-Rhône-Alpes", parent=france)
    ProductLineFactory(code="crm", name="CRM")
    world.partnership_a.territories.set([bretagne])
    world.partnership_b.status = PartnershipStatus.ACTIVE
    world.partnership_b.save()
    world.partnership_b.territories.set([TerritoryFactory(code="ara")])

    # The channel manager creates a Breton lead and routes it at once.
    log_in(page, live_server, "manager", None)
    open_menu(page, "Sales", "Leads")
    page.get_by_role("link", name=re.compile("New lead")).click()
    page.locator("#id_company_name").fill("Breizh Conserves")
    page.locator("#id_city").fill("Quimper")
    page.locator("#id_territory").select_option("bzh")
    page.get_by_label("CRM").check()
    page.locator("#id_amount").fill("18000")
    expect(page.locator("#id_route_now")).to_be_checked()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#lead-status")).to_have_text("Offered")
    expect(page.locator("#lead-partner")).to_have_count(0)
    explanation = page.locator("#routing-explanation")
    expect(explanation).to_contain_text("Offered to Alpha channel.")
    expect(explanation).to_contain_text("Bêta channel — outside territory")
    lead = Lead.objects.get()

    # Partner A finds it on its portal, opens it and accepts it.
    page.context.clear_cookies()
    log_in(page, live_server, "alice", None)
    open_menu(page, "Sales", "Leads")
    expect(page).to_have_url(re.compile("/leads/portal/"))
    pending = page.locator("#pending-offers")
    expect(pending).to_contain_text("Breizh Conserves")
    pending.get_by_role("link", name="Breizh Conserves").click()
    expect(page.locator("main")).not_to_contain_text("Bêta")
    expect(page.locator("#routing-explanation")).to_have_count(0)
    page.get_by_role("button", name="Accept the lead").click()
    expect(page.locator("#lead-status")).to_have_text("Accepted")
    expect(page.locator("#lead-partner")).to_have_text("Alpha channel")
    page.goto(f"{live_server.url}/leads/portal/")
    expect(page.locator("#accepted-leads")).to_contain_text("Breizh Conserves")
    lead.refresh_from_db()
    assert lead.status == "accepted" and lead.partnership == world.partnership_a
