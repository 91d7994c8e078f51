from django.urls import include, path

app_name = "groupings"

urlpatterns = [
    path("", include("meute.groupings.urls_groupings")),
    path("", include("meute.groupings.urls_advice")),
    path("payouts/", include("meute.groupings.urls_payouts")),
]
