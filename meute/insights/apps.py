from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def check_health_weights(app_configs=None, **kwargs):
    """MEUTE_HEALTH_WEIGHTS must name known checks with non-negative numbers, not all zero."""
    from django.conf import settings
    from django.core import checks

    from .health import check_weights

    raw = getattr(settings, "MEUTE_HEALTH_WEIGHTS", None) or {}
    try:
        check_weights({key: float(value) for key, value in raw.items()})
    except (TypeError, ValueError) as exc:
        return [checks.Error(f"MEUTE_HEALTH_WEIGHTS: {exc}", id="insights.E001")]
    return []


class InsightsConfig(AppConfig):
    name = "meute.insights"
    label = "insights"
    verbose_name = _("Insights: health, governance, satisfaction")

    def ready(self):
        from celery.schedules import crontab
        from django.core import checks

        from meute.celery import app

        from . import audit  # noqa: F401  (registers audited models)

        checks.register(check_health_weights)

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "insights-health-snapshots",
            {
                "task": "meute.insights.tasks.snapshot_health_task",
                "schedule": crontab(hour=5, minute=0, day_of_week=1),
            },
        )
        app.conf.beat_schedule = schedule

        from . import privacy

        privacy.register()  # survey answers in `meute privacy export / erase`
