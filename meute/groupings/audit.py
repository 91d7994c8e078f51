from auditlog.registry import auditlog

from .models import GroupingCharter, MatchProposal, MemberProfile, PillarItem

# The match index is derived from the profile's own fields: it stays out of the history.
auditlog.register(MemberProfile, m2m_fields={"sectors", "territories"}, exclude_fields=["match_index"])
auditlog.register(MatchProposal)
auditlog.register(GroupingCharter)
auditlog.register(PillarItem)
