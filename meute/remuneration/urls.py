"""Payouts and remuneration rules, under /groupings/payouts/ in the "groupings" namespace (``meute.urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.PayoutListView.as_view(), name="payout-list"),
    path("compute/", views.PayoutComputeView.as_view(), name="payout-compute"),
    path("export/", views.PayoutExportView.as_view(), name="payout-export"),
    path("statement/", views.StatementView.as_view(), name="payout-statement"),
    path("rules/<uuid:uuid>/", views.RulesView.as_view(), name="payout-rules"),
    path("rules/<uuid:uuid>/new/", views.VersionEditView.as_view(), name="payout-version-create"),
    path("versions/<uuid:version>/edit/", views.VersionEditView.as_view(), name="payout-version-edit"),
    path("versions/<uuid:version>/delete/", views.VersionDeleteView.as_view(), name="payout-version-delete"),
    path("deals/<uuid:uuid>/", views.DealRemunerationView.as_view(), name="payout-deal"),
    path("<uuid:uuid>/", views.PayoutDetailView.as_view(), name="payout-detail"),
]
