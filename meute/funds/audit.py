from auditlog.registry import auditlog

from .models import ActivityDeal, Claim, FundAllocation, FundEntry, FundRequest, ProofFile

for model in (FundAllocation, FundEntry, FundRequest, Claim, ProofFile, ActivityDeal):
    auditlog.register(model)
