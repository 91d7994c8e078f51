"""Browser journey of the public partner locator: a visitor (not signed in) finds a partner and sends an
enquiry; the partner's user signs in and finds it among its enquiries."""

import re

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.mark.django_db(transaction=True)
def test_visitor_enquiry_reaches_the_partner(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.locator.models import LocatorProfile
    from meute.programs.models import PartnerTier, Program, Tier

    program = Program.objects.create(name="Partner programme", code="main")
    gold = Tier.objects.create(program=program, name="Gold", rank=1, locator_listing=True)
    PartnerTier.objects.create(partnership=world.partnership_a, program=program, tier=gold)
    LocatorProfile.objects.create(
        organization=world.org_a, opt_in=True, public_description="Integrators in Lyon"
    )

    page.goto(f"{live_server.url}/programs/locator/")
    page.locator("#id_q").fill("Lyon")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#locator-results")
    expect(results).to_contain_text("Alpha Intégration")
    expect(results).to_contain_text("Gold (Partner programme)")
    expect(results).not_to_contain_text("Bêta Conseil")
    results.get_by_role("link", name="Alpha Intégration").click()
    expect(page.locator("#entry")).to_contain_text("Integrators in Lyon")

    form = page.locator("#enquiry-form")
    form.get_by_label("Your name").fill("Victor Visiteur")
    form.get_by_label("Company").fill("Client SA")
    form.get_by_label("E-mail").fill("victor@example.com")
    form.get_by_label("Your message").fill("We need 40 licences for our Lyon offices.")
    form.get_by_role("button", name="Send").click()
    expect(page.locator("#enquiry-sent")).to_contain_text("Alpha Intégration has received your message")

    log_in(page, live_server, "alice", None)
    # The enquiry, and the lead made of it offered to the partner.
    expect(page.locator("#notification-bell")).to_contain_text("2 unread notifications")
    page.goto(f"{live_server.url}/programs/enquiries/")
    page.get_by_role("link", name="Victor Visiteur").click()
    expect(page.locator("#enquiry-message")).to_contain_text("40 licences")
    page.locator("#id_status").select_option("closed")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.locator("h1")).to_contain_text("Victor Visiteur")
    expect(page.locator(".page-header")).to_contain_text("Closed")
