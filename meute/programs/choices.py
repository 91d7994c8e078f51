from django.db import models
from django.utils.translation import gettext_lazy as _


class CostCategory(models.TextChoices):
    PROSPECTION = "prospection", _("Prospection")
    RECRUITMENT = "recruitment", _("Recruitment")
    ONBOARDING = "onboarding", _("Onboarding")
    SUPPORT = "support", _("Support")
    ANIMATION = "animation", _("Animation")


class CertifiedRole(models.TextChoices):
    """The roles tier requirements count certified people in."""

    SALES = "sales", _("Sales")
    CONSULTANT = "consultant", _("Consultant")
    PRESALES = "presales", _("Pre-sales")
    TECHNICAL = "technical", _("Technical")
    SUPPORT = "support", _("Support")


class RevenueSource(models.TextChoices):
    PARTNER_REPORT = "partner_report", _("Partner report")
    IMPORT = "import", _("Import")
    API = "api", _("API")
    MANUAL = "manual", _("Entered by hand")


class FigureStatus(models.TextChoices):
    """A partner's declared figure counts toward tiers and labels once staff verify it."""

    DECLARED = "declared", _("Declared, waiting for verification")
    VERIFIED = "verified", _("Verified")
    REJECTED = "rejected", _("Rejected")


class ChangeKind(models.TextChoices):
    PROMOTION = "promotion", _("Promotion")
    DEMOTION = "demotion", _("Demotion")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    AUTO_APPLIED = "auto_applied", _("Applied automatically")
    REJECTED = "rejected", _("Rejected")
    SUPERSEDED = "superseded", _("Superseded")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    VALIDATED = "validated", _("Validated")
    SIGNED = "signed", _("Contract signed")
    CLOSED = "closed", _("Closed")


class ObjectiveKind(models.TextChoices):
    REVENUE = "revenue", _("Revenue")
    NEW_CUSTOMERS = "new_customers", _("New customers")
    CERTIFIED_PEOPLE = "certified_people", _("Certified people")
    CUSTOM = "custom", _("Custom metric")


# Metric codes with a meaning of their own for tier requirements.
WON_DEALS = "won_deals"
SATISFACTION = "satisfaction"
