from django.db import models
from django.utils.translation import gettext_lazy as _


class LabelKind(models.TextChoices):
    RULE = "rule", _("Awarded by rule")
    MANUAL = "manual", _("Awarded by hand")


class EnquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    FORWARDED = "forwarded", _("Forwarded to the partner")
    CLOSED = "closed", _("Closed")
