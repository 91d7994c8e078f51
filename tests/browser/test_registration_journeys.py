"""Deal registration and review in a real browser, on a laptop (1280 px, English) and a phone (390 px,
French): a partner's first registration goes through on its first submit, and a channel manager reviews two
claims on one customer, the second kept in step once the first is approved. Screenshots are saved in the
test's temporary folder (``MEUTE_SCREENSHOTS=1``: also in ``docs/screenshots/``). Run with
``pytest -m browser``."""

import datetime
import os
import re
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.browser.screens import assert_fits, open_as, shoot
from tests.browser.test_journeys import CHROMIUM, CHROMIUM_ARGS, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENS = [pytest.param(1280, "en", id="laptop-en"), pytest.param(390, "fr", id="phone-fr")]


def _label(choice, language):
    with translation.override(language):
        return str(choice.label)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "language"), SCREENS)
def test_a_first_registration_goes_through_on_the_first_submit(
    live_server,
    world,
    browser,  # noqa: F811
    tmp_path,
    width,
    language,
):
    from playwright.sync_api import expect

    from meute.core.factories import ProductLineFactory
    from meute.deals.choices import DealStage
    from meute.deals.models import DealRegistration

    lines = {code: ProductLineFactory(code=code, name=code.upper()) for code in ("crm", "erp", "bi", "hr")}
    world.partnership_a.product_lines.set([lines["crm"], lines["erp"]])
    close = timezone.localdate() + datetime.timedelta(days=45)

    context, page, errors = open_as(browser, live_server, "alice", width, language)
    page.goto(f"{live_server.url}/deals/new/")
    # Before anything is typed, the form says what it needs and offers only what the partnership covers.
    expect(page.locator("#identifier-needed")).to_be_visible()
    boxes = page.locator("input[name=product_lines]")
    expect(boxes).to_have_count(2)
    expect(page.locator("#deal-form")).not_to_contain_text("HR")
    assert_fits(page, width)
    shoot(page, tmp_path, f"deal-form-{width}")

    page.locator("#id_customer_name").fill("Brasserie du Port")
    page.locator("#id_city").fill("Marseille")
    page.locator("#id_city").dispatch_event("change")
    expect(page.locator("#conflict-hint .hint--distinct")).to_be_visible()
    page.get_by_label("CRM", exact=True).check()
    page.locator("#id_amount").fill("18000")
    page.locator("#id_expected_close_date").fill(close.isoformat())
    page.locator("#deal-form button[type=submit]").click()

    # One submit: the registration page, not the form again.
    page.wait_for_url(re.compile(r"/deals/[0-9a-f-]{36}/$"))
    expect(page.locator("#error-summary")).to_have_count(0)
    deal = DealRegistration.objects.get(partnership=world.partnership_a)
    assert deal.customer.name == "Brasserie du Port"
    assert list(deal.product_lines.values_list("code", flat=True)) == ["crm"]
    assert deal.amount == Decimal("18000")
    expect(page.locator("#deal-stage")).to_have_text(_label(DealStage(deal.stage), language))
    expect(page.locator("h1")).to_contain_text("Brasserie du Port")
    assert_fits(page, width)
    shoot(page, tmp_path, f"deal-registered-{width}")
    assert not errors
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("width", "language"), SCREENS)
def test_two_claims_on_one_customer_are_reviewed_together(
    live_server,
    world,
    browser,  # noqa: F811
    tmp_path,
    width,
    language,
):
    from playwright.sync_api import expect

    from meute.core.factories import ProductLineFactory
    from meute.deals.choices import DealStage, MatchLevel
    from meute.deals.models import DealRegistration
    from meute.deals.workflow import RegistrationData, register

    crm = ProductLineFactory(code="crm", name="CRM")
    for partnership in (world.partnership_a, world.partnership_b):
        partnership.product_lines.set([crm])
    close = timezone.localdate() + datetime.timedelta(days=45)
    claims = {}
    # Bêta registers first; Alpha the same company a little later, written with its legal form.
    for user, partnership, name in (
        (world.partner_b_user, world.partnership_b, "Perrin & Fils"),
        (world.partner_a_user, world.partnership_a, "PERRIN ET FILS SARL"),
    ):
        deal, _created = register(
            user,
            partnership,
            RegistrationData(
                customer_name=name,
                amount=Decimal("250000"),
                expected_close_date=close,
                siren="552100554",
                city="Lyon",
                product_lines=[crm],
            ),
        )
        claims[partnership.pk] = deal
    first, second = claims[world.partnership_b.pk], claims[world.partnership_a.pk]
    assert first.stage == second.stage == DealStage.SUBMITTED
    # Nothing claimed the company when Bêta registered: its claim reads "no conflict" until told otherwise.
    assert first.conflict_level == MatchLevel.DISTINCT
    assert second.conflict_level != MatchLevel.DISTINCT
    no_conflict, conflict = _label(MatchLevel.DISTINCT, language), _label(MatchLevel.SAME, language)
    approved = _label(DealStage.APPROVED, language)

    context, page, errors = open_as(browser, live_server, "manager", width, language)
    page.goto(f"{live_server.url}/deals/?stage=submitted&ordering=-conflict_score")
    rows = page.locator("#deal-table tbody tr")
    expect(rows).to_have_count(2)
    assert_fits(page, width)
    shoot(page, tmp_path, f"review-queue-{width}")

    # The later claim: both claims side by side, the first one marked, the evidence above the buttons.
    page.goto(f"{live_server.url}{second.get_absolute_url()}")
    together = page.locator("#customer-claims tbody tr")
    expect(together).to_have_count(2)
    expect(together.first).to_contain_text("Bêta channel")
    expect(together.first.locator(".badge--first")).to_be_visible()
    expect(together.first.locator(".badge--conflict-distinct")).to_have_text(no_conflict)
    expect(together.nth(1).locator(".badge--first")).to_have_count(0)
    evidence = page.locator("#conflict-evidence")
    expect(evidence).to_contain_text("Perrin")
    approve = page.locator("#review-form button").first
    assert evidence.bounding_box()["y"] < approve.bounding_box()["y"]
    assert_fits(page, width)
    shoot(page, tmp_path, f"review-claims-{width}")

    # The manager protects the later claim (say, the one the customer chose)…
    approve.click()
    expect(page.locator("#deal-stage")).to_have_text(approved)
    # …and the earlier claim, still waiting, now reads as a conflict wherever it is shown.
    first.refresh_from_db()
    assert first.stage == DealStage.SUBMITTED and first.conflict_level == MatchLevel.SAME
    expect(together.first.locator(".badge--conflict-same")).to_have_text(conflict)
    page.goto(f"{live_server.url}/deals/?stage=submitted&ordering=-conflict_score")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Perrin & Fils")
    expect(rows.first.locator(".badge--conflict-same")).to_have_text(conflict)
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    expect(page.locator("#customer-claims tbody tr").nth(1)).to_contain_text(approved)
    # Approving it too is refused, and changes nothing.
    page.locator("#review-form button").first.click()
    expect(page.locator("main")).to_contain_text(
        _message("This customer is already protected by another registration.", language)
    )
    first.refresh_from_db()
    assert first.stage == DealStage.SUBMITTED
    assert list(DealRegistration.objects.filter(stage=DealStage.APPROVED)) == [second]
    assert_fits(page, width)
    shoot(page, tmp_path, f"review-in-step-{width}")
    assert not errors
    context.close()


def _message(text, language):
    with translation.override(language):
        return translation.gettext(text)
