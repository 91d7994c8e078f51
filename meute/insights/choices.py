from django.db import models
from django.utils.translation import gettext_lazy as _


class GovernanceLevel(models.TextChoices):
    """The three levels of a partnership's governance (seed 002 rule 4), highest first."""

    EXECUTIVE = "executive", _("Executive sponsors")
    ALLIANCE = "alliance", _("Alliance managers")
    OPERATIONAL = "operational", _("Operational")


# How often each level should meet, in days: the executive sponsors twice a year (not too often nor too
# early, seed 002 rule 3), the alliance managers every quarter, the operational teams every month.
CADENCE_DAYS = {
    GovernanceLevel.EXECUTIVE: 183,
    GovernanceLevel.ALLIANCE: 92,
    GovernanceLevel.OPERATIONAL: 31,
}


class IntegrationDepartment(models.TextChoices):
    """The departments of the extended enterprise (seed 001, section 6) whose two-way contacts count."""

    SALES = "sales", _("Sales")
    MARKETING = "marketing", _("Marketing")
    MANAGEMENT = "management", _("Management")
    ADMINISTRATION = "administration", _("Administration")
    TRAINING = "training", _("Training")
    TECHNICAL = "technical", _("Technical")


# A person's department (core) -> the integration department it counts for (pre-sales is sales).
DEPARTMENT_OF_PERSON = {
    "sales": IntegrationDepartment.SALES,
    "presales": IntegrationDepartment.SALES,
    "marketing": IntegrationDepartment.MARKETING,
    "management": IntegrationDepartment.MANAGEMENT,
    "administration": IntegrationDepartment.ADMINISTRATION,
    "training": IntegrationDepartment.TRAINING,
    "technical": IntegrationDepartment.TECHNICAL,
}


class InteractionKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    EMAIL = "email", _("E-mail")
    CALL = "call", _("Call")
    EVENT = "event", _("Event")


class Side(models.TextChoices):
    """Who started an exchange: two-way contact needs both."""

    PARTNER = "partner", _("Partner")
    OPERATOR = "operator", _("Vendor")


class QuestionKind(models.TextChoices):
    RECOMMEND = "recommend", _("Would recommend (0–10, NPS)")
    SCALE = "scale", _("Score from 0 to 10")
    TEXT = "text", _("Free text")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    CLOSED = "closed", _("Closed")


class FigureDimension(models.TextChoices):
    """What a pre-aggregated network figure is grouped by."""

    TIER = "tier", _("Tier")
    TYPE = "type", _("Partner type")
    TERRITORY = "territory", _("Territory")
    PIPELINE = "pipeline", _("Deal stage")
    COVERAGE = "coverage", _("Certification coverage by tier")
    JOURNEY = "journey", _("Onboarding journeys")
    HEALTH = "health", _("Health band")
    LOW = "low", _("Partnership in poor health")
