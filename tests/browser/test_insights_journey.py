"""Browser journey of insights: the channel manager creates and sends a satisfaction survey, a partner
contact answers through the link of the e-mail (no login), the survey results and the network dashboard
show the answer. The dashboard's screenshot is saved by the run; then the dashboard at 390 px wide,
without sideways scroll."""

import datetime
import os
import re

import pytest

from tests.browser.test_journeys import CHROMIUM, SCREENSHOTS, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


@pytest.mark.django_db(transaction=True)
def test_survey_sent_answered_and_shown_on_the_dashboard(live_server, world, program, page, tmp_path):  # noqa: F811
    from django.core import mail
    from playwright.sync_api import expect

    from meute.insights.snapshots import take_snapshots

    take_snapshots()
    today = datetime.date.today()
    log_in(page, live_server, "manager", None)
    open_menu(page, "Network", "Insights")
    page.get_by_role("link", name="Surveys").click()
    page.locator("#id_survey-title").fill("Partner satisfaction H1")
    page.locator("#id_survey-opens_on").fill(today.isoformat())
    page.locator("#id_survey-closes_on").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Create").click()
    expect(page.locator("h1")).to_contain_text("Partner satisfaction H1")
    page.locator("#send-survey").click()
    expect(page.locator(".messages")).to_contain_text("1 contacts invited")

    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert mail.outbox[-1].to == [world.person_a.email]
    answer_page = page.context.browser.new_context(locale="en-GB").new_page()
    answer_page.goto(link)
    for question in answer_page.locator("fieldset").all():
        radios = question.locator("input[type=radio]")
        if radios.count():
            radios.nth(9).check()  # 9 out of 10: a promoter
        else:
            question.locator("textarea").fill("More joint events")
    answer_page.get_by_role("button", name="Send my answers").click()
    expect(answer_page.locator("#survey-thanks")).to_be_visible()
    answer_page.goto(link)
    expect(answer_page.locator("#survey-error")).to_contain_text("already been answered")
    answer_page.context.close()

    page.reload()
    expect(page.locator("#survey-nps")).to_have_text("100")
    open_menu(page, "Network", "Insights")
    expect(page.locator("#network-dashboard")).to_contain_text("Satisfaction (NPS) by tier")
    expect(page.locator("#low-health")).to_contain_text("Bêta channel")
    page.screenshot(path=str(tmp_path / "insights.png"), full_page=True)
    assert (tmp_path / "insights.png").stat().st_size > 10_000
    if os.environ.get("MEUTE_SCREENSHOTS"):
        page.screenshot(path=str(SCREENSHOTS / "insights.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390
