from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "meute.agreements"
    label = "agreements"
    verbose_name = _("Programme agreements")

    def ready(self):
        from meute.lib.gates import register_gate

        from . import audit  # noqa: F401  (registers audited models)
        from .signing import agreement_gate

        register_gate(agreement_gate)  # partner pages wait for the current agreement to be accepted

        from . import privacy

        privacy.register()  # signatures in `meute privacy export / erase`
