from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    """The involvement assessment, the advisor over the eight collaboration models, playbooks, term sheets."""

    name = "meute.collaboration"
    label = "collaboration"
    verbose_name = _("Collaboration models")

    def ready(self):
        from . import audit  # noqa: F401  (registers audited models)
