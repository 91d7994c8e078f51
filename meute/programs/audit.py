from auditlog.registry import auditlog

from .models import (
    Ambassador,
    BusinessPlan,
    BusinessPlanVersion,
    Objective,
    PartnerMetric,
    PartnerTier,
    Program,
    ProgramCost,
    ProgramPartnerType,
    RevenueRecord,
    Tier,
    TierChange,
    TierRuleVersion,
)

for model in (
    Program,
    ProgramPartnerType,
    ProgramCost,
    Tier,
    PartnerTier,
    TierChange,
    TierRuleVersion,
    RevenueRecord,
    PartnerMetric,
    BusinessPlan,
    BusinessPlanVersion,
    Objective,
    Ambassador,
):
    auditlog.register(model)
