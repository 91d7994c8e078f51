from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "meute.programs"
    label = "programs"
    verbose_name = _("Partner programmes and tiers")

    def ready(self):
        from celery.schedules import crontab

        from meute.celery import app
        from meute.notifications.messages import register_renderer

        from . import audit  # noqa: F401  (registers audited models)
        from .evaluation import TIER_CHANGE_RENDERER, render_tier_change

        # A tier change's notification explains it in the reader's language.
        register_renderer(TIER_CHANGE_RENDERER, render_tier_change)

        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "programs-tier-rules-in-force",
            {
                "task": "meute.programs.tasks.bring_tier_rules_into_force_task",
                "schedule": crontab(hour=0, minute=5),
            },
        )
        app.conf.beat_schedule = schedule

        from . import privacy

        privacy.register()  # ambassador contacts in `meute privacy export / erase`
