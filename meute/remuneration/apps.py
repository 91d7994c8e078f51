from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemunerationConfig(AppConfig):
    """Remuneration rule versions of groupings and channel partnerships, payouts, statements, exports."""

    name = "meute.remuneration"
    label = "remuneration"
    verbose_name = _("Remuneration and payouts")

    def ready(self):
        from . import audit  # noqa: F401  (registers audited models)
