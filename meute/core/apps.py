from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "meute.core"
    label = "core"
    verbose_name = _("Partners and people")

    def ready(self):
        from . import audit, checks  # noqa: F401  (registers audited models and system checks)
