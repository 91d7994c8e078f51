"""Scheduled work of deal registration (run in-process unless a Celery broker is configured)."""

from celery import shared_task

from .workflow import expire_protections


@shared_task
def expire_protections_task() -> int:
    """Daily: approved registrations whose protection ended become expired."""
    return expire_protections()
