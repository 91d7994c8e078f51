from auditlog.registry import auditlog

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

for model in (
    Campaign,
    CampaignParticipant,
    CampaignAction,
    CampaignTask,
    BudgetLine,
    MarketingCooperation,
    MarketingSubPlan,
    PlanAction,
):
    auditlog.register(model)
