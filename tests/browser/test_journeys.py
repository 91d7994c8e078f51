"""End-to-end journeys in headless Chromium (Debian's ``chromium`` package) driven by Playwright.

Run with ``pytest -m browser``. ``MEUTE_SCREENSHOTS=1`` also refreshes ``docs/screenshots/directory.png``.
"""

import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test are still safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page, live_server, username, password):
    from conftest import PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label(re.compile("Username|Nom d’utilisateur|Nom d'utilisateur", re.I)).fill(username)
    page.locator("input[name=password]").fill(password or PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/")


def open_menu(page, group, link):
    """Follow a link of the main menu: its links are grouped in ``<details>`` drop-downs, so open the
    group (its ``<summary>``) first, then click the link inside the main navigation."""
    nav = page.locator("#main-nav")
    nav.locator("summary", has_text=group).click()
    nav.get_by_role("link", name=link, exact=isinstance(link, str)).click()


@pytest.mark.django_db(transaction=True)
def test_search_edit_and_history_in_both_languages(live_server, world, page):
    from playwright.sync_api import expect

    log_in(page, live_server, "manager", None)
    # The manager's home is a review queue now; the directory is a link of the page header.
    expect(page.locator("#review-queue")).to_be_visible()

    # Directory: results update as you type (htmx), and the URL follows the search.
    page.locator(".page-header .actions").get_by_role(
        "link", name=re.compile("Partner directory|Annuaire", re.I)
    ).click()
    rows = page.locator("#organization-table tbody tr")
    expect(rows).to_have_count(3)
    page.locator("#id_q").press_sequentially("alph", delay=40)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha Intégration")
    expect(page).to_have_url(re.compile(r"/organizations/\?.*q=alph"))

    # Organisation page, then edit the city.
    rows.first.get_by_role("link", name="Alpha Intégration").click()
    expect(page.locator("h1")).to_contain_text("Alpha Intégration")
    page.locator(".page-header .actions").get_by_role("link", name=re.compile("Edit|Modifier")).click()
    page.locator("#id_city").fill("Grenoble")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#organization-city")).to_have_text("Grenoble")
    history = page.locator("#history")
    expect(history.locator(".changes__after").first).to_have_text("Grenoble")
    expect(history.locator(".changes__before").first).to_have_text("Lyon")
    expect(history.locator(".timeline__who").first).to_have_text("manager")

    # Inline edit of the partner types with htmx: the section is swapped in place.
    page.locator("#classification").get_by_role("link", name=re.compile("Edit|Modifier")).click()
    page.locator("#classification").get_by_label(re.compile("Referrer|Apporteur|Référent", re.I)).check()
    page.locator("#classification button[type=submit]").click()
    expect(page.locator("#partner-types")).to_contain_text(re.compile("Referrer|Apporteur|Référent", re.I))

    # Language switch: English, then French; the page (lang attribute and pressed button) follows.
    html = page.locator("html")
    page.locator(".lang-switch button[value=en]").click()
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator(".lang-switch button[value=en]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#organization-city")).to_have_text("Grenoble")
    page.locator(".lang-switch button[value=fr]").click()
    expect(html).to_have_attribute("lang", "fr")
    expect(page.locator(".lang-switch button[value=fr]")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#organization-city")).to_have_text("Grenoble")


@pytest.mark.django_db(transaction=True)
def test_partner_user_sees_only_own_organization(live_server, world, page):
    from playwright.sync_api import expect

    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}/organizations/")
    rows = page.locator("#organization-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Alpha Intégration")
    response = page.goto(f"{live_server.url}/organizations/{world.org_b.uuid}/")
    assert response.status == 404


@pytest.mark.django_db(transaction=True)
def test_create_partnership_picking_parties_by_search(live_server, world, page):
    from playwright.sync_api import expect

    from meute.partnerships.models import Partnership

    log_in(page, live_server, "manager", None)
    page.goto(f"{live_server.url}/partnerships/new/")
    # Row 1 is preset with the operator; row 2: find the partner by typing, then pick its alliance manager.
    row = page.locator(".party-row").nth(1)
    row.locator(".search-select__query").press_sequentially("beta", delay=40)
    expect(page.locator("#id_parties-1-organization")).to_have_value(str(world.org_b.uuid))
    expect(page.locator("#id_parties-1-alliance_manager option")).to_have_count(2)
    page.locator("#id_parties-1-alliance_manager").select_option(str(world.person_b.uuid))
    page.locator("#id_name").fill("Bêta OEM")
    page.locator("#id_collaboration_model").select_option("oem")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#parties")).to_contain_text("Bruno Bernard")
    partnership = Partnership.objects.get(name="Bêta OEM")
    assert partnership.parties.get(organization=world.org_b).alliance_manager == world.person_b


DEMO_NAMES = [
    ("Atelier Numérique Rhône", "Lyon"),
    ("Bretagne Cloud Services", "Rennes"),
    ("Cap Intégration", "Toulouse"),
    ("Datavence", "Paris"),
    ("Elan Conseil & Systèmes", "Nantes"),
    ("Forge Logicielle du Nord", "Lille"),
    ("Gironde Informatique", "Bordeaux"),
    ("Helios Réseaux", "Marseille"),
    ("Ibis Solutions", "Montpellier"),
    ("Jura Data", "Besançon"),
    ("Kerlann Technologies", "Brest"),
    ("Lumière Digitale", "Lyon"),
    ("Médiane Partners", "Strasbourg"),
    ("Nexa Distribution", "Paris"),
    ("Opale Cyber", "Lille"),
    ("Provence Édition", "Aix-en-Provence"),
    ("Quartz ERP", "Grenoble"),
    ("Rivage Intégrateurs", "La Rochelle"),
    ("Sequoia Consulting", "Paris"),
    ("Tessera Cloud", "Nice"),
    ("Ubiq Réseaux", "Dijon"),
    ("Vauban Systèmes", "Metz"),
    ("Wagram Conseil", "Paris"),
    ("Xylem Logiciels", "Tours"),
    ("Yser Data Factory", "Dunkerque"),
    ("Zénith Informatique", "Clermont-Ferrand"),
    ("Alpes Numérique", "Annecy"),
    ("Bocage Services IT", "Caen"),
    ("Comptoir du Logiciel", "Orléans"),
    ("Durance Technologies", "Avignon"),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    not os.environ.get("MEUTE_SCREENSHOTS"), reason="set MEUTE_SCREENSHOTS=1 to refresh screenshots"
)
def test_directory_screenshot(live_server, world, page):
    from meute.core.choices import PartnerType
    from meute.core.factories import OrganizationFactory, TagFactory
    from meute.core.organizations import set_partner_types

    tags = [
        TagFactory(code=c, name=n)
        for c, n in [("cloud", "Cloud"), ("erp", "ERP"), ("cyber", "Cybersécurité")]
    ]
    types = list(PartnerType.values)
    for index, (name, city) in enumerate(DEMO_NAMES):
        org = OrganizationFactory(name=name, legal_name=f"{name} SAS", city=city, headcount=8 + index * 17)
        set_partner_types(org, [types[index % len(types)], types[(index * 3 + 1) % len(types)]])
        org.tags.set(tags[index % 3 : index % 3 + 1 + index % 2])
    log_in(page, live_server, "manager", None)
    page.goto(f"{live_server.url}/organizations/")
    page.locator("#organization-table").wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "directory.png"), full_page=False)
