from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnablementConfig(AppConfig):
    name = "meute.enablement"
    label = "enablement"
    verbose_name = _("Enablement: onboarding, training and certifications")

    def ready(self):
        from celery.schedules import crontab

        from meute.celery import app
        from meute.programs.certifications import register_source

        from . import (
            audit,  # noqa: F401  (registers audited models)
            signals,  # noqa: F401  (journeys follow partnerships, deals and agreements)
        )
        from .certifications import CertifiedPeople

        # Tier evaluation, plans, labels and lead routing count the certified people kept here.
        register_source(CertifiedPeople())

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "enablement-certification-reminders",
            {"task": "meute.enablement.tasks.remind_expiring_task", "schedule": crontab(hour=6, minute=30)},
        )
        schedule.setdefault(
            "enablement-announcement-digest",
            {
                "task": "meute.enablement.tasks.announcement_digest_task",
                "schedule": crontab(hour=7, minute=0, day_of_week=1),
            },
        )
        app.conf.beat_schedule = schedule

        from . import privacy

        privacy.register()  # training records in `meute privacy export / erase`
