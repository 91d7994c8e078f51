import pytest

from meute.core.factories import OrganizationFactory
from meute.core.filters import OrganizationFilter
from meute.core.models import Organization
from meute.partnerships.choices import LifecycleStage, PartnershipStatus
from meute.partnerships.summary import STAGE_BITS, STATUS_BITS, refresh_partnership_summary


def filtered(**params):
    return set(OrganizationFilter(params, queryset=Organization.objects.all()).qs)


@pytest.mark.django_db
class TestPartnershipSummary:
    def test_masks_follow_partnership_changes(self, world):
        world.org_a.refresh_from_db()
        assert world.org_a.partnership_stages == STAGE_BITS[LifecycleStage.ONBOARDING]
        assert world.org_a.partnership_statuses == STATUS_BITS[PartnershipStatus.ACTIVE]
        world.partnership_a.stage = LifecycleStage.SUPPORT
        world.partnership_a.save()
        world.org_a.refresh_from_db()
        assert world.org_a.partnership_stages == STAGE_BITS[LifecycleStage.SUPPORT]

    def test_operator_combines_all_its_partnerships(self, world):
        world.operator.refresh_from_db()
        expected = STAGE_BITS[LifecycleStage.ONBOARDING] | STAGE_BITS[LifecycleStage.RECRUITMENT]
        assert world.operator.partnership_stages == expected

    def test_directory_filters_read_the_masks(self, world):
        assert filtered(stage="onboarding") == {world.operator, world.org_a}
        assert filtered(status="prospect") == {world.operator, world.org_b}
        assert filtered(stage="support") == set()

    def test_removing_a_party_clears_its_mask(self, world):
        third = OrganizationFactory()
        seat = world.partnership_a.parties.create(organization=third)
        third.refresh_from_db()
        assert third.partnership_statuses == STATUS_BITS[PartnershipStatus.ACTIVE]
        seat.delete()
        third.refresh_from_db()
        assert third.partnership_statuses == 0

    def test_bulk_refresh_recomputes_everything(self, world):
        Organization.objects.update(partnership_stages=0, partnership_statuses=0)
        refresh_partnership_summary()
        world.org_b.refresh_from_db()
        assert world.org_b.partnership_stages == STAGE_BITS[LifecycleStage.RECRUITMENT]
