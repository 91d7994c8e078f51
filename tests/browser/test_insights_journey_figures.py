"""The network dashboard's onboarding journeys in a real browser, on a laptop (1280 px, French) and a phone
(390 px): the chart and its table are shown, nothing scrolls sideways. Screenshots are saved in the test's
temporary folder (``MEUTE_SCREENSHOTS=1``: also in ``docs/screenshots/``). Run with ``pytest -m browser``."""

import os

import pytest
from django.utils import timezone

from tests.browser.screens import assert_fits, open_as, shoot
from tests.browser.test_journeys import CHROMIUM, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width", [1280, 390])
def test_onboarding_journeys_on_the_dashboard(live_server, world, browser, tmp_path, width):  # noqa: F811
    from meute.enablement.choices import StepStatus
    from meute.enablement.factories import JourneyFactory, JourneyStepFactory
    from meute.insights.alerts import snapshot_and_alert

    today = timezone.localdate()
    journey = JourneyFactory(partnership=world.partnership_a, started_on=today)
    for status in (StepStatus.DONE, StepStatus.IN_PROGRESS, StepStatus.TODO):
        JourneyStepFactory(journey=journey, status=status, due_date=today)
    snapshot_and_alert(today)

    context, page, errors = open_as(browser, live_server, "admin", width, "fr")
    page.goto(f"{live_server.url}/insights/")
    section = page.locator("#onboarding-journeys")
    section.scroll_into_view_if_needed()
    assert section.locator("h2").inner_text() == "Parcours d’intégration"
    assert section.locator("svg").count() == 1
    bar = section.locator("rect.chart__bar").nth(1).bounding_box()  # "in progress": one partnership
    assert bar is not None and bar["height"] > 50
    assert "Achèvement médian" in section.locator("#journey-progress").text_content()
    assert "33,0" in section.locator("#journey-progress").text_content()
    assert_fits(page, width)
    shoot(page, tmp_path, f"insights-journeys-{width}")
    section.screenshot(path=str(tmp_path / f"section-{width}.png"))
    assert not errors
    context.close()
