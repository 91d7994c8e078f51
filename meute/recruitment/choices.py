from django.db import models
from django.utils.translation import gettext_lazy as _


class AttributeKind(models.TextChoices):
    NUMBER = "number", _("Number")
    CHOICE = "choice", _("Choice")
    MULTI_CHOICE = "multi_choice", _("Multiple choice")
    TEXT = "text", _("Text")
    BOOLEAN = "boolean", _("Yes / no")


class ProfileKind(models.TextChoices):
    IDEAL = "ideal", _("Ideal partner (fit against stated targets)")
    LOOKALIKE = "lookalike", _("Look-alike (similarity to reference partners)")


class Stage(models.TextChoices):
    """The recruitment pipeline, in the order a candidate usually goes through it (seeds 001 §3 and 003)."""

    IDENTIFIED = "identified", _("Identified")
    CONTACTED = "contacted", _("Contacted")
    MEETING = "meeting", _("Meeting")
    QUALIFIED = "qualified", _("Qualified")
    LETTER_OF_INTENT = "letter_of_intent", _("Letter of intent")
    BUSINESS_PLAN = "business_plan", _("Business plan")
    TRIAL = "trial", _("Trial period")
    CONTRACT = "contract", _("Contract signed")
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Lost or withdrawn")
    EXITED = "exited", _("Exited")


class Pillar(models.TextChoices):
    """The four pillars of a lasting fit (seed 004), the groups of the qualification grid."""

    TECHNICAL = "technical", _("Core business, markets, technologies, skills, sales force")
    HUMAN = "human", _("Human fit")
    COMMITMENT = "commitment", _("Commitment")
    DURABILITY = "durability", _("Ability to last")


class ActivityKind(models.TextChoices):
    CALL = "call", _("Call")
    EMAIL = "email", _("E-mail")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", _("Note")
