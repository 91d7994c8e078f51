from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor


class StaffSecondFactorMiddleware:
    """With ``MEUTE_STAFF_2FA_REQUIRED``, staff without a second factor reach only the enrolment page.

    The API is left out on purpose: token requests carry no session, and tokens are issued to sessions that
    already went through this page (see ``twofactor``).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.MEUTE_STAFF_2FA_REQUIRED and not self._exempt(request.path_info):
            user = getattr(request, "user", None)
            if user is not None and twofactor.must_enrol(user):
                return redirect(reverse("two-factor") + "?required=1")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        allowed = (
            reverse("two-factor"),
            reverse("logout"),
            reverse("login"),
            reverse("login-code"),
            "/" + settings.STATIC_URL.lstrip("/"),
            "/i18n/",
            "/api/",
            "/healthz",
        )
        return path.startswith(allowed)
