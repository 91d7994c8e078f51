from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnershipsConfig(AppConfig):
    name = "meute.partnerships"
    label = "partnerships"
    verbose_name = _("Partnerships")

    def ready(self):
        from . import audit, signals  # noqa: F401  (registers audited models and summary upkeep)
