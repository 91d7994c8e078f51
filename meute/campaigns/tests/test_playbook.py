"""The groupings' playbook items a record settles: a free-text note no longer makes them done."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from meute.campaigns import planning
from meute.campaigns.choices import SplitRule
from meute.campaigns.models import Campaign, CampaignParticipant, MarketingCooperation
from meute.collaboration import playbooks
from meute.collaboration.choices import PlaybookItemStatus
from meute.collaboration.models import PlaybookItem
from meute.partnerships.choices import CollaborationModel


def _item(grouping, model, key):
    return PlaybookItem.objects.create(partnership=grouping, model=model, key=key)


def test_budget_split_item_needs_a_campaign_whose_shares_sum_to_100(world):
    grouping = world.partnership_a
    item = _item(grouping, CollaborationModel.JOINT_CAMPAIGN, "campaign_budget_split")
    with pytest.raises(ValidationError, match="create the campaign first"):
        playbooks.update_item(world.manager, item, status=PlaybookItemStatus.DONE, notes="60 % + 30 %")
    item.refresh_from_db()
    assert item.status != PlaybookItemStatus.DONE
    campaign = Campaign(
        name="Joint",
        partnership=grouping,
        coordinator=world.org_a,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 2, 1),
        split_rule=SplitRule.SHARE,
    )
    planning.save_campaign(
        campaign,
        world.manager,
        [
            {"organization": world.org_a, "share_percent": Decimal("60")},
            {"organization": world.operator, "share_percent": Decimal("40")},
        ],
    )
    # A split changed behind the rules' back (60 % + 30 %) still does not settle the item.
    CampaignParticipant.objects.filter(campaign=campaign, organization=world.operator).update(
        share_percent=Decimal("30")
    )
    with pytest.raises(ValidationError, match="exactly 100"):
        playbooks.update_item(world.manager, item, status=PlaybookItemStatus.DONE)
    CampaignParticipant.objects.filter(campaign=campaign, organization=world.operator).update(
        share_percent=Decimal("40")
    )
    assert (
        playbooks.update_item(world.manager, item, status=PlaybookItemStatus.DONE).status
        == PlaybookItemStatus.DONE
    )


def test_twelve_month_item_needs_a_cooperation(world):
    grouping = world.partnership_a
    item = _item(grouping, CollaborationModel.MARKETING_COOPERATION, "coop_duration")
    with pytest.raises(ValidationError, match="12 months at least"):
        playbooks.update_item(world.manager, item, status=PlaybookItemStatus.DONE, notes="6 mois")
    cooperation = MarketingCooperation(
        name="Coop",
        partnership=grouping,
        coordinator=world.org_a,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    planning.save_cooperation(cooperation, world.manager, [world.org_a, world.operator])
    assert (
        playbooks.update_item(world.manager, item, status=PlaybookItemStatus.DONE).status
        == PlaybookItemStatus.DONE
    )
