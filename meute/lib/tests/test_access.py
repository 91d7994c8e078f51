import pytest

from meute.core.models import Organization, Person
from meute.lib import access
from meute.partnerships.models import Partnership, PartnershipParty


@pytest.mark.django_db
class TestVisibleTo:
    def test_staff_roles_see_every_row(self, world):
        for user in (world.admin, world.manager, world.reader):
            assert Organization.objects.visible_to(user).count() == 3
            assert Partnership.objects.visible_to(user).count() == 2

    def test_partner_user_sees_only_own_organization(self, world):
        user = world.partner_a_user
        assert list(Organization.objects.visible_to(user)) == [world.org_a]
        assert list(Person.objects.visible_to(user)) == [world.person_a]
        assert list(Partnership.objects.visible_to(user)) == [world.partnership_a]

    def test_partner_user_sees_co_parties_of_own_partnerships_only(self, world):
        seats = PartnershipParty.objects.visible_to(world.partner_a_user)
        assert {s.organization for s in seats} == {world.operator, world.org_a}

    def test_anonymous_and_inactive_users_see_nothing(self, world, django_user_model):
        from django.contrib.auth.models import AnonymousUser

        assert not Organization.objects.visible_to(AnonymousUser()).exists()
        world.manager.is_active = False
        assert not Organization.objects.visible_to(world.manager).exists()
        assert not Organization.objects.visible_to(None).exists()


@pytest.mark.django_db
class TestRights:
    def test_editors_change_everything_and_readers_nothing(self, world):
        assert access.can_change(world.manager, world.org_b)
        assert access.can_delete(world.admin, world.org_b)
        assert not access.can_change(world.reader, world.org_a)
        assert not access.can_create(world.reader, Organization)

    def test_partner_changes_own_organization_not_another(self, world):
        assert access.can_change(world.partner_a_user, world.org_a)
        assert not access.can_change(world.partner_a_user, world.org_b)
        assert not access.can_change(world.partner_a_user, world.partnership_a)
        assert not access.can_delete(world.partner_a_user, world.person_a)

    def test_partner_creates_people_but_not_organizations(self, world):
        assert access.can_create(world.partner_a_user, Person)
        assert not access.can_create(world.partner_a_user, Organization)
