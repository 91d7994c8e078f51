from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "meute.programs"
    label = "programs"
    verbose_name = _("Partner programmes and tiers")

    def ready(self):
        from . import audit  # noqa: F401  (registers audited models)
