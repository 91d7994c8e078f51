"""System checks that refuse unsafe production settings (run by ``manage.py check --deploy``)."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def insecure_secret_key(app_configs, **kwargs):
    if settings.SECRET_KEY == settings.INSECURE_SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the insecure development default.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value.",
                id="meute.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def debug_in_production(app_configs, **kwargs):
    if settings.PRODUCTION and settings.DEBUG:
        return [Error("DEBUG must be off when MEUTE_ENV=production.", id="meute.E002")]
    return []
