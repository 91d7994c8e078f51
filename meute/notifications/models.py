from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from meute.lib.models import BusinessModel, VisibleQuerySet

from .messages import render


class NotificationQuerySet(VisibleQuerySet):
    def visible_to(self, user):
        """A notification is personal: everyone, staff included, sees only their own."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient=user)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(BusinessModel):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    # Title and body as message ids and parameters (meute.notifications.messages), written in the reader's
    # language when read; ``title`` and ``body`` keep the text in the sender's language (e-mail, old rows).
    title_parts = models.JSONField(_("title (every language)"), null=True, blank=True, editable=False)
    body_parts = models.JSONField(_("message (every language)"), null=True, blank=True, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["recipient", "-created_at"], name="notification_recent_idx"),
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the active language (the frozen text for rows written before the parts)."""
        return render(self.title_parts) if self.title_parts else self.title

    @property
    def display_body(self) -> str:
        return render(self.body_parts) if self.body_parts else self.body

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class EmailOptOutQuerySet(VisibleQuerySet):
    def visible_to(self, user):
        """A preference is personal: everyone, staff included, sees only their own."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(user=user)


class EmailOptOut(BusinessModel):
    """A kind of notification whose e-mail copy a user turned off; it still appears in the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="email_opt_outs",
    )
    kind = models.CharField(_("kind"), max_length=40, blank=True)

    objects = EmailOptOutQuerySet.as_manager()

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        ordering = ["user", "kind"]
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once_per_kind")]

    def __str__(self):
        return f"{self.user} – {self.kind or '-'}"
