"""Deal registration in a real browser: a partner registers a customer another partner already claims,
sees the live hint (without learning who), the channel manager reviews the evidence and decides, and the
partner sees the outcome. Run with ``pytest -m browser``."""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_conflicting_registration_reviewed_and_seen_by_the_partner(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.core.factories import ProductLineFactory
    from meute.deals.models import DealRegistration
    from meute.deals.workflow import RegistrationData, register

    crm = ProductLineFactory(code="crm", name="CRM")
    for partnership in (world.partnership_a, world.partnership_b):
        partnership.product_lines.set([crm])
    close = timezone.localdate() + datetime.timedelta(days=45)
    register(
        world.partner_b_user,
        world.partnership_b,
        RegistrationData(
            customer_name="Dupont Industries SAS",
            amount=Decimal("5000"),
            expected_close_date=close,
            city="Lyon",
            website="dupont-industries.fr",
            product_lines=[crm],
        ),
    )

    # Partner A registers the same company, written differently: the hint appears as they type.
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}/deals/new/")
    page.locator("#id_customer_name").fill("DUPOND INDUSTRIE")
    page.locator("#id_city").fill("Lyon")
    page.locator("#id_city").dispatch_event("change")
    hint = page.locator("#conflict-hint")
    expect(hint).to_contain_text("already be registered by another partner")
    expect(hint).not_to_contain_text("Bêta")
    page.locator("#id_contact_email").fill("achats@dupont-industries.fr")
    page.get_by_label("CRM").check()
    page.locator("#id_amount").fill("42000")
    page.locator("#id_expected_close_date").fill(close.isoformat())
    page.get_by_role("button", name="Submit the registration").click()
    expect(page.locator("#deal-stage")).to_have_text("Submitted")
    deal = DealRegistration.objects.get(partnership=world.partnership_a)

    # The channel manager sees the evidence in the queue and rejects with a reason.
    page.context.clear_cookies()
    log_in(page, live_server, "manager", None)
    page.goto(f"{live_server.url}/deals/?stage=submitted")
    page.locator("#deal-table").get_by_role("link", name=re.compile("Dupon")).first.click()
    expect(page.locator("#conflict-evidence")).to_contain_text("Bêta channel")
    page.locator("#id_reason").fill("Registered first by another partner")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator("#deal-stage")).to_have_text("Rejected")

    # Partner A sees the outcome and the reason, and still nothing about the other partner.
    page.context.clear_cookies()
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}{deal.get_absolute_url()}")
    expect(page.locator("#deal-stage")).to_have_text("Rejected")
    expect(page.locator("#decision-reason")).to_have_text("Registered first by another partner")
    expect(page.locator("main")).not_to_contain_text("Bêta")


@pytest.mark.django_db(transaction=True)
def test_staff_read_the_matcher_weights_on_a_phone_in_french(live_server, world, browser):  # noqa: F811
    from playwright.sync_api import expect

    from meute.deals import training
    from meute.deals.evidence import Weights
    from meute.deals.models import MatcherWeights

    MatcherWeights.objects.create(
        version=3, parameters=Weights.default().parameters, base_size=1200, is_active=True
    )
    training.forget_cached_weights()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fr-FR")
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        log_in(phone, live_server, "manager", None)
        phone.goto(f"{live_server.url}/deals/")
        phone.get_by_role("link", name="Poids du détecteur").click()
        expect(phone.locator("#weights-version")).to_contain_text("Version 3 en vigueur")
        expect(phone.locator("#weights-table")).to_contain_text("Les noms portent des nombres différents")
        # The page's content fits the phone's width (the site's top navigation is the layout's business).
        assert phone.evaluate("document.querySelector('main').scrollWidth <= window.innerWidth")
    finally:
        context.close()
        training.forget_cached_weights()
