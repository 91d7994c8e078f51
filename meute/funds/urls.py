from django.urls import path

from . import views

app_name = "funds"

urlpatterns = [
    path("", views.FundsOverviewView.as_view(), name="fund-overview"),
    path("allocations/<uuid:uuid>/", views.AllocationDetailView.as_view(), name="fund-allocation"),
    path("requests/new/", views.RequestFormView.as_view(), name="fund-request-create"),
    path("requests/<uuid:uuid>/", views.RequestDetailView.as_view(), name="fund-request"),
    path("requests/<uuid:uuid>/edit/", views.RequestFormView.as_view(), name="fund-request-edit"),
    path("proofs/<uuid:uuid>/", views.ProofDownloadView.as_view(), name="fund-proof"),
    path("roi/", views.RoiView.as_view(), name="fund-roi"),
]
