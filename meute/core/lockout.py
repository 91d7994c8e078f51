"""Login protection: who is trying (the client's address) and what a locked-out client is answered.

Counting the failures and deciding the lock-out is django-axes' work (settings ``AXES_*``); this module only
says where the client's address comes from and renders the refusal: the login page's "locked out" page, or
the API's error format with status 429 on the token endpoint.
"""

import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request) -> str:
    """The requesting client's address: the one the reverse proxy saw when Meute runs behind one."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        # The proxy appends the address it received the request from: the last entry is the trusted one.
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR", "")


def lockout_minutes(request=None) -> int:
    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


def lockout_message(request=None) -> str:
    return _(
        "Too many failed login attempts for this account or from this address. "
        "Try again in %(minutes)d minutes, or reset your password."
    ) % {"minutes": lockout_minutes(request)}


def lockout_body(request=None) -> dict:
    return {"error": {"code": "locked_out", "message": lockout_message(request), "fields": {}}}


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out client gets (status 429): JSON under /api/, the "locked out" page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse(lockout_body(request), status=429)
    return render(
        request,
        "registration/locked_out.html",
        {"message": lockout_message(request), "minutes": lockout_minutes(request)},
        status=429,
    )


class LoginProtectionBackend(AxesStandaloneBackend):
    """django-axes' lock-out check for the logins a client sends (login page, admin, API token).

    ``authenticate()`` called without a request (``Client.login`` in tests, a script) is not a client's
    attempt: there is no address to count, so it is left to the other backends instead of raising.
    """

    def authenticate(self, request=None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
