from django.contrib import admin
from django.urls import include, path

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
    path("programs/", include("meute.programs.urls")),
    path("groupings/", include("meute.groupings.urls")),
    path("notifications/", include("meute.notifications.urls")),
    path("", include("meute.home.urls")),
    path("", include("meute.core.urls")),
]
