from django.db import models
from django.utils.translation import gettext_lazy as _

# The directory keeps each organisation's stages and statuses on the organisation (core), so these two
# are defined there; a partnership's fields use them from here.
from meute.core.choices import LifecycleStage, PartnershipStatus  # noqa: F401


class PartnershipKind(models.TextChoices):
    CHANNEL = "channel", _("Channel partnership")
    GROUPING = "grouping", _("Grouping of members")


class CollaborationModel(models.TextChoices):
    """A plain channel agreement, then the 8 collaboration models, simplest to most integrated."""

    CHANNEL_AGREEMENT = "channel_agreement", _("Channel agreement")
    REFERRAL = "referral", _("Referral")
    JOINT_CAMPAIGN = "joint_campaign", _("Joint campaign")
    MARKETING_COOPERATION = "marketing_cooperation", _("Marketing cooperation")
    PARTIAL_SALES_INTEGRATION = "partial_sales_integration", _("Partial sales integration")
    TECHNOLOGY_INTEGRATION = "technology_integration", _("Technology integration")
    OEM = "oem", _("OEM")
    GIE = "gie", _("Economic interest grouping (GIE)")
    CROSS_SHAREHOLDING = "cross_shareholding", _("Cross-shareholding")


class GroupingLevel(models.TextChoices):
    PACK = "pack", _("Pack")
    TRIBE = "tribe", _("Tribe")
    EXTENDED_ORGANIZATION = "extended_organization", _("Extended organisation")


class PartyRole(models.TextChoices):
    OPERATOR = "operator", _("Operator")
    PARTNER = "partner", _("Partner")
    COORDINATOR = "coordinator", _("Coordinator")
    PROJECT_LEAD = "project_lead", _("Project lead")
    MEMBER = "member", _("Member")


class InvolvementLevel(models.TextChoices):
    OCCASIONAL = "occasional", _("Occasional")
    REGULAR = "regular", _("Regular")
    COMMITTED = "committed", _("Committed")
    INTEGRATED = "integrated", _("Integrated")
