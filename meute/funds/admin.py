from meute.lib.admin import register_read_only

from .models import ActivityDeal, Claim, FundAllocation, FundEntry, FundRequest, ProofFile

# The workflow owns these: allocations, the ledger, requests and claims change only through its functions.
register_read_only(FundAllocation, FundEntry, FundRequest, Claim, ProofFile, ActivityDeal)
