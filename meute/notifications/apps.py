from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications (with an e-mail copy) addressed to one user each."""

    name = "meute.notifications"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import privacy

        privacy.register()  # notifications in `meute privacy export / erase`
