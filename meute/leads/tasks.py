"""Scheduled work of lead distribution (run in-process unless a Celery broker is configured)."""

from celery import shared_task

from .workflow import expire_offers, route_new


@shared_task
def expire_offers_task() -> int:
    """Every 15 minutes: offers past their deadline time out and their leads go to the next partner."""
    return expire_offers()


@shared_task
def route_new_leads_task() -> list:
    return list(route_new())
