"""A pack chooses its collaboration model in a real browser: two members answer the involvement
assessment, the coordinator sees the recommendation with its reasons, adopts it, completes playbook items
and downloads the term sheet. Run with ``pytest -m browser``."""

import os
from pathlib import Path

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CAMPAIGNS = {"marketing": 1, "horizon": 1}


def answer_assessment(tab, live_server, grouping, values):
    from playwright.sync_api import expect

    tab.goto(f"{live_server.url}/groupings/{grouping.uuid}/advice/")
    tab.get_by_role("link", name="Answer the assessment").click()
    for key, option in values.items():
        tab.locator(f"input[name='{key}'][value='{option}']").check()
    tab.get_by_role("button", name="Save my answers").click()
    expect(tab.locator(".message--success")).to_contain_text("Answers saved")


@pytest.mark.django_db(transaction=True)
def test_pack_answers_adopts_completes_the_playbook_and_downloads_the_term_sheet(
    live_server,
    world,
    page,  # noqa: F811
):
    from playwright.sync_api import expect

    from meute.collaboration.models import PlaybookItem
    from meute.collaboration.tests.advice_helpers import answers, make_grouping

    grouping = make_grouping(world.org_a, world.org_b, description="Chasser en meute les ETI lyonnaises")

    # A member answers a first time, forgetting nothing but one question: refused, then completed.
    log_in(page, live_server, "bruno", None)
    values = answers(**CAMPAIGNS)
    page.goto(f"{live_server.url}/groupings/{grouping.uuid}/advice/assessment/")
    for key, option in list(values.items())[:-1]:
        page.locator(f"input[name='{key}'][value='{option}']").check()
    page.get_by_role("button", name="Save my answers").click()
    expect(page.locator("#share_capital-errors")).to_contain_text("This question needs an answer.")
    answer_assessment(page, live_server, grouping, values)
    expect(page.locator("#recommendation")).to_contain_text("once every member has answered")
    expect(page.locator("#adopt-form")).to_have_count(0)

    # The coordinator answers, and sees the recommendation with its reasons and the next step.
    page.context.clear_cookies()
    log_in(page, live_server, "alice", None)
    answer_assessment(page, live_server, grouping, answers(**(CAMPAIGNS | {"marketing": 3})))
    expect(page.locator("#recommended-model")).to_have_text("Joint campaign")
    expect(page.locator("#recommendation-reasons")).to_contain_text("Marketing — every member is ready for")
    expect(page.locator("#next-model")).to_contain_text("Bêta Conseil")
    expect(page.locator("#disagreements")).to_contain_text("Alpha Intégration level 3")
    expect(page.locator("#answers-table")).to_contain_text("Bêta Conseil")

    # Adopting the recommendation opens the model's playbook.
    page.get_by_role("button", name="Adopt this model").click()
    expect(page.locator("h1")).to_contain_text("Playbook: Joint campaign")
    items = PlaybookItem.objects.filter(partnership=grouping).order_by("position")
    assert items.count() == 6
    for item in items[:2]:
        card = page.locator(f"#item-{item.uuid}")
        card.locator("select[name$='-status']").select_option("done")
        card.locator("select[name$='-owner_organization']").select_option(label="Bêta Conseil")
        card.locator("textarea[name$='-notes']").fill("Validé en réunion de meute")
        card.get_by_role("button", name="Save the item").click()
        expect(page.locator(f"#item-{item.uuid} .item-status")).to_have_text("Done")
    expect(page.locator("#playbook-progress")).to_contain_text("2 of 6 items settled")

    # The term sheet downloads, filled with the playbook.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Markdown (EN)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-en.md")
    text = Path(download.path()).read_text(encoding="utf-8")
    assert "is not legal advice" in text and "Validé en réunion de meute" in text
    with page.expect_download() as download_info:
        page.get_by_role("link", name="PDF (FR)").click()
    pdf = download_info.value
    assert pdf.suggested_filename.endswith("-fr.pdf")
    assert Path(pdf.path()).read_bytes().startswith(b"%PDF-")

    grouping.refresh_from_db()
    assert grouping.collaboration_model == "joint_campaign"
