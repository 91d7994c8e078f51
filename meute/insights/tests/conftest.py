"""An insights world on top of the shared test world: partnership A well looked after (alliance managers on
both sides, boundaries, a signed plan with objectives, recent governance), partnership B left alone."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from meute.core.factories import PersonFactory, ProductLineFactory, SectorFactory, TerritoryFactory
from meute.deals.models import Customer, DealRegistration
from meute.insights.choices import GovernanceLevel
from meute.insights.governance import record_meeting
from meute.partnerships.choices import PartnershipStatus
from meute.programs.choices import ObjectiveKind, PlanStatus
from meute.programs.models import RevenueRecord
from meute.programs.plans import add_objective, create_plan
from meute.programs.tests.fixtures import tier

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def insight_world(world):
    vendor_am = PersonFactory(
        organization=world.operator, first_name="Victor", last_name="Vendeur", department="management"
    )
    world.person_a.department = "sales"
    world.person_a.save()
    a = world.partnership_a
    a.parties.filter(organization=world.operator).update(alliance_manager=vendor_am)
    a.parties.filter(organization=world.org_a).update(alliance_manager=world.person_a)
    a.territories.set([TerritoryFactory()])
    a.product_lines.set([ProductLineFactory()])
    a.sectors.set([SectorFactory()])
    a.status = PartnershipStatus.ACTIVE
    a.save()
    plan = create_plan(
        a,
        letter_of_intent_date=datetime.date(2025, 1, 10),
        target_contract_date=datetime.date(2025, 3, 20),
        status=PlanStatus.SIGNED,
    )
    add_objective(
        plan.versions.get(), year=2026, quarter=3, kind=ObjectiveKind.REVENUE, target=Decimal("50000")
    )
    for level, day in (
        (GovernanceLevel.EXECUTIVE, datetime.date(2026, 3, 1)),
        (GovernanceLevel.ALLIANCE, datetime.date(2026, 5, 1)),
        (GovernanceLevel.OPERATIONAL, datetime.date(2026, 6, 15)),
    ):
        record_meeting(
            a, level=level, held_on=day, title=f"{level} review", attendees=[vendor_am, world.person_a]
        )
    return SimpleNamespace(world=world, vendor_am=vendor_am, plan=plan, today=TODAY)


@pytest.fixture
def figures_world(insight_world, program):
    world = insight_world.world
    world.partnership_a.program_tiers.update(tier=tier(program, "Gold"), partner_type="reseller")
    world.partnership_b.program_tiers.update(tier=tier(program, "Silver"), partner_type="referrer")
    world.partnership_b.territories.set([TerritoryFactory(name="Bretagne")])
    for partnership, period, amount in (
        (world.partnership_a, datetime.date(2026, 1, 1), "1000.00"),
        (world.partnership_a, datetime.date(2026, 4, 1), "500.25"),
        (world.partnership_a, datetime.date(2025, 12, 1), "9999.00"),  # last year: left out
        (world.partnership_b, datetime.date(2026, 2, 1), "300.00"),
    ):
        RevenueRecord.objects.create(partnership=partnership, period=period, amount=Decimal(amount))
    for partnership, stage, amount in (
        (world.partnership_a, "submitted", "1000"),
        (world.partnership_a, "approved", "2500"),
        (world.partnership_b, "approved", "500"),
        (world.partnership_b, "won", "7000"),  # closed: not in the pipeline
    ):
        protection = (TODAY, TODAY + datetime.timedelta(days=90)) if stage == "approved" else (None, None)
        DealRegistration.objects.create(
            partnership=partnership,
            customer=Customer.objects.create(name=f"Customer {stage} {amount}"),
            stage=stage,
            amount=Decimal(amount),
            expected_close_date=TODAY,
            protection_start=protection[0],
            protection_end=protection[1],
        )
    return insight_world
