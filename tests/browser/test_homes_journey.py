"""Each role's home and the partner 360 page in a real browser, on a laptop (1280 px, French) and a phone
(390 px): what needs the user now, the top bar on one row or behind its Menu button, and no page wider
than the screen. Screenshots are saved in the test's temporary folder (``MEUTE_SCREENSHOTS=1``: also in
``docs/screenshots/``). Run with ``pytest -m browser``."""

import datetime
import os
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.screens import assert_fits, open_as, shoot
from tests.browser.test_journeys import CHROMIUM, CHROMIUM_ARGS, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

LAPTOP, PHONE = 1280, 390


def _story(world, program):
    from meute.deals.choices import DealStage
    from meute.deals.customers import save_customer
    from meute.deals.models import Customer, DealRegistration
    from meute.programs.models import RevenueRecord

    today = timezone.localdate()
    for name, stage, days in (
        ("Brasserie du Port", DealStage.APPROVED, 12),
        ("Perrin & Fils", DealStage.SUBMITTED, 0),
    ):
        customer = Customer(name=name)
        save_customer(customer)
        DealRegistration.objects.create(
            partnership=world.partnership_a,
            customer=customer,
            amount=Decimal("12500"),
            expected_close_date=today + datetime.timedelta(days=60),
            stage=stage,
            submitted_at=timezone.now() - datetime.timedelta(days=3),
            protection_start=today if days else None,
            protection_end=today + datetime.timedelta(days=days) if days else None,
        )
    RevenueRecord.objects.create(partnership=world.partnership_a, period=today, amount=Decimal("42000"))


@pytest.mark.django_db(transaction=True)
def test_homes_and_partner_page_on_a_laptop_and_a_phone(live_server, world, program, browser, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    _story(world, program)
    partner_page = f"{live_server.url}/partners/{world.org_a.uuid}/"

    # The partner, on a laptop in French: its deals with the protection ending first, its tier progress.
    context, page, errors = open_as(browser, live_server, "alice", LAPTOP, "fr")
    assert page.locator(".topbar").evaluate("e => e.offsetHeight") < 70  # one row
    expect(page.locator("#counter-ending .counter__value")).to_have_text("1")
    expect(page.locator("#my-deals tbody tr").first).to_contain_text("Brasserie du Port")
    expect(page.locator("#tier-progress [role=progressbar]").first).to_be_visible()
    assert_fits(page, LAPTOP)
    shoot(page, tmp_path, "home-partner-1280")
    page.locator("#counter-ending a").click()
    expect(page).to_have_url(
        f"{live_server.url}/deals/?stage=approved&protection_ends_before="
        f"{(timezone.localdate() + datetime.timedelta(days=30)).isoformat()}"
    )
    expect(page.locator("#deal-table tbody tr")).to_have_count(1)
    page.goto(partner_page)
    expect(page.locator("#p360-revenue svg")).to_be_visible()
    expect(page.locator("#p360-deals")).to_contain_text("2")
    shoot(page, tmp_path, "partner360-1280")
    # Another partner's page does not exist for this partner.
    response = page.goto(f"{live_server.url}/partners/{world.org_b.uuid}/")
    assert response.status == 404
    assert not errors
    context.close()

    # The partner on a phone: the menu folds behind its button, nothing wider than the screen.
    context, page, errors = open_as(browser, live_server, "alice", PHONE, "fr")
    nav = page.locator("#main-nav")
    expect(nav).to_be_hidden()
    assert_fits(page, PHONE)
    shoot(page, tmp_path, "home-partner-390")
    page.get_by_role("button", name="Menu").click()
    expect(nav).to_be_visible()
    nav.locator("summary", has_text="Ventes").click()
    nav.get_by_role("link", name="Affaires", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/deals/")
    assert_fits(page, PHONE)
    page.goto(partner_page)
    expect(page.locator("#p360-tier-history")).to_be_visible()
    assert_fits(page, PHONE)
    shoot(page, tmp_path, "partner360-390")
    assert not errors
    context.close()

    # The channel manager: the review queue first, with its age; the partner page of any partner.
    for width, language in ((LAPTOP, "fr"), (PHONE, "en")):
        context, page, errors = open_as(browser, live_server, "manager", width, language)
        expect(page.locator("#counter-queue .counter__value")).to_have_text("1")
        expect(page.locator("#queue-oldest")).to_contain_text("Perrin & Fils")
        if width == LAPTOP:
            assert page.locator(".topbar").evaluate("e => e.offsetHeight") < 70
        assert_fits(page, width)
        shoot(page, tmp_path, f"home-manager-{width}")
        page.goto(partner_page)
        expect(page.locator("h1")).to_have_text("Alpha Intégration")
        assert_fits(page, width)
        assert not errors
        context.close()
