"""Shared data of the payouts tests: a grouping of three members with won deals, next to the test world."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from meute.core.factories import OrganizationFactory
from meute.deals.choices import DealPartyRole, DealStage
from meute.deals.customers import save_customer
from meute.deals.models import Customer, DealParty, DealRegistration
from meute.partnerships.choices import InvolvementLevel, PartnershipKind, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership


def won_deal(
    partnership, members, *, amount="1000.00", margin=None, on=datetime.date(2027, 2, 15), title="Deal"
):
    """A won deal of ``partnership`` closed on ``on``; ``members`` is [(organization, role), ...]."""
    customer = Customer(name=f"Client {title}")
    save_customer(customer)
    closed = datetime.datetime.combine(on, datetime.time(12, 0), tzinfo=timezone.get_current_timezone())
    deal = DealRegistration.objects.create(
        partnership=partnership,
        customer=customer,
        title=title,
        amount=Decimal(amount),
        margin=Decimal(margin) if margin is not None else None,
        expected_close_date=on,
        stage=DealStage.WON,
        closed_at=closed,
    )
    for organization, role in members:
        DealParty.objects.create(deal=deal, organization=organization, role=role)
    return deal


@pytest.fixture
def pay_world(world):
    """``world`` plus a pack of three members (org_a coordinator, org_c, org_d); org_b is the outsider."""
    world.org_c = OrganizationFactory(name="Gamma Coaching")
    world.org_d = OrganizationFactory(name="Delta Expertise")
    world.pack = create_partnership(
        [
            PartySpec(world.org_a, role=PartyRole.COORDINATOR, involvement=InvolvementLevel.INTEGRATED),
            PartySpec(world.org_c, role=PartyRole.MEMBER, involvement=InvolvementLevel.REGULAR),
            PartySpec(world.org_d, role=PartyRole.MEMBER, involvement=InvolvementLevel.OCCASIONAL),
        ],
        name="Meute Lyon",
        kind=PartnershipKind.GROUPING,
        grouping_level="pack",
    )
    world.member = DealPartyRole.GROUPING_MEMBER
    return world
