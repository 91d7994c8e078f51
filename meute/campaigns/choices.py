from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    CAMPAIGN = "campaign", _("Joint campaign")
    EVENT = "event", _("Joint customer event")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SplitRule(models.TextChoices):
    EQUAL = "equal", _("Equal shares")
    SHARE = "share", _("By share (%)")
    HEADCOUNT = "headcount", _("By headcount")


class ActionKind(models.TextChoices):
    EVENT = "event", _("Event")
    SEMINAR = "seminar", _("Seminar or conference")
    TRADE_SHOW = "trade_show", _("Trade show")
    EMAILING = "emailing", _("E-mailing")
    TELEMARKETING = "telemarketing", _("Telemarketing")
    COMMUNICATION = "communication", _("Joint communication")
    WEBINAR = "webinar", _("Webinar")
    OTHER = "other", _("Other")


class SubPlanKind(models.TextChoices):
    """The five plans of a marketing cooperation (seed 000, "Coopération et stratégie marketing")."""

    PROSPECTION = "prospection", _("Prospection plan")
    EVENTS = "events", _("Events plan")
    DIGITAL = "digital", _("Digital marketing plan")
    INSTITUTIONAL = "institutional", _("Institutional communication plan")
    OFFER = "offer", _("Offer marketing plan")


SUB_PLAN_HINTS = {
    SubPlanKind.PROSPECTION: _("The targets and the major marketing and sales actions."),
    SubPlanKind.EVENTS: _(
        "Trade fairs and shows, and own events: seminars, conferences, professional evenings."
    ),
    SubPlanKind.DIGITAL: _("Web activities, sites, social media, e-mailing."),
    SubPlanKind.INSTITUTIONAL: _(
        "Press and visibility tools: press kit, press releases, a presentation sheet of the grouping, its "
        "purpose and its members."
    ),
    SubPlanKind.OFFER: _(
        "A consistent presentation of the offer sold by the grouping, its benefits and its price."
    ),
}


# Actions that people attend: they take invitations and registrations.
EVENT_KINDS = frozenset({ActionKind.EVENT, ActionKind.SEMINAR, ActionKind.TRADE_SHOW, ActionKind.WEBINAR})


class RegistrationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    REGISTERED = "registered", _("Registered")
    DECLINED = "declined", _("Declined")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not come")
