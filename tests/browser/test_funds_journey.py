"""Market development funds in a real browser: the partner proposes an activity, the channel manager
approves it, the partner claims with an invoice file, the manager approves and pays, and the balance moves
at each step. Then the partner's pages fit a 390 px screen. Run with ``pytest -m browser``."""

import datetime
import os
import re
from decimal import Decimal

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_request_approve_claim_pay(live_server, world, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    from meute.funds import allocation
    from meute.funds.ledger import balance_of
    from meute.programs.models import Program

    program = Program.objects.create(name="Partners", code="partners", currency="EUR")
    today = datetime.date.today()
    fund = allocation.allocate(
        world.partnership_a,
        program,
        today.year,
        user=world.admin,
        amount=Decimal("5000"),
        expires_on=today + datetime.timedelta(days=365),
    )
    start = (today + datetime.timedelta(days=30)).isoformat()
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)

    # The partner proposes a seminar on its fund and sends it.
    log_in(page, live_server, "alice", None)
    open_menu(page, "Sales", "Funds")
    page.get_by_role("link", name="Alpha channel").click()
    expect(page.locator("[data-bucket=available]")).to_have_text("5,000.00")
    page.get_by_role("link", name="Propose an activity").click()
    page.locator("#id_activity_type").select_option("seminar")
    page.locator("#id_title").fill("Customer seminar in Lyon")
    page.locator("#id_budget").fill("1200")
    page.locator("#id_expected_leads").fill("25")
    page.locator("#id_start_date").fill(start)
    page.locator("#id_end_date").fill(start)
    page.get_by_role("button", name="Save and send for approval").click()
    expect(page.locator("#request-status")).to_have_text("Submitted")
    request_url = page.url

    # The channel manager approves 1,000 of it.
    page.context.clear_cookies()
    log_in(page, live_server, "manager", None)
    page.goto(request_url)
    page.locator("#id_amount").fill("1000")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.locator("#request-status")).to_have_text("Approved")
    expect(page.locator("#fund-available")).to_contain_text("4,000.00")

    # The partner claims 900 with its invoice.
    page.context.clear_cookies()
    log_in(page, live_server, "alice", None)
    page.goto(request_url)
    claim_form = page.locator("#claim-form")
    claim_form.locator("#id_amount").fill("900")
    claim_form.locator("#id_leads").fill("31")
    claim_form.locator("#id_invoice").set_input_files(str(invoice))
    claim_form.get_by_role("button", name="Send the claim").click()
    expect(page.locator("[data-claim-status]")).to_have_text("Submitted")
    expect(page.get_by_role("link", name="invoice.pdf")).to_be_visible()

    # The manager approves the claim and pays it: 4,100 left available.
    page.context.clear_cookies()
    log_in(page, live_server, "manager", None)
    page.goto(request_url)
    page.get_by_role("button", name="Approve the claim").click()
    expect(page.locator("[data-claim-status]")).to_have_text("Approved")
    page.locator("#id_payment_reference").fill("VIR-2027-001")
    page.get_by_role("button", name="Mark paid").click()
    expect(page.locator("[data-claim-status]")).to_have_text("Paid")
    expect(page.locator("#fund-available")).to_contain_text("4,100.00")
    balance = balance_of(fund)
    assert (balance.paid, balance.available) == (Decimal("900.00"), Decimal("4100.00"))

    # The partner's fund page at 390 px: no sideways scroll.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "alice", None)
    for path in ("/funds/", fund.get_absolute_url(), request_url.replace(live_server.url, "")):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("[data-bucket=paid]").or_(page.locator("main h1"))).not_to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    expect(page.locator("main")).not_to_contain_text(re.compile("Bêta"))
