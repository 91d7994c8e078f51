from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MoneyConfig(AppConfig):
    name = "meute.money"
    label = "money"
    verbose_name = _("Currencies and exchange rates")

    def ready(self):
        from . import audit  # noqa: F401  (registers audited models)
