"""Under the Content-Security-Policy, pages still work in a browser: htmx search, forms, API docs, tokens."""

import re

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.mark.django_db(transaction=True)
def test_pages_work_under_the_policy_and_tokens_are_managed(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    log_in(page, live_server, "manager", None)
    # The manager's home (a review queue) renders under the policy.
    expect(page.locator("#review-queue")).to_be_visible()

    # htmx still searches as you type.
    page.goto(f"{live_server.url}/organizations/")
    rows = page.locator("#organization-table tbody tr")
    expect(rows).to_have_count(3)
    page.locator("#id_q").press_sequentially("alph", delay=40)
    expect(rows).to_have_count(1)

    # The API docs render from their own script, no inline code.
    page.goto(f"{live_server.url}/api/docs/")
    # The schema of every operation is generated on demand: slow on a busy machine.
    expect(page.locator("#swagger-ui .information-container")).to_be_visible(timeout=60_000)

    # My tokens: create one (its key shown once), then revoke it.
    page.goto(f"{live_server.url}/")
    page.locator("details.menu summary").click()
    page.get_by_role("link", name="API tokens").click()
    page.get_by_label("Name").fill("reporting")
    page.get_by_role("button", name="Create the token").click()
    key = page.locator("#new-token-key").inner_text()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    expect(page.locator("#token-table tbody tr")).to_have_count(1)
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("You have no API token.")).to_be_visible()

    # At 390 px wide the token page does not scroll sideways.
    page.set_viewport_size({"width": 390, "height": 800})
    page.get_by_label("Name").fill("phone")
    page.get_by_role("button", name="Create the token").click()
    expect(page.locator("#new-token-key")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    assert violations == []
