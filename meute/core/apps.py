from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "meute.core"
    label = "core"
    verbose_name = _("Partners and people")

    def ready(self):
        from django.db.models.signals import post_migrate

        from meute.lib.search import ensure_sqlite_indexes

        from . import audit, checks, signals  # noqa: F401  (audited models, system checks, receivers)

        post_migrate.connect(ensure_sqlite_indexes, sender=self)
