"""Browser journey of recruitment: the channel manager defines an ideal-partner profile, ranks the
directory, adds the best prospect to the pipeline, fills its qualification grid in a meeting and moves it
across the board (its own form, then drag-and-drop). Then the pages at 390 px, without sideways scroll."""

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]

WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.topbar'))
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 12)"""


def build(world):
    from meute.core.factories import OrganizationFactory
    from meute.core.models import Sector
    from meute.recruitment.models import QualificationQuestion

    retail = Sector.objects.create(code="retail", name="Retail")
    gamma = OrganizationFactory(name="Gamma Retail", headcount=40)
    gamma.markets.set([retail])
    OrganizationFactory(name="Delta Industrie", headcount=40)
    QualificationQuestion.objects.create(pillar="technical", text="Core business fits", weight=2)
    QualificationQuestion.objects.create(pillar="human", text="Shares the same desire", weight=1)
    return gamma


@pytest.mark.django_db(transaction=True)
def test_profile_rank_recruit_qualify_and_move(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.recruitment.models import Candidate

    build(world)
    log_in(page, live_server, "manager", None)
    open_menu(page, "Network", "Recruitment")
    page.locator("nav.tabs").get_by_role("link", name="Scoring").click()
    page.get_by_label("Name").fill("Retail fit")
    page.get_by_role("button", name="Create").click()
    expect(page.locator("#scoring-error")).to_contain_text("at least one group")
    group = page.locator("#group-form")
    group.get_by_label("Group").fill("Customers")
    group.get_by_role("button", name="Add").click()
    criterion = page.locator("#criterion-form")
    criterion.get_by_label("Attribute").select_option(label="Markets")
    criterion.get_by_label("Target (ideal profile)").fill("retail")
    criterion.get_by_role("button", name="Add").click()
    ranking = page.locator("#ranking tbody tr")
    expect(ranking.first).to_contain_text("Gamma Retail")
    expect(ranking.first).to_contain_text("100.0")

    page.locator("nav.tabs").get_by_role("link", name="Pipeline").click()
    page.get_by_role("link", name="+ Candidate").click()
    page.get_by_label("Organisation").fill("Gamma Retail")
    page.get_by_role("button", name="Save").click()
    grid = page.locator("#grid")
    grid.get_by_label("Core business fits").select_option("4")
    grid.get_by_label("Shares the same desire").select_option("2")
    grid.get_by_role("button", name="Save the grid").click()
    # (2·4 + 1·2) / (3·4) = 83.3
    expect(page.locator("#grid")).to_contain_text("83.3 / 100")

    page.get_by_role("link", name="Recruitment pipeline").click()
    card = page.locator("article.board__card", has_text="Gamma Retail")
    card.locator("select").select_option("meeting")
    card.get_by_role("button", name="Move").click()
    expect(page.locator('section[data-stage="meeting"]')).to_contain_text("Gamma Retail")
    page.locator("article.board__card", has_text="Gamma Retail").drag_to(
        page.locator('section[data-stage="qualified"]'), source_position={"x": 4, "y": 4}
    )
    expect(page.locator('section[data-stage="qualified"]')).to_contain_text("Gamma Retail")
    assert Candidate.objects.get().stage == "qualified"

    page.set_viewport_size({"width": 390, "height": 844})
    candidate = Candidate.objects.get()
    for path in (
        "/recruitment/",
        candidate.get_absolute_url(),
        "/recruitment/scoring/",
        "/recruitment/channel/",
        "/recruitment/coverage/",
        "/recruitment/qualification/",
    ):
        page.goto(f"{live_server.url}{path}")
        wide = page.evaluate(WIDEST)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (path, wide)
