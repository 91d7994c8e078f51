"""Matchmaking in a real browser: member A sees member B among the suggestions with the reasons and
proposes; B accepts; A forms a pack; the grouping page shows both members and the pillars checklist.
Run with ``pytest -m browser``."""

import os

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
def test_two_members_match_and_form_a_pack(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.groupings.models import MatchProposal
    from meute.groupings.tests.groupings_fixtures import build_members

    build_members(world)

    # Member A: the suggestions show B first, with the reasons and the matched values.
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}/groupings/suggestions/")
    first = page.locator("#suggestions .suggestion").first
    expect(first).to_contain_text("Bêta Conseil")
    expect(first).to_contain_text("Offers what you look for")
    expect(first).to_contain_text("Marketing digital")
    expect(first).to_contain_text("Shared target sectors")
    expect(first).to_contain_text("Santé")
    first.get_by_placeholder("Optional message").fill("Construisons une offre commune ?")
    first.get_by_role("button", name="Propose").click()
    expect(page.locator("#outgoing")).to_contain_text("Bêta Conseil")
    expect(page.locator("#outgoing")).to_contain_text("Pending")

    # Member B accepts.
    page.context.clear_cookies()
    log_in(page, live_server, "bruno", None)
    page.goto(f"{live_server.url}/groupings/proposals/")
    incoming = page.locator("#incoming")
    expect(incoming).to_contain_text("Alpha Intégration")
    expect(incoming).to_contain_text("Construisons une offre commune ?")
    incoming.get_by_role("button", name="Accept").click()
    expect(page.locator("#incoming")).to_contain_text("Accepted")
    assert MatchProposal.objects.get().status == "accepted"

    # Member A forms a pack with B; the grouping page shows both members and the checklist.
    page.context.clear_cookies()
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}/groupings/proposals/")
    pack = page.locator("#form-pack")
    pack.get_by_label("Name of the pack").fill("Meute numérique")
    pack.get_by_label("Bêta Conseil").check()
    pack.get_by_role("button", name="Form the pack").click()
    expect(page.locator("h1")).to_have_text("Meute numérique")
    expect(page.locator("#grouping-level")).to_have_text("Pack")
    members = page.locator("#members")
    expect(members).to_contain_text("Alpha Intégration")
    expect(members).to_contain_text("Coordinator")
    expect(members).to_contain_text("Bêta Conseil")
    expect(page.locator("#pillars .pillar-row")).to_have_count(9)
    expect(page.locator("#pillars-summary")).to_have_text("0 of 9 met")
    expect(page.locator("#level-criteria")).to_contain_text("At least 3 members")

    # The coordinator records evidence for one pillar.
    page.locator('#pillars .pillar-row[data-key="shared_desire"]').get_by_role("link", name="Assess").click()
    page.get_by_label("Status").select_option("met")
    page.get_by_label("Evidence").fill("Les deux membres l'ont confirmé par écrit")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#pillars-summary")).to_have_text("1 of 9 met")


@pytest.mark.django_db(transaction=True)
def test_staff_propose_on_behalf_of_a_member(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.groupings.models import MatchProposal
    from meute.groupings.tests.groupings_fixtures import build_members

    members = build_members(world)

    # A channel manager, on Alpha's profile, proposes to Bêta in Alpha's name.
    log_in(page, live_server, "manager", None)
    page.goto(f"{live_server.url}/groupings/profiles/{members.a.uuid}/")
    form = page.locator("#propose-on-behalf")
    expect(form).to_contain_text("Propose on behalf of Alpha Intégration")
    form.get_by_label("Propose to").select_option(label="Bêta Conseil")
    form.get_by_label("Message").fill("Vous devriez vous rencontrer")
    form.get_by_role("button", name="Propose").click()
    expect(page.locator("#proposal-table")).to_contain_text("manager")
    proposal = MatchProposal.objects.get()
    assert (proposal.proposer, proposal.recipient, proposal.proposed_by) == (
        world.org_a,
        world.org_b,
        world.manager,
    )

    # Bêta sees who proposed, and that the operator's team made the proposal.
    page.context.clear_cookies()
    log_in(page, live_server, "bruno", None)
    page.goto(f"{live_server.url}/groupings/proposals/")
    incoming = page.locator("#incoming")
    expect(incoming).to_contain_text("Alpha Intégration")
    expect(incoming).to_contain_text("proposed on their behalf by the operator's team")
    expect(incoming).to_contain_text("Vous devriez vous rencontrer")
