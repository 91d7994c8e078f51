from django.db import models
from django.utils.translation import gettext_lazy as _


class UserRole(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    CHANNEL_MANAGER = "channel_manager", _("Channel manager")
    READ_ONLY = "read_only", _("Read-only")
    PARTNER = "partner", _("Partner user")


class PartnerType(models.TextChoices):
    RESELLER = "reseller", _("Reseller")
    REFERRER = "referrer", _("Referrer")
    TECHNOLOGY_PROVIDER = "technology_provider", _("Technology provider")
    SYSTEM_INTEGRATOR = "system_integrator", _("System integrator")
    DISTRIBUTOR = "distributor", _("Distributor")
    SOFTWARE_PUBLISHER = "software_publisher", _("Software publisher")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    VAR = "var", _("Value-added reseller (VAR)")
    INDEPENDENT = "independent", _("Independent professional")


class GrowthTrend(models.TextChoices):
    DECLINING = "declining", _("Declining")
    STABLE = "stable", _("Stable")
    GROWING = "growing", _("Growing")
    STRONG_GROWTH = "strong_growth", _("Strong growth")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro-enterprises (under 10)")
    SME = "sme", _("SMEs (10–249)")
    MID_MARKET = "mid_market", _("Mid-market (250–4,999)")
    LARGE = "large", _("Large enterprises (5,000+)")
    PUBLIC = "public", _("Public sector")


class Department(models.TextChoices):
    SALES = "sales", _("Sales")
    PRESALES = "presales", _("Pre-sales")
    MARKETING = "marketing", _("Marketing")
    MANAGEMENT = "management", _("Management")
    ADMINISTRATION = "administration", _("Administration")
    TRAINING = "training", _("Training")
    TECHNICAL = "technical", _("Technical")


class PersonRole(models.TextChoices):
    EXECUTIVE = "executive", _("Executive")
    ALLIANCE_MANAGER = "alliance_manager", _("Alliance manager")
    MANAGER = "manager", _("Manager")
    SALES_REP = "sales_rep", _("Sales representative")
    CONSULTANT = "consultant", _("Consultant")
    ENGINEER = "engineer", _("Engineer")
    MARKETER = "marketer", _("Marketer")
    TRAINER = "trainer", _("Trainer")
    ASSISTANT = "assistant", _("Assistant")


class TerritoryKind(models.TextChoices):
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    ZONE = "zone", _("Zone")


class LifecycleStage(models.TextChoices):
    PROFILING = "profiling", _("Profiling")
    DESIGN = "design", _("Design")
    RECRUITMENT = "recruitment", _("Recruitment")
    ONBOARDING = "onboarding", _("Onboarding")
    SUPPORT = "support", _("Support")
    EXTENDED_ENTERPRISE = "extended_enterprise", _("Extended enterprise")


class PartnershipStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    TRIAL = "trial", _("Trial period")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ENDED = "ended", _("Ended")
