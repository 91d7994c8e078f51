"""The demo funds and campaigns: allocations, requests in several states, claims paid, a campaign the demo
partner coordinates; idempotent."""

import pytest

from meute.campaigns.models import Campaign, MarketingCooperation
from meute.demo.campaigns import populate_demo as populate_campaigns
from meute.demo.dataset import ensure_demo_logins, generate
from meute.demo.funds import populate_demo as populate_funds
from meute.funds.choices import ClaimStatus, RequestStatus
from meute.funds.ledger import balance_of
from meute.funds.models import Claim, FundAllocation, FundRequest

pytestmark = pytest.mark.django_db


def test_demo_funds_and_campaigns():
    generate("small")
    logins = {login.username: login for login in ensure_demo_logins("pw-demo-123")}
    assert FundAllocation.objects.count() >= 10
    statuses = set(FundRequest.objects.values_list("status", flat=True))
    assert {
        RequestStatus.DRAFT,
        RequestStatus.SUBMITTED,
        RequestStatus.APPROVED,
        RequestStatus.CHANGES_REQUESTED,
    } <= statuses
    assert Claim.objects.filter(status=ClaimStatus.PAID).exists()
    for fund in FundAllocation.objects.all():
        assert balance_of(fund).available >= 0
    from meute.core.models import User

    partner = User.objects.get(username=logins["partner"].username)
    assert FundAllocation.objects.visible_to(partner).exists()
    assert FundRequest.objects.visible_to(partner).count() >= 3
    assert Campaign.objects.visible_to(partner).exists()
    cooperation = MarketingCooperation.objects.get()
    assert cooperation.sub_plans.count() == 5
    assert populate_funds() == {} and populate_campaigns() == {}
