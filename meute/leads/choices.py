from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadStatus(models.TextChoices):
    NEW = "new", _("New")
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    UNASSIGNED = "unassigned", _("Unassigned")
    CLOSED = "closed", _("Closed")


# Leads that still occupy a partner's capacity once accepted.
OPEN_LEAD_STATUSES = (LeadStatus.NEW, LeadStatus.OFFERED, LeadStatus.UNASSIGNED)


class LeadSource(models.TextChoices):
    WEBSITE = "website", _("Website form")
    EVENT = "event", _("Event")
    CAMPAIGN = "campaign", _("Marketing campaign")
    INBOUND = "inbound", _("Inbound call or e-mail")
    REFERRAL = "referral", _("Referral")
    OTHER = "other", _("Other")


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Timed out")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RoutingTrigger(models.TextChoices):
    NEW = "new", _("New lead")
    DECLINE = "decline", _("Declined by the previous partner")
    TIMEOUT = "timeout", _("Previous offer timed out")
    MANUAL = "manual", _("Routed by staff")
