"""The seed's programme (Silver, Gold, Platinum), shared by the tests of the apps built on programmes."""

import datetime
from decimal import Decimal

import pytest

from meute.programs.models import PartnerTier, Program, Tier

AS_OF = datetime.date(2026, 6, 30)


@pytest.fixture
def program(world):
    """The seed's programme: Silver, Gold (3 sales + 2 consultants), Platinum (5 + 3); a and b members."""
    program = Program.objects.create(
        name="Partner programme", code="main", value_proposition="Grow together", demotion_grace_days=60
    )
    Tier.objects.create(
        program=program, name="Silver", rank=1, min_revenue=Decimal("50000"), margin_percent=10
    )
    Tier.objects.create(
        program=program,
        name="Gold",
        rank=2,
        min_revenue=Decimal("250000"),
        min_certified={"sales": 3, "consultant": 2},
        margin_percent=20,
    )
    Tier.objects.create(
        program=program,
        name="Platinum",
        rank=3,
        min_revenue=Decimal("1000000"),
        min_certified={"sales": 5, "consultant": 3},
        margin_percent=30,
    )
    PartnerTier.objects.create(partnership=world.partnership_a, program=program)
    PartnerTier.objects.create(partnership=world.partnership_b, program=program)
    return program


def tier(program, name):
    return program.tiers.get(name=name)
