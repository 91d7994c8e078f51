from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GroupingsConfig(AppConfig):
    """Groupings of members ("Réussir Ensemble"): profiles, matchmaking, models, playbooks, payouts."""

    name = "meute.groupings"
    verbose_name = _("Groupings and collaboration models")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit, audit_advice, audit_payouts  # noqa: F401  (register the audited models)
