"""Browser journey of the partner programme: design three tiers, import revenue, evaluate, approve a
promotion; the partner then sees its new tier and what it lacks for the next one."""

import re

import pytest

from tests.browser.test_journeys import CHROMIUM, browser, log_in, open_menu, page  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]


def add_tier(page, live_server, name, rank, revenue, sales="", consultants=""):  # noqa: F811
    page.get_by_role("link", name=re.compile("Add a tier")).click()
    page.locator("#id_name").fill(name)
    page.locator("#id_rank").fill(str(rank))
    page.locator("#id_min_revenue").fill(revenue)
    page.locator("#id_certified_sales").fill(sales)
    page.locator("#id_certified_consultant").fill(consultants)
    page.locator("form.card button.btn--primary[type=submit]").click()


@pytest.mark.django_db(transaction=True)
def test_programme_evaluation_and_partner_view(live_server, world, page, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    log_in(page, live_server, "manager", None)
    open_menu(page, "Programmes", "Programmes")
    page.get_by_role("link", name=re.compile("New programme")).click()
    page.locator("#id_name").fill("Partner programme")
    page.locator("#id_code").fill("main")
    page.locator("#id_value_proposition").fill("Grow together in every region")
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Partner programme")

    add_tier(page, live_server, "Silver", 1, "50000")
    add_tier(page, live_server, "Gold", 2, "250000", "3", "2")
    add_tier(page, live_server, "Platinum", 3, "1000000", "5", "3")
    expect(page.locator("#tiers tbody tr")).to_have_count(3)

    page.locator("#id_enrol-partnership").select_option(label="Alpha channel")
    page.get_by_role("button", name="Add to the programme").click()
    expect(page.locator("#members")).to_contain_text("Alpha channel")

    from django.utils import timezone

    csv = tmp_path / "revenue.csv"
    period = timezone.localdate().isoformat()
    csv.write_text(f"partnership;period;amount\nAlpha channel;{period};412000\n", encoding="utf-8")
    page.goto(f"{live_server.url}/programs/revenue/import/")
    page.locator("#id_file").set_input_files(str(csv))
    page.locator("form.card button[type=submit]").click()
    expect(page.locator("#revenue")).to_contain_text("412,000")

    open_menu(page, "Programmes", "Programmes")
    page.get_by_role("link", name="Partner programme").click()
    page.get_by_role("link", name="Evaluation").click()
    page.get_by_role("button", name="Evaluate all partners now").click()
    proposals = page.locator("#proposals")
    expect(proposals).to_contain_text("Gold needs 3 certified sales people: you have 0")
    proposals.get_by_role("button", name=re.compile("Approve")).click()
    expect(page.locator("#tier-history")).to_contain_text("Approved")

    page.locator("summary[aria-label='User menu']").click()
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server, "alice", None)
    page.goto(f"{live_server.url}{world.org_a.get_absolute_url()}")
    progress = page.locator("#tier-progress")
    expect(progress).to_contain_text("Silver")
    expect(progress).to_contain_text("Gold needs 2 certified consultant people: you have 0")


@pytest.mark.django_db(transaction=True)
def test_exchange_rates_convert_revenue_in_the_evaluation(live_server, world, page):  # noqa: F811
    from decimal import Decimal

    from django.utils import timezone
    from playwright.sync_api import expect

    from meute.programs.models import PartnerTier, Program, RevenueRecord, Tier

    program = Program.objects.create(name="Partner programme", code="main")
    Tier.objects.create(program=program, name="Silver", rank=1, min_revenue=Decimal("50000"))
    PartnerTier.objects.create(partnership=world.partnership_a, program=program)
    today = timezone.localdate()
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=today, amount=Decimal("60000"), currency="USD"
    )
    log_in(page, live_server, "manager", None)
    open_menu(page, "Programmes", "Programmes")
    page.get_by_role("link", name="Exchange rates").click()
    page.get_by_role("link", name=re.compile("Add a rate")).click()
    page.locator("#id_from_currency").fill("usd")
    page.locator("#id_rate").fill("0.9")
    page.locator("#id_valid_from").fill(today.replace(day=1).isoformat())
    page.locator("form.card button.btn--primary[type=submit]").click()
    expect(page.locator("#rates")).to_contain_text("USD")

    page.get_by_role("link", name=re.compile("Add a rate")).click()
    page.locator("#id_from_currency").fill("USD")
    page.locator("#id_rate").fill("0")
    page.locator("#id_valid_from").fill(today.replace(day=1).isoformat())
    page.locator("form.card button.btn--primary[type=submit]").click()
    expect(page.locator("form.card")).to_contain_text("An exchange rate is greater than zero.")

    page.goto(f"{live_server.url}{program.get_absolute_url()}evaluation/")
    page.get_by_role("button", name="Evaluate all partners now").click()
    expect(page.locator("body")).to_contain_text(
        "1 revenue record in another currency was converted into EUR"
    )
    expect(page.locator("#proposals")).to_contain_text("54,000 € (converted)")
