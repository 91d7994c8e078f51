from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundsConfig(AppConfig):
    name = "meute.funds"
    label = "funds"
    verbose_name = _("Market development funds")

    def ready(self):
        from . import audit  # noqa: F401  (registers audited models)
