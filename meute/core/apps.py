from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "meute.core"
    label = "core"
    verbose_name = _("Partners and people")

    def ready(self):
        from django.db.models.signals import post_migrate

        from meute.lib import api_serializers  # noqa: F401  (date-times of model serializers from 1900)
        from meute.lib.search import ensure_sqlite_indexes

        from . import audit, checks, signals  # noqa: F401  (audited models, system checks, receivers)

        post_migrate.connect(ensure_sqlite_indexes, sender=self)

        from celery.schedules import crontab

        from meute.celery import app

        from . import retention  # noqa: F401  (expired tokens and login attempts in `meute privacy purge`)

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "core-retention-purge",
            {"task": "meute.core.tasks.purge_task", "schedule": crontab(hour=3, minute=40)},
        )
        app.conf.beat_schedule = schedule
