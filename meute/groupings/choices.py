from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ClientType(models.TextChoices):
    LARGE_COMPANIES = "large_companies", _("Large companies")
    MID_SIZED = "mid_sized", _("Mid-sized companies")
    SMES = "smes", _("Small and medium businesses")
    VERY_SMALL = "very_small", _("Very small businesses")
    PUBLIC_SECTOR = "public_sector", _("Public sector")
    NON_PROFITS = "non_profits", _("Non-profits")
    INDIVIDUALS = "individuals", _("Individuals")


class Ambition(models.TextChoices):
    """What a member wants from a grouping, simplest to most integrated."""

    EXCHANGE_LEADS = "exchange_leads", _("Exchange leads and referrals")
    JOINT_MARKETING = "joint_marketing", _("Market together")
    JOINT_SELLING = "joint_selling", _("Sell together")
    JOINT_OFFER = "joint_offer", _("Build a joint offer")
    SHARED_RESOURCES = "shared_resources", _("Share resources and costs")
    LASTING_STRUCTURE = "lasting_structure", _("Build a lasting structure together")


class Availability(models.TextChoices):
    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    OCCASIONAL = "occasional", _("Occasionally")
    UNAVAILABLE = "unavailable", _("Not available at the moment")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("match proposal status", "Pending")
    ACCEPTED = "accepted", pgettext_lazy("match proposal status", "Accepted")
    DECLINED = "declined", pgettext_lazy("match proposal status", "Declined")
    WITHDRAWN = "withdrawn", pgettext_lazy("match proposal status", "Withdrawn")


class PillarKind(models.TextChoices):
    PILLAR = "pillar", _("Pillar")
    POINT = "point", _("Mandatory point")


class PillarStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed")
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
