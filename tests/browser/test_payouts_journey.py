"""Payouts in a real browser: the coordinator of a pack sets the remuneration rules, the channel manager
computes and approves the payouts, and the member sees its own payout and statement, nothing of its
co-members'. Run with ``pytest -m browser``."""

import os

import pytest

from meute.remuneration.tests.fixtures import won_deal
from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_rules_compute_approve_and_member_statement(live_server, pay_world, page):  # noqa: F811
    from playwright.sync_api import expect

    w = pay_world
    won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], amount="700.00", title="Audit RH")

    # The pack's coordinator (Alpha) writes the rules: a commission pool of 10 %.
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}/groupings/payouts/rules/{w.pack.uuid}/")
    page.get_by_role("link", name="New version").click()
    page.locator("#id_valid_from").fill("2027-01-01")
    page.locator("#id_rules-0-kind").select_option("commission_pool")
    page.locator("#id_rules-0-rate").fill("10")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("main")).to_contain_text("Commission pool (more than two members)")

    # The channel manager computes the quarter and approves Alpha's payout.
    page.context.clear_cookies()
    log_in(page, live_server, "manager", None)
    page.goto(f"{live_server.url}/groupings/payouts/?period=2027-Q1&partnership={w.pack.uuid}")
    page.locator("#compute-form").get_by_role("button", name="Compute the payouts").click()
    table = page.locator("#payout-table")
    expect(table.locator("tbody tr")).to_have_count(3)
    page.get_by_label("Select Alpha Intégration").check()
    page.get_by_role("button", name="Approve").click()
    expect(table.locator("tbody tr", has_text="Alpha Intégration")).to_contain_text("Approved")

    # Alpha sees its own payout with the explanation, and its statement; nothing of Gamma or Delta.
    page.context.clear_cookies()
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}/groupings/payouts/?period=2027-Q1")
    expect(page.locator("#payout-table tbody tr")).to_have_count(1)
    expect(page.locator("main")).not_to_contain_text("Gamma Coaching")
    page.locator("#payout-table").get_by_role("link", name="Alpha Intégration").click()
    expect(page.locator("#payout-explanation")).to_contain_text("× share 4/7")
    page.goto(f"{live_server.url}/groupings/payouts/statement/?period=2027-Q1")
    expect(page.locator("#statement-totals")).to_contain_text("€40.00")
    expect(page.locator("main")).not_to_contain_text("Delta Expertise")
