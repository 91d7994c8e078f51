from meute.lib.admin import register_read_only

from .models import (
    BudgetLine,
    Campaign,
    CampaignAction,
    CampaignParticipant,
    CampaignTask,
    MarketingCooperation,
    MarketingSubPlan,
    PlanAction,
)

# Their rules (budget split, 12-month minimum) live in ``planning``: the pages and the API change them.
register_read_only(
    Campaign,
    CampaignParticipant,
    CampaignAction,
    CampaignTask,
    BudgetLine,
    MarketingCooperation,
    MarketingSubPlan,
    PlanAction,
)
