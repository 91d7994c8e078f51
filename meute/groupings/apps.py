from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupingsConfig(AppConfig):
    """Groupings of members ("Réussir Ensemble"): profiles, matchmaking, groupings and their checklist."""

    name = "meute.groupings"
    verbose_name = _("Groupings of members")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from meute.lib import rights

        from . import audit, groupings, signals  # noqa: F401  (registers audited models, connects the receivers)

        rights.register_role(rights.COORDINATOR, groupings.coordinates_record)
