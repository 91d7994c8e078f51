"""Retention: what Meute keeps only for a while, purged by ``meute privacy purge`` and a daily beat task.

Each kind of data names the setting that holds its retention in days; 0 keeps it forever. Apps register
what they keep from their ``AppConfig.ready()`` (locator enquiries, notifications); core registers expired
API tokens and login attempts. ``purge`` deletes, per kind, the rows older than the cut-off, in one
transaction, and reports how many (or would, with ``dry_run``).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone


@dataclass(frozen=True)
class Retention:
    name: str
    setting: str  # days, in settings
    default_days: int
    older_than: Callable  # older_than(cutoff) -> the queryset(s) to delete


_KINDS: dict[str, Retention] = {}


def register_retention(retention: Retention) -> None:
    _KINDS[retention.name] = retention


def kinds() -> list[Retention]:
    return list(_KINDS.values())


def days_of(retention: Retention) -> int:
    return max(int(getattr(settings, retention.setting, retention.default_days) or 0), 0)


@dataclass(frozen=True)
class Purged:
    name: str
    days: int  # 0: kept forever
    count: int


def purge(now: datetime.datetime | None = None, dry_run: bool = False) -> list[Purged]:
    now = now or timezone.now()
    results = []
    with transaction.atomic():
        for retention in _KINDS.values():
            days = days_of(retention)
            if days == 0:
                results.append(Purged(retention.name, 0, 0))
                continue
            querysets = retention.older_than(now - datetime.timedelta(days=days))
            if not isinstance(querysets, list | tuple):
                querysets = [querysets]
            if dry_run:
                count = sum(queryset.count() for queryset in querysets)
            else:
                count = sum(queryset.delete()[0] for queryset in querysets)
            results.append(Purged(retention.name, days, count))
    return results


# Core's own kinds.


def _expired_tokens(cutoff):
    from .models import ApiToken

    return ApiToken.objects.filter(expires_at__lt=cutoff)


def _login_attempts(cutoff):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    # A lock-out still running is never lifted by a purge, whatever the retention says.
    running = timezone.now() - settings.AXES_COOLOFF_TIME if settings.AXES_COOLOFF_TIME else None
    attempts_cutoff = min(cutoff, running) if running else cutoff
    return [
        AccessAttempt.objects.filter(attempt_time__lt=attempts_cutoff),
        AccessFailureLog.objects.filter(attempt_time__lt=cutoff),
        AccessLog.objects.filter(attempt_time__lt=cutoff),
    ]


register_retention(Retention("expired_api_tokens", "MEUTE_RETENTION_TOKEN_DAYS", 30, _expired_tokens))
register_retention(Retention("login_attempts", "MEUTE_RETENTION_LOGIN_DAYS", 30, _login_attempts))
