"""An event of a joint campaign in a real browser: the coordinator opens the public registration page, a
partner invites a guest, the guest registers on the public page through the partner's link, the partner marks
the attendance and the event's results count the attendee; at 1280 px and at 390 px. Run with
``pytest -m browser``."""

import datetime
import os

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _fits(browser_page):
    return browser_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.django_db(transaction=True)
def test_open_invite_register_attend(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.campaigns import planning
    from meute.campaigns.choices import ActionKind, RegistrationStatus
    from meute.campaigns.models import Campaign, EventRegistration

    today = datetime.date.today()
    campaign = Campaign(name="Roadshow", coordinator=world.org_a, start_date=today, end_date=today)
    planning.save_campaign(
        campaign,
        world.manager,
        [{"organization": world.org_a}, {"organization": world.org_b}, {"organization": world.operator}],
    )
    event = planning.add_action(
        campaign,
        world.manager,
        kind=ActionKind.SEMINAR,
        title="Customer seminar",
        start_date=today,
        end_date=today,
        location="Lyon",
    )
    event_url = f"{live_server.url}/campaigns/events/{event.uuid}/"
    page.set_viewport_size({"width": 1280, "height": 900})

    # The coordinator opens the public registration page.
    log_in(page, live_server, "alice", None)
    page.goto(event_url)
    page.get_by_role("button", name="Open the public page").click()
    expect(page.locator("#public-link")).to_be_visible()

    # Partner Bêta invites a prospect and takes its own link.
    page.context.clear_cookies()
    log_in(page, live_server, "bruno", None)
    page.goto(event_url)
    form = page.locator("#invite-form")
    form.locator("#id_name").fill("Paul Prospect")
    form.locator("#id_email").fill("paul@client.example")
    form.locator("#id_company").fill("Client SA")
    form.get_by_role("button", name="Invite").click()
    expect(page.locator("#registrations-table")).to_contain_text("Paul Prospect")
    public_link = page.locator("#public-link").get_attribute("href")
    assert f"via={world.org_b.uuid}" in public_link

    # The guest registers on the public page, on a phone.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(public_link)
    assert _fits(page)
    page.get_by_label("Your name").fill("Paul Prospect")
    page.get_by_label("Your e-mail").fill("paul@client.example")
    page.get_by_role("button", name="Register").click()
    expect(page.locator("#registration-sent")).to_be_visible()
    assert EventRegistration.objects.get().status == RegistrationStatus.REGISTERED

    # The partner marks the attendance; the results count the attendee, on a phone then on a desktop.
    log_in(page, live_server, "bruno", None)
    page.goto(event_url)
    row = page.locator("#registrations-table tr", has_text="Paul Prospect")
    expect(row).to_contain_text("Registered")
    row.locator("select[name=status]").select_option(RegistrationStatus.ATTENDED)
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#registrations-table tr", has_text="Paul Prospect")).to_contain_text("Attended")
    assert _fits(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    figures = page.locator("#figures-table tr", has_text="Bêta Conseil").locator("td")
    expect(figures).to_have_text(["Bêta Conseil", "1", "1", "1", "0"])
    assert EventRegistration.objects.get().status == RegistrationStatus.ATTENDED
