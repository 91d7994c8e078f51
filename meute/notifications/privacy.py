"""Personal data in notifications: those addressed to the subject's logins are exported, and erased."""

from meute.core.privacy import Source, register_source

from .models import Notification


def export_notifications(subject):
    return list(
        Notification.objects.filter(recipient__in=subject.users)
        .order_by("created_at")
        .values("kind", "title", "body", "url", "created_at", "read_at")
    )


def erase_notifications(subject):
    deleted, _per_model = Notification.objects.filter(recipient__in=subject.users).delete()
    return deleted


def register():
    register_source(Source("notifications", export_notifications, erase_notifications))
