"""A fund world: a programme in EUR with a gold tier whose MDF is 5 % of last year's revenue, partner A
holding gold with 100,000 EUR of revenue in 2026, partner B with a fund of its own."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meute.funds import allocation, workflow
from meute.funds.models import FundRequest
from meute.programs.models import PartnerTier, Program, RevenueRecord, Tier

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name="invoice.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def funds_world(world, settings):
    settings.MEUTE_FUNDS_MANAGER_APPROVAL_LIMIT = "10000"
    program = Program.objects.create(name="Partners", code="partners", currency="EUR")
    gold = Tier.objects.create(program=program, name="Gold", rank=2, mdf_percent=Decimal("5"))
    PartnerTier.objects.create(partnership=world.partnership_a, program=program, tier=gold)
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2026, 3, 1), amount=Decimal("60000")
    )
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2026, 9, 1), amount=Decimal("40000")
    )
    # Revenue of another year does not count.
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2027, 1, 1), amount=Decimal("99999")
    )
    fund_a = allocation.allocate(world.partnership_a, program, 2027, user=world.admin)
    fund_b = allocation.allocate(world.partnership_b, program, 2027, user=world.admin, amount=Decimal("3000"))
    return SimpleNamespace(world=world, program=program, gold=gold, fund_a=fund_a, fund_b=fund_b)


def make_request(fund, user, budget="1000", submit=True, **extra):
    values = {
        "allocation": fund,
        "activity_type": "seminar",
        "title": "Customer seminar in Lyon",
        "budget": Decimal(budget),
        "currency": "EUR",
        "expected_leads": 20,
        "start_date": datetime.date(2027, 3, 10),
        "end_date": datetime.date(2027, 3, 10),
    }
    values.update(extra)
    fund_request = workflow.save_request(FundRequest(**values), user)
    if submit:
        fund_request = workflow.submit_request(fund_request, user)
    return fund_request


@pytest.fixture(autouse=True)
def early_2027():
    import time_machine

    with time_machine.travel(datetime.datetime(2027, 2, 1, 9, 0, tzinfo=datetime.UTC), tick=True):
        yield
