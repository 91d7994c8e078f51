"""Personal data in notifications: those addressed to the subject's logins are exported, and erased; all
of them are purged after the retention in days of ``MEUTE_RETENTION_NOTIFICATION_DAYS``."""

from meute.core.privacy import Source, register_source
from meute.core.retention import Retention, register_retention

from .models import EmailOptOut, Notification


def export_notifications(subject):
    return list(
        Notification.objects.filter(recipient__in=subject.users)
        .order_by("created_at")
        .values("kind", "title", "body", "url", "created_at", "read_at")
    )


def export_email_choices(subject):
    return list(EmailOptOut.objects.filter(user__in=subject.users).order_by("kind").values("kind"))


def erase_notifications(subject):
    deleted, _per_model = Notification.objects.filter(recipient__in=subject.users).delete()
    return deleted


def erase_email_choices(subject):
    """The kinds of e-mail a person turned off say something about them; the login stays, inactive."""
    deleted, _per_model = EmailOptOut.objects.filter(user__in=subject.users).delete()
    return deleted


def old_notifications(cutoff):
    return Notification.objects.filter(created_at__lt=cutoff)


def register():
    register_source(Source("notifications", export_notifications, erase_notifications))
    register_source(Source("email_choices", export_email_choices, erase_email_choices))
    register_retention(
        Retention("notifications", "MEUTE_RETENTION_NOTIFICATION_DAYS", 180, old_notifications)
    )
