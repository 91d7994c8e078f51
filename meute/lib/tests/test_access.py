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


@pytest.mark.django_db
class TestEachRoleAtTheEdges:
    """One row per role and right, the expected answers written out: a changed condition shows here."""

    def test_create(self, world):
        from django.contrib.auth.models import AnonymousUser

        expected = {
            "admin": (True, True),
            "manager": (True, True),
            "reader": (False, False),
            "partner_a_user": (False, True),
        }
        for role, answers in expected.items():
            user = getattr(world, role)
            assert (access.can_create(user, Organization), access.can_create(user, Person)) == answers, role
        assert not access.can_create(AnonymousUser(), Person)
        assert not access.can_create(None, Person)

    def test_change_and_delete(self, world):
        expected = {
            # (change org A, change person B, delete person A)
            "admin": (True, True, True),
            "manager": (True, True, True),
            "reader": (False, False, False),
            "partner_a_user": (True, False, False),
            "partner_b_user": (False, True, False),
        }
        for role, answers in expected.items():
            user = getattr(world, role)
            found = (
                access.can_change(user, world.org_a),
                access.can_change(user, world.person_b),
                access.can_delete(user, world.person_a),
            )
            assert found == answers, role

    def test_an_inactive_editor_loses_every_right(self, world):
        for user in (world.admin, world.manager):
            user.is_active = False
            assert not access.can_create(user, Organization)
            assert not access.can_change(user, world.org_a)
            assert not access.can_delete(user, world.person_a)

    def test_an_inactive_partner_user_changes_nothing(self, world):
        world.partner_a_user.is_active = False
        assert not access.can_change(world.partner_a_user, world.org_a)

    def test_require_refuses_only_what_is_not_allowed(self):
        from django.core.exceptions import PermissionDenied

        assert access.require(True) is None
        with pytest.raises(PermissionDenied):
            access.require(False)
