"""Browser journey of a future tier rule version: the programme owner opens a tier's page, simulates then
schedules new rules from a later date, changes them, deletes them; a partner user is refused the page."""

import datetime
import re
from decimal import Decimal

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.mark.django_db(transaction=True)
def test_schedule_change_and_delete_future_rules(live_server, world, page):  # noqa: F811
    from django.utils import timezone
    from playwright.sync_api import expect

    from meute.programs.models import PartnerTier, Program, RevenueRecord, Tier, TierRuleVersion

    program = Program.objects.create(name="Partner programme", code="main")
    Tier.objects.create(
        program=program, name="Silver", rank=1, min_revenue=Decimal("50000"), margin_percent=10
    )
    Tier.objects.create(
        program=program, name="Gold", rank=2, min_revenue=Decimal("250000"), margin_percent=20
    )
    TierRuleVersion.objects.update(effective_from=timezone.localdate() - datetime.timedelta(days=100))
    PartnerTier.objects.create(partnership=world.partnership_a, program=program)
    RevenueRecord.objects.create(
        partnership=world.partnership_a,
        period=timezone.localdate() - datetime.timedelta(days=5),
        amount=Decimal("45000"),
    )
    start = timezone.localdate() + datetime.timedelta(days=40)

    log_in(page, live_server, "manager", None)
    open_menu(page, "Programmes", "Programmes")
    page.get_by_role("link", name="Partner programme").click()
    page.locator("#tiers").get_by_role("link", name="Silver", exact=True).click()
    expect(page.locator("h1")).to_have_text("1. Silver")
    expect(page.locator("#version-table tbody tr")).to_have_count(1)

    page.get_by_role("link", name=re.compile("Schedule new rules")).click()
    page.locator("#id_effective_from").fill(start.isoformat())
    page.locator("#id_min_revenue").fill("40000")
    page.locator("#id_mdf_percent").fill("2")
    page.get_by_role("button", name="Simulate (what if)").click()
    expect(page.locator("#simulation")).to_contain_text("1 would move up")
    expect(page.locator("#simulation-moves")).to_contain_text("Alpha channel: — → Silver")
    page.get_by_role("button", name="Schedule").click()

    scheduled = page.locator("tr.version--scheduled")
    expect(scheduled).to_have_count(1)
    expect(scheduled).to_contain_text("Scheduled")
    expect(scheduled).to_contain_text("Minimum revenue over the evaluation period: 50,000 € → 40,000 €")
    expect(page.locator("#rules-in-force")).to_contain_text("50,000 €")

    scheduled.get_by_role("link", name=re.compile("Change or simulate")).click()
    page.locator("#id_lead_weight").fill("3")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("tr.version--scheduled")).to_contain_text("Lead distribution weight: 1 → 3")

    # A version already in force offers no change; its edit address refuses with the reason.
    current = TierRuleVersion.objects.get(tier__name="Silver", effective_from__lt=timezone.localdate())
    page.goto(f"{page.url.split('#')[0]}versions/{current.uuid}/edit/")
    expect(page.locator("main")).to_contain_text("is in force: it cannot be changed or deleted")

    page.locator("tr.version--scheduled").get_by_role("button", name=re.compile("Delete")).click()
    expect(page.locator("tr.version--scheduled")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("is deleted")

    tier_page = page.url
    page.locator("summary[aria-label='User menu']").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "alice", None)
    response = page.goto(tier_page)
    assert response.status == 403
