"""Browser journey of enablement: a partner user follows a course (a reading, then a quiz), gets certified
and finds the certification on its portal; the channel manager sees the certified people the tier
evaluation counts go from 2 to 3. Then the module and the portal at 390 px wide, without sideways scroll."""

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


# The elements sticking out on the right, to say which one widens the page when one does.
WIDEST = """[...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
  .slice(0, 12)"""


def build(world, program):
    from meute.core.factories import PersonFactory
    from meute.enablement.models import (
        Certification,
        Choice,
        Course,
        Module,
        PersonCertification,
        Question,
        Quiz,
    )

    world.person_a.user = world.partner_a_user
    world.person_a.save()
    for n in range(2):  # two sales people certified on an external platform
        PersonCertification.objects.create(
            person=PersonFactory(organization=world.org_a),
            name=f"Platform sales {n}",
            role="sales",
            source="imported",
        )
    course = Course.objects.create(code="sales", title="Selling Meute", is_published=True, language="en")
    Module.objects.create(course=course, position=1, title="Why Meute", body="Meute runs **partnerships**.")
    exam = Module.objects.create(course=course, position=2, title="Check yourself")
    quiz = Quiz.objects.create(module=exam, pass_mark=100, max_attempts=2)
    for position, (text, answers) in enumerate(
        [
            ("Which tier protects deals 90 days?", [("Gold", True), ("Silver", False)]),
            ("Who answers technical questions?", [("Technical support", True), ("Accounting", False)]),
        ],
        start=1,
    ):
        question = Question.objects.create(quiz=quiz, position=position, text=text)
        for i, (label, right) in enumerate(answers, start=1):
            Choice.objects.create(question=question, position=i, text=label, is_correct=right)
    certification = Certification.objects.create(
        code="sales-certified", name="Meute Sales Certified", role="sales", validity_months=12
    )
    certification.courses.add(course)
    return course


@pytest.mark.django_db(transaction=True)
def test_partner_gets_certified_and_the_tier_evidence_counts_it(live_server, world, program, page):  # noqa: F811
    from playwright.sync_api import expect

    build(world, program)
    evidence_url = f"{live_server.url}/enablement/partners/{world.org_a.uuid}/"

    log_in(page, live_server, "manager", None)
    page.goto(evidence_url)
    expect(page.locator("#tier-evidence")).to_contain_text("2 sales")
    page.context.clear_cookies()

    log_in(page, live_server, "alice", None)
    open_menu(page, "Programmes", "Training")
    page.get_by_role("link", name="Selling Meute").click()
    page.locator("#enrol-me").click()
    page.locator("#modules").get_by_role("link", name="Why Meute").click()
    expect(page.locator("#module-body")).to_contain_text("partnerships")
    page.locator("#complete-module").click()
    expect(page.locator("#module-done")).to_be_visible()
    page.get_by_role("link", name="Check yourself →").click()
    page.locator("#quiz-link").click()
    page.locator("#start-quiz").click()
    form = page.locator("#quiz-form")
    expect(form).not_to_contain_text("✓")
    form.get_by_label("Gold").check()
    form.get_by_label("Technical support").check()
    form.get_by_role("button", name="Submit my answers").click()
    expect(page.locator("#quiz-passed")).to_be_visible()
    expect(page.locator("#quiz-score")).to_have_text("100.00 %")

    page.goto(f"{live_server.url}/")
    trainings = page.locator("#portal-trainings")
    expect(trainings).to_contain_text("Meute Sales Certified")
    trainings.get_by_role("link", name="Meute Sales Certified").click()
    expect(page.locator("#certificate")).to_contain_text("Earned in Meute")
    with page.expect_download() as download:
        page.locator("#certificate-pdf").click()
    assert download.value.suggested_filename.endswith(".pdf")

    # At 390 px: the portal and a module page fit without sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/", "/enablement/", "/programs/certified/"):
        page.goto(f"{live_server.url}{path}")
        wide = page.evaluate(WIDEST)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (path, wide)
    page.set_viewport_size({"width": 1360, "height": 900})

    page.context.clear_cookies()
    log_in(page, live_server, "manager", None)
    page.goto(evidence_url)
    expect(page.locator("#tier-evidence")).to_contain_text("3 sales")
    expect(page.locator("#partner-certifications")).to_contain_text("Meute Sales Certified")


@pytest.mark.django_db(transaction=True)
def test_contacts_fit_at_390_px_for_partner_and_manager(live_server, world, page):  # noqa: F811
    from playwright.sync_api import expect

    from meute.enablement.models import SupportContact

    SupportContact.objects.create(kind="technical", name="Hotline", hours="8 h – 20 h")
    SupportContact.objects.create(
        partnership=world.partnership_a,
        kind="alliance_manager",
        name="Marianne Longuenomdefamille-Composé",
        email="marianne.longuenomdefamille@vendor.example",
        phone="+33 4 72 00 00 03",
        hours="Monday to Friday, 9 am to 6 pm",
    )
    page.set_viewport_size({"width": 390, "height": 844})
    for username, paths in (
        ("alice", ("/", "/enablement/contacts/")),
        ("manager", ("/enablement/contacts/", "/enablement/contacts/new/")),
    ):
        page.context.clear_cookies()
        log_in(page, live_server, username, None)
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            if username == "alice":
                expect(page.locator("main")).to_contain_text("Marianne")
            wide = page.evaluate(WIDEST)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (
                path,
                wide,
            )
