"""Limits on requests that could be abused: one budget per requester, from a setting, staff exempt.

The conflict hint answers "is this customer already claimed?". Asked thousands of times, it would let a
partner map the customer base of the others, so partner organisations get a budget per minute (shared by
all their users, in the UI and the API). The public locator's enquiry form gets a budget per visitor
address. Staff are never limited.
"""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class SettingRateThrottle(SimpleRateThrottle):
    """A rate such as "30/min" read from the setting ``rate_setting`` (empty: no limit)."""

    rate_setting = ""

    def get_rate(self):
        return getattr(settings, self.rate_setting) or None

    def requester(self, request) -> str:
        return self.get_ident(request)

    def get_cache_key(self, request, view):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff_member:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.requester(request)}


class ConflictCheckThrottle(SettingRateThrottle):
    scope = "conflict-check"
    rate_setting = "MEUTE_CONFLICT_CHECK_RATE"

    def requester(self, request) -> str:
        user = request.user
        return f"org-{user.organization_id}" if user.is_authenticated else self.get_ident(request)


class EnquiryThrottle(SettingRateThrottle):
    """Enquiries per visitor address from the public partner locator (``MEUTE_ENQUIRY_RATE``)."""

    scope = "locator-enquiry"
    rate_setting = "MEUTE_ENQUIRY_RATE"


class PasswordResetThrottle(SettingRateThrottle):
    """Password-reset e-mails per e-mail address (``MEUTE_PASSWORD_RESET_RATE``), whoever asks.

    The budget is kept whether or not an account has the address, so the refusal tells nothing about
    which addresses have accounts.
    """

    scope = "password-reset"
    rate_setting = "MEUTE_PASSWORD_RESET_RATE"

    def __init__(self, address: str):
        super().__init__()
        self.address = address.strip().lower()

    def get_cache_key(self, request, view):
        digest = hashlib.sha256(self.address.encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}
