from django.db import models
from django.utils.translation import gettext_lazy as _

# The roles courses are meant for and certifications count in are the programme's (tier requirements
# count certified people per role).
from meute.programs.choices import CertifiedRole  # noqa: F401


class StepOwner(models.TextChoices):
    """Who does an onboarding step: the partner's people, the vendor's (operator's), or both together."""

    PARTNER = "partner", _("Partner")
    VENDOR = "vendor", _("Vendor")
    BOTH = "both", _("Both")


class StepStatus(models.TextChoices):
    TODO = "todo", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    SKIPPED = "skipped", _("Not applicable")


class EvidenceKind(models.TextChoices):
    """What proves a step done: someone ticks it, or Meute sees it happen."""

    MANUAL = "manual", _("Ticked by its owner")
    AGREEMENT = "agreement", _("Programme agreement signed")
    COURSE = "course", _("A course completed by someone of the partner")
    CERTIFICATION = "certification", _("Someone of the partner certified")
    DEAL = "deal", _("A deal registered")


class JourneyStatus(models.TextChoices):
    ACTIVE = "active", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class FileKind(models.TextChoices):
    IMAGE = "image", _("Image")
    VIDEO = "video", _("Video")
    DOCUMENT = "document", _("Document")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("One answer")
    MULTIPLE = "multiple", _("Several answers")


class EnrolmentStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    ABSENT = "absent", _("Absent")


class CertificationSource(models.TextChoices):
    EARNED = "earned", _("Earned in Meute")
    IMPORTED = "imported", _("Imported from a learning platform")
    ENTERED = "entered", _("Entered by the operator")


class ContentKind(models.TextChoices):
    DOCUMENT = "document", _("Product documentation")
    PROCEDURE = "procedure", _("Procedure")
    PROGRAMME = "programme", _("Programme reminder")
    PROMOTION = "promotion", _("Promotion")
    ANNOUNCEMENT = "announcement", _("Product announcement")


class SupportKind(models.TextChoices):
    ALLIANCE_MANAGER = "alliance_manager", _("Alliance manager")
    AMBASSADOR = "ambassador", _("Ambassador")
    SALES = "sales", _("Sales support")
    TECHNICAL = "technical", _("Technical support")
    ADMINISTRATIVE = "administrative", _("Administrative support")


class ContentLanguage(models.TextChoices):
    """Languages content is written in (the interface itself speaks French and English)."""

    FR = "fr", _("French")
    EN = "en", _("English")
    ES = "es", _("Spanish")
    DE = "de", _("German")
    IT = "it", _("Italian")
    PT = "pt", _("Portuguese")
    NL = "nl", _("Dutch")


# The language partners of a country read first (with the interface's language), for content targeting.
COUNTRY_LANGUAGES = {
    "FR": "fr",
    "BE": "fr",
    "LU": "fr",
    "CH": "fr",
    "MC": "fr",
    "ES": "es",
    "MX": "es",
    "AR": "es",
    "DE": "de",
    "AT": "de",
    "IT": "it",
    "PT": "pt",
    "BR": "pt",
    "NL": "nl",
    "GB": "en",
    "IE": "en",
    "US": "en",
    "CA": "en",
}
