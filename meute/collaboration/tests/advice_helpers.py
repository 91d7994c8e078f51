"""Shared set-up of the advice tests: a pack of two members (Alpha coordinates, Bêta is a member) and an
outsider organisation with its own user and grouping."""

from types import SimpleNamespace

import pytest

from meute.collaboration import advisor
from meute.core.choices import UserRole
from meute.core.factories import OrganizationFactory, PersonFactory, UserFactory
from meute.partnerships.choices import GroupingLevel, PartnershipKind, PartyRole
from meute.partnerships.parties import PartySpec, create_partnership


def answers(marketing=0, sales=0, technology=0, legal=0, **ambition):
    axis_levels = {"marketing": marketing, "sales": sales, "technology": technology, "legal": legal}
    result = {}
    for question in advisor.QUESTIONS:
        level = axis_levels.get(question.axis, ambition.get(question.key, 0))
        result[question.key] = question.options[level][0]
    return result


def make_grouping(coordinator, member, name="Meute Lyonnaise", **fields):
    return create_partnership(
        [PartySpec(coordinator, role=PartyRole.COORDINATOR), PartySpec(member, role=PartyRole.MEMBER)],
        name=name,
        kind=PartnershipKind.GROUPING,
        grouping_level=GroupingLevel.PACK,
        **fields,
    )


@pytest.fixture(name="advice_world")
def advice_world_fixture(world):
    w = world
    w.grouping = make_grouping(
        w.org_a,
        w.org_b,
        description="Répondre ensemble aux appels d’offres des ETI : 2 M€ de CA commun.",
        objectives="Trois missions communes par an.",
    )
    w.org_c = OrganizationFactory(name="Gamma Expertise", city="Lille")
    w.org_d = OrganizationFactory(name="Delta Coaching", city="Lille")
    w.person_c = PersonFactory(organization=w.org_c, first_name="Chloé", last_name="Caron")
    w.partner_c_user = UserFactory(username="chloe", role=UserRole.PARTNER, organization=w.org_c)
    w.other_grouping = make_grouping(w.org_c, w.org_d, name="Meute du Nord")
    return SimpleNamespace(**vars(w))
