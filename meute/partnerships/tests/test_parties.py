import datetime

import pytest
from django.core.exceptions import ValidationError

from meute.core.factories import OrganizationFactory, PersonFactory
from meute.partnerships.choices import PartnershipKind
from meute.partnerships.models import Partnership
from meute.partnerships.parties import PartySpec, create_partnership, remove_party


@pytest.mark.django_db
class TestCreatePartnership:
    def test_needs_two_parties(self):
        with pytest.raises(ValidationError, match="at least two"):
            create_partnership([PartySpec(OrganizationFactory())], name="Solo")
        assert not Partnership.objects.exists()

    def test_party_only_once(self):
        org = OrganizationFactory()
        with pytest.raises(ValidationError, match="only once"):
            create_partnership([PartySpec(org), PartySpec(org)], name="Twice")

    def test_alliance_manager_must_belong_to_the_party(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        stranger = PersonFactory()
        with pytest.raises(ValidationError):
            create_partnership([PartySpec(a, alliance_manager=stranger), PartySpec(b)], name="X")
        assert not Partnership.objects.exists()

    def test_dates_ordered(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        with pytest.raises(ValidationError):
            create_partnership(
                [PartySpec(a), PartySpec(b)],
                name="Backwards",
                start_date=datetime.date(2026, 5, 1),
                end_date=datetime.date(2026, 4, 1),
            )

    def test_grouping_of_three_members(self):
        members = [OrganizationFactory() for _ in range(3)]
        managers = [PersonFactory(organization=m) for m in members]
        grouping = create_partnership(
            [PartySpec(m, role="member", alliance_manager=p) for m, p in zip(members, managers, strict=True)],
            name="La meute du Rhône",
            kind=PartnershipKind.GROUPING,
            grouping_level="pack",
            collaboration_model="joint_campaign",
        )
        assert grouping.parties.count() == 3

    def test_grouping_level_only_for_groupings(self):
        a, b = OrganizationFactory(), OrganizationFactory()
        with pytest.raises(ValidationError):
            create_partnership([PartySpec(a), PartySpec(b)], name="X", grouping_level="tribe")


@pytest.mark.django_db
def test_remove_party_keeps_two(world):
    seat = world.partnership_a.parties.get(organization=world.org_a)
    with pytest.raises(ValidationError):
        remove_party(seat)
    third = OrganizationFactory()
    world.partnership_a.parties.create(organization=third)
    remove_party(world.partnership_a.parties.get(organization=third))
    assert world.partnership_a.parties.count() == 2
