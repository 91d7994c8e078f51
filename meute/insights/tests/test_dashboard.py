"""Roll-ups of the network dashboard, with figures worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from meute.insights import dashboard

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 30)


def test_revenue_against_objectives_by_tier_type_and_territory(figures_world, program):
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
