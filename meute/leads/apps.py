from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "meute.leads"
    label = "leads"
    verbose_name = _("Lead distribution")

    def ready(self):
        from celery.schedules import crontab

        from meute.celery import app
        from meute.notifications.messages import register_renderer

        from . import audit  # noqa: F401  (registers audited models)
        from .workflow import UNASSIGNED_RENDERER, unassigned_summary

        # Notifications of leads left unassigned say why in the reader's language.
        register_renderer(UNASSIGNED_RENDERER, unassigned_summary)

        # Celery beat times out unanswered offers (and re-routes their leads) every quarter of an hour.
        schedule = dict(app.conf.beat_schedule or {})
        schedule.setdefault(
            "leads-expire-offers",
            {"task": "meute.leads.tasks.expire_offers_task", "schedule": crontab(minute="*/15")},
        )
        app.conf.beat_schedule = schedule

        from . import privacy

        privacy.register()  # lead contact fields in `meute privacy export / erase`
