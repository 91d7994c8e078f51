"""Partner programmes, tiers with requirements and benefits, tier history, revenue, partner figures,
business plans and ambassadors.

Tier requirements are data (not code): ``meute.programs.tiering`` reads them. Every change to a tier's
requirements or benefits is kept as an effective-dated ``TierRuleVersion``, so a past evaluation stays
explainable by the rules in force on its date; a version may also be scheduled for a later date
(``meute.programs.rule_versions``). A package because the models of the capability exceed 900 lines:
one module per part of the programme.
"""

from .ambassadors import Ambassador, AmbassadorQuerySet
from .figures import (
    PartnerMetric,
    RevenueRecord,
    metric_value_problem,
)
from .plans import BusinessPlan, BusinessPlanVersion, Objective, ObjectiveQuerySet, PlanVersionQuerySet
from .programs import PERCENT, Program, ProgramCost, ProgramPartnerType, add_months
from .tiers import (
    BENEFIT_FIELDS,
    REQUIREMENT_FIELDS,
    PartnerTier,
    Tier,
    TierChange,
    TierRuleVersion,
    comparable_rules,
    record_rule_version,
    rule_values,
    same_rules,
)

__all__ = [
    "BENEFIT_FIELDS",
    "PERCENT",
    "REQUIREMENT_FIELDS",
    "Ambassador",
    "AmbassadorQuerySet",
    "BusinessPlan",
    "BusinessPlanVersion",
    "Objective",
    "ObjectiveQuerySet",
    "PartnerMetric",
    "PartnerTier",
    "PlanVersionQuerySet",
    "Program",
    "ProgramCost",
    "ProgramPartnerType",
    "RevenueRecord",
    "Tier",
    "TierChange",
    "TierRuleVersion",
    "add_months",
    "comparable_rules",
    "metric_value_problem",
    "record_rule_version",
    "rule_values",
    "same_rules",
]
