from auditlog.registry import auditlog

from .models import ActivityDeal, Claim, FundAllocation, FundEntry, FundRequest, ProofFile, TierFundRule

for model in (TierFundRule, FundAllocation, FundEntry, FundRequest, Claim, ProofFile, ActivityDeal):
    auditlog.register(model)
