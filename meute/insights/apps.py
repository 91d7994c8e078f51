from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "meute.insights"
    label = "insights"
    verbose_name = _("Insights: health, governance, satisfaction")

    def ready(self):
        from celery.schedules import crontab

        from meute.celery import app

        from . import audit  # noqa: F401  (registers audited models)

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "insights-health-snapshots",
            {
                "task": "meute.insights.tasks.snapshot_health_task",
                "schedule": crontab(hour=5, minute=0, day_of_week=1),
            },
        )
        app.conf.beat_schedule = schedule
