"""The REST API under /api/: every app's resources in one router, token auth, current user, schema, docs."""

from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.routers import DefaultRouter

from meute.agreements.api import urls as agreements_api
from meute.campaigns.api import urls as campaigns_api
from meute.collaboration.api import urls as collaboration_api
from meute.core.api import urls as core_api
from meute.core.api.views import ApiTokenViewSet, LogoutAllView, LogoutView, MeView, ObtainTokenView
from meute.deals.api import urls as deals_api
from meute.enablement.api import urls as enablement_api
from meute.funds.api import urls as funds_api
from meute.groupings.api import urls as groupings_api
from meute.insights.api import urls as insights_api
from meute.leads.api import urls as leads_api
from meute.lib.api_views import NotFoundView
from meute.locator.api import urls as locator_api
from meute.money.api import urls as money_api
from meute.notifications.api import urls as notifications_api
from meute.partnerships.api import urls as partnerships_api
from meute.programs.api import urls as programs_api
from meute.recruitment.api import urls as recruitment_api
from meute.remuneration.api import urls as remuneration_api

app_name = "api"

# The schema and the docs describe every operation: signed-in users only, unless MEUTE_PUBLIC_API_DOCS=true.
DOCS_ACCESS = {"permission_classes": [AllowAny] if settings.MEUTE_PUBLIC_API_DOCS else [IsAuthenticated]}

router = DefaultRouter()
router.register("auth/tokens", ApiTokenViewSet, basename="apitoken")
for app_router in (
    core_api.router,
    partnerships_api.router,
    deals_api.router,
    money_api.router,
    programs_api.router,
    agreements_api.router,
    locator_api.router,
    groupings_api.router,
    remuneration_api.router,
    collaboration_api.router,
    leads_api.router,
    enablement_api.router,
    funds_api.router,
    campaigns_api.router,
    recruitment_api.router,
    notifications_api.router,
    insights_api.router,
):
    router.registry.extend(app_router.registry)

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="token"),
    path("auth/logout/", LogoutView.as_view(), name="logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="logout-all"),
    path("me/", MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(**DOCS_ACCESS), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **DOCS_ACCESS), name="docs"),
    # ReDoc injects its styles and starts from an inline script: the one page whose policy allows them.
    path(
        "redoc/",
        csp_update(
            {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}
        )(SpectacularRedocView.as_view(url_name="api:schema", **DOCS_ACCESS)),
        name="redoc",
    ),
    *router.urls,
    # A path segment may hold an encoded line break, which "." does not match.
    re_path(r"^[\s\S]*/$", NotFoundView.as_view(), name="not-found"),
]
