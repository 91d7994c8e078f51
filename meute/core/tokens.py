"""API tokens: issued with a name and an expiry, checked on every API request, revoked by their owner.

A key is shown once, when it is issued; only its SHA-256 digest is stored, so a copy of the database
gives no usable key. Every token of a user is revoked when their password changes (``signals.py``) and
when they log out everywhere.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .models import ApiToken

# last_used_at is written at most once a minute per token: a busy script does not write on every request.
LAST_USE_PRECISION = dt.timedelta(minutes=1)
MAX_DAYS = 365


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue(user, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user`` valid ``days`` days (``MEUTE_API_TOKEN_DAYS`` by default): (token, key)."""
    days = settings.MEUTE_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"days must be between 1 and {MAX_DAYS}")
    key = secrets.token_hex(20)
    now = timezone.now()
    with transaction.atomic():
        # Expired tokens of the user are of no use any more: they go when a new one is issued.
        ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
        token = ApiToken.objects.create(
            user=user,
            name=(name or "").strip()[:100] or str(_("API")),
            prefix=key[:8],
            digest=digest(key),
            expires_at=now + dt.timedelta(days=days),
        )
    return token, key


def revoke(token: ApiToken) -> None:
    token.delete()


def revoke_all(user) -> int:
    """Revoke every token of ``user``; returns how many there were."""
    deleted, _per_model = ApiToken.objects.filter(user=user).delete()
    return deleted


class ExpiringTokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <key>``: a live, unexpired token of an active user, or 401."""

    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired: ask for a new one."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return token.user, token
