"""Limits on questions that could be used to probe other partners' business.

The conflict hint answers "is this customer already claimed?". Asked thousands of times, it would let a
partner map the customer base of the others, so partner organisations get a budget per minute (shared by
all their users, in the UI and the API). Staff are not limited.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class ConflictCheckThrottle(SimpleRateThrottle):
    scope = "conflict-check"

    def get_rate(self):
        return settings.MEUTE_CONFLICT_CHECK_RATE or None

    def get_cache_key(self, request, view):
        user = request.user
        if user.is_authenticated and user.is_staff_member:
            return None
        ident = f"org-{user.organization_id}" if user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
