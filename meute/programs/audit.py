from auditlog.registry import auditlog

from .models import (
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
)

for model in (
    Program,
    ProgramPartnerType,
    ProgramCost,
    Tier,
    PartnerTier,
    TierChange,
    RevenueRecord,
    PartnerMetric,
    CertifiedPerson,
    BusinessPlan,
    BusinessPlanVersion,
    Objective,
):
    auditlog.register(model)

from .models import Agreement, AgreementAcceptance, AgreementSetting, Ambassador, Enquiry, Label, LabelAward, LocatorProfile  # noqa: E402

for model in (Agreement, AgreementAcceptance, AgreementSetting, Ambassador, Label, LabelAward, LocatorProfile, Enquiry):
    auditlog.register(model)
