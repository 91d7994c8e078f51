from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class LeadStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("lead status", "New")
    OFFERED = "offered", pgettext_lazy("lead status", "Offered")
    ACCEPTED = "accepted", pgettext_lazy("lead status", "Accepted")
    UNASSIGNED = "unassigned", pgettext_lazy("lead status", "Unassigned")
    CLOSED = "closed", pgettext_lazy("lead status", "Closed")


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
    PENDING = "pending", pgettext_lazy("lead offer status", "Awaiting answer")
    ACCEPTED = "accepted", pgettext_lazy("lead offer status", "Accepted")
    DECLINED = "declined", pgettext_lazy("lead offer status", "Declined")
    EXPIRED = "expired", pgettext_lazy("lead offer status", "Timed out")
    WITHDRAWN = "withdrawn", pgettext_lazy("lead offer status", "Withdrawn")


class RoutingTrigger(models.TextChoices):
    NEW = "new", _("New lead")
    DECLINE = "decline", _("Declined by the previous partner")
    TIMEOUT = "timeout", _("Previous offer timed out")
    MANUAL = "manual", _("Routed by staff")
