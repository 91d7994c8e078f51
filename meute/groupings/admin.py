from meute.lib.admin import register_read_only

from .models import GroupingCharter, MatchProposal, MemberProfile, PillarItem

register_read_only(GroupingCharter, MatchProposal, MemberProfile, PillarItem)
