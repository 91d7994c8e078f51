from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "meute.campaigns"
    label = "campaigns"
    verbose_name = _("Joint campaigns and marketing cooperations")

    def ready(self):
        from . import audit  # noqa: F401  (registers audited models)
