"""Scheduled work of enablement (run in-process unless a Celery broker is configured)."""

from celery import shared_task


@shared_task
def remind_expiring_task() -> int:
    """Daily: remind the holders of certifications that end soon (each reminder sent once)."""
    from .certifications import remind_expiring

    return remind_expiring().sent


@shared_task
def announcement_digest_task() -> int:
    """Weekly: e-mail each partner user the announcements and promotions published for them since."""
    from .library import send_digests

    return send_digests()
