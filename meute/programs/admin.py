from meute.lib.admin import register_read_only

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

register_read_only(
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
