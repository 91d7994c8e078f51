from django.db import models
from django.utils.translation import gettext_lazy as _


class DealStage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved (protected)")
    REJECTED = "rejected", _("Rejected")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    EXPIRED = "expired", _("Expired")


# Stages in which a registration still claims its customer.
OPEN_STAGES = (DealStage.SUBMITTED, DealStage.APPROVED)


class MatchLevel(models.TextChoices):
    DISTINCT = "distinct", _("No conflict")
    POSSIBLE = "possible", _("Possible conflict")
    SAME = "same", _("Conflict")


class DealPartyRole(models.TextChoices):
    RESELLER = "reseller", _("Reseller")
    DISTRIBUTOR = "distributor", _("Distributor")
    REFERRER = "referrer", _("Referrer")
    INTEGRATOR = "integrator", _("System integrator")
    GROUPING_MEMBER = "grouping_member", _("Grouping member")


class Currency(models.TextChoices):
    EUR = "EUR", "EUR"
    USD = "USD", "USD"
    GBP = "GBP", "GBP"
    CHF = "CHF", "CHF"
