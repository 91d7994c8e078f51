from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealsConfig(AppConfig):
    name = "meute.deals"
    label = "deals"
    verbose_name = _("Deal registration")

    def ready(self):
        from celery.schedules import crontab

        from meute.celery import app
        from meute.core.importing import register_kind

        from . import audit  # noqa: F401  (registers audited models)
        from .accounts import import_accounts

        register_kind("accounts", import_accounts)  # meute import accounts FILE

        from . import privacy

        privacy.register()  # deal contact fields in `meute privacy export / erase`

        # Celery beat ends elapsed protections every night.
        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "deals-expire-protections",
            {"task": "meute.deals.tasks.expire_protections_task", "schedule": crontab(hour=1, minute=10)},
        )
        app.conf.beat_schedule = schedule
