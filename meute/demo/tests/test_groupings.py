import random

import pytest

from meute.demo.dataset import generate
from meute.demo.groupings import populate_demo
from meute.groupings import matching
from meute.groupings.models import GroupingCharter, MatchProposal, MemberProfile, PillarItem
from meute.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_populate_demo_gives_profiles_checklists_and_proposals():
    generate("small")  # runs populate_demo with 20 proposals
    assert MemberProfile.objects.exists()
    groupings = Partnership.objects.filter(kind="grouping")
    assert PillarItem.objects.count() == 9 * groupings.count()
    assert GroupingCharter.objects.count() == groupings.count()
    tribe = groupings.exclude(grouping_level="pack").first()
    assert not PillarItem.objects.filter(partnership=tribe).exclude(status="met").exists()
    assert 0 < MatchProposal.objects.count() <= 20
    profile = MemberProfile.objects.filter(is_visible=True).select_related("organization").first()
    assert matching.suggestions_for(profile) is not None
    # A second call adds no second profile.
    profiles = MemberProfile.objects.count()
    again = populate_demo(random.Random(7), proposals=0)
    assert again["profiles"] == 0 and MemberProfile.objects.count() == profiles
