from auditlog.registry import auditlog

from .models import (
    Ambassador,
    BusinessPlan,
    BusinessPlanVersion,
    CertifiedPerson,
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
    CertifiedPerson,
    BusinessPlan,
    BusinessPlanVersion,
    Objective,
    Ambassador,
):
    auditlog.register(model)
