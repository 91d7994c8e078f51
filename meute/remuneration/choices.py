from django.db import models
from django.utils.translation import gettext_lazy, pgettext_lazy


class RuleKind(models.TextChoices):
    REFERRAL_FEE = "referral_fee", gettext_lazy("Referral fee")
    REVENUE_SHARE = "revenue_share", gettext_lazy("Percentage of revenue or margin")
    FIXED_AMOUNT = "fixed_amount", gettext_lazy("Fixed amount")
    ROLE_SPLIT = "role_split", gettext_lazy("Split by sales-cycle step")
    COMMISSION_POOL = "commission_pool", gettext_lazy("Commission pool (more than two members)")


class Basis(models.TextChoices):
    AMOUNT = "amount", gettext_lazy("Deal amount")
    MARGIN = "margin", gettext_lazy("Margin")


class SalesStep(models.TextChoices):
    PROSPECTION = "prospection", gettext_lazy("Prospection")
    QUALIFICATION = "qualification", gettext_lazy("Qualification")
    PROPOSAL = "proposal", gettext_lazy("Proposal")
    NEGOTIATION = "negotiation", gettext_lazy("Negotiation")
    CLOSING = "closing", gettext_lazy("Closing")
    DELIVERY = "delivery", gettext_lazy("Delivery")


class WeightSource(models.TextChoices):
    INVOLVEMENT = "involvement", gettext_lazy("Involvement level in the partnership")
    DEAL_SHARE = "deal_share", gettext_lazy("Share recorded on the deal")
    EXPLICIT = "explicit", gettext_lazy("Explicit weights")


class PayoutStatus(models.TextChoices):
    COMPUTED = "computed", pgettext_lazy("payout status", "Computed")
    APPROVED = "approved", pgettext_lazy("payout status", "Approved")
    PAID = "paid", pgettext_lazy("payout status", "Paid")
    ON_HOLD = "on_hold", pgettext_lazy("payout status", "On hold")
