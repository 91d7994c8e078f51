"""Roll-ups of the network dashboard, with figures worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from meute.insights import dashboard
from meute.insights.rollups import refresh_revenue
from meute.programs.models import RevenueRecord

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def test_revenue_against_objectives_by_tier_type_and_territory(figures_world, program):
    refresh_revenue(2026, "EUR")
    rows = dashboard.revenue_against_objectives(program, 2026, "EUR")["rows"]
    assert rows["tier"] == [
        ("Gold", Decimal("1500.25"), Decimal("50000.00")),
        ("Silver", Decimal("300.00"), Decimal("0.00")),
    ]
    assert rows["type"] == [
        ("referrer", Decimal("300.00"), Decimal("0.00")),
        ("reseller", Decimal("1500.25"), Decimal("50000.00")),
    ]
    territory = dict((label, (revenue, objective)) for label, revenue, objective in rows["territory"])
    assert territory["Bretagne"] == (Decimal("300.00"), Decimal("0.00"))
    a_territory = figures_world.world.partnership_a.territories.get().name
    assert territory[a_territory] == (Decimal("1500.25"), Decimal("50000.00"))


def test_pipeline_counts_open_registrations_only(figures_world):
    assert dashboard.pipeline("EUR", TODAY) == [
        ("Submitted", 1, Decimal("1000")),
        ("Approved (protected)", 2, Decimal("3000")),
    ]


def test_empty_periods_give_empty_rows(figures_world, program):
    rows = dashboard.revenue_against_objectives(program, 2030, "EUR")["rows"]
    assert rows == {"tier": [], "type": [], "territory": []}


def test_the_rollup_converts_and_is_rewritten(figures_world, program):
    from meute.insights.models import RevenueRollup
    from meute.money.models import ExchangeRate

    world = figures_world.world
    ExchangeRate.objects.create(
        from_currency="USD", to_currency="EUR", rate=Decimal("0.5"), valid_from=datetime.date(2026, 1, 1)
    )
    RevenueRecord.objects.create(
        partnership=world.partnership_b,
        period=datetime.date(2026, 3, 1),
        amount=Decimal("100"),
        currency="USD",
    )
    refresh_revenue(2026, "EUR")
    refresh_revenue(2026, "EUR")
    assert RevenueRollup.objects.filter(year=2026).count() == 2
    assert RevenueRollup.objects.get(partnership=world.partnership_b).amount == Decimal(
        "350.00"
    )  # 300 + 100 × 0.5
