from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LocatorConfig(AppConfig):
    name = "meute.locator"
    label = "locator"
    verbose_name = _("Labels and the public partner locator")

    def ready(self):
        from celery.schedules import crontab

        from meute.celery import app
        from meute.lib.commands import register_action

        from . import audit  # noqa: F401  (registers audited models)
        from .commands import LABELS_ACTION

        register_action("tiers", "labels", LABELS_ACTION)  # meute tiers labels [--label NAME]
        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "programs-evaluate-labels",
            {"task": "meute.locator.tasks.evaluate_labels_task", "schedule": crontab(hour=2, minute=20)},
        )
        app.conf.beat_schedule = schedule

        from . import privacy

        privacy.register()  # enquiries in `meute privacy export / erase`
