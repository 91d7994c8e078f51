from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "meute.campaigns"
    label = "campaigns"
    verbose_name = _("Joint campaigns and marketing cooperations")

    def ready(self):
        from meute.collaboration.playbooks import register_settler

        from . import audit  # noqa: F401  (registers audited models)
        from .playbook import settle_budget_split, settle_cooperation_duration

        # The groupings' playbook items these records settle (a note is no longer enough).
        register_settler("campaign_budget_split", settle_budget_split)
        register_settler("coop_duration", settle_cooperation_duration)
