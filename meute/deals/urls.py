from django.urls import path

from . import views

urlpatterns = [
    path("", views.DealListView.as_view(), name="deal-list"),
    path("new/", views.DealCreateView.as_view(), name="deal-create"),
    path("check/", views.DealCheckView.as_view(), name="deal-check"),
    path("matcher-weights/", views.MatcherWeightsView.as_view(), name="deal-matcher-weights"),
    path("<uuid:uuid>/", views.DealDetailView.as_view(), name="deal-detail"),
    path(
        "<uuid:uuid>/<str:action>/",
        views.DealActionView.as_view(),
        name="deal-action",
    ),
]
