from django.contrib import admin
from django.urls import include, path

from meute.campaigns import urls as campaigns_urls
from meute.collaboration import urls as collaboration_urls
from meute.enablement import urls as enablement_urls
from meute.funds import urls as funds_urls
from meute.groupings import urls as groupings_urls
from meute.remuneration import urls as remuneration_urls

# A grouping's pages, its advice and its payouts share the /groupings/ prefix and the "groupings" namespace.
grouping_pages = [
    path("", include(groupings_urls)),
    path("", include(collaboration_urls)),
    path("payouts/", include(remuneration_urls)),
]

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("meute.api_urls")),
    path("partnerships/", include("meute.partnerships.urls")),
    path("deals/", include("meute.deals.urls")),
    path("leads/", include("meute.leads.urls")),
    path("programs/", include("meute.money.urls")),
    path("programs/", include("meute.agreements.urls")),
    path("programs/", include("meute.locator.urls")),
    path("programs/", include(enablement_urls.programme_pages)),
    path("enablement/", include("meute.enablement.urls")),
    path("funds/", include(funds_urls)),
    path("campaigns/", include(campaigns_urls)),
    path("recruitment/", include("meute.recruitment.urls")),
    path("programs/", include("meute.programs.urls")),
    path("groupings/", include((grouping_pages, "groupings"))),
    path("insights/", include("meute.insights.urls")),
    path("notifications/", include("meute.notifications.urls")),
    path("", include("meute.home.urls")),
    path("", include("meute.core.urls")),
]
