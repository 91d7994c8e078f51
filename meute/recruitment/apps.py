from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecruitmentConfig(AppConfig):
    name = "meute.recruitment"
    label = "recruitment"
    verbose_name = _("Profiling and recruitment")

    def ready(self):
        from . import (
            audit,  # noqa: F401  (registers audited models)
            privacy,
            signals,  # noqa: F401  (scoring's columns follow the organisations)
        )

        privacy.register()  # application contacts in `meute privacy export / erase`
