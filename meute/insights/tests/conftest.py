"""An insights world on top of the shared test world: partnership A well looked after (alliance managers on
both sides, boundaries, a signed plan with objectives, recent governance), partnership B left alone."""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest

from meute.core.factories import PersonFactory, ProductLineFactory, SectorFactory, TerritoryFactory
from meute.insights.choices import GovernanceLevel
from meute.insights.governance import record_meeting
from meute.partnerships.choices import PartnershipStatus
from meute.programs.choices import ObjectiveKind, PlanStatus
from meute.programs.plans import add_objective, create_plan

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
