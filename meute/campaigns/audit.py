from auditlog.registry import auditlog

from .models import (
    BudgetLine,
    Campaign,
    CampaignAction,
    CampaignParticipant,
    CampaignTask,
    EventRegistration,
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
    EventRegistration,
    MarketingCooperation,
    MarketingSubPlan,
    PlanAction,
):
    auditlog.register(model)
