"""Programme agreements, under /programs/ beside the programmes they belong to."""

from django.urls import path

from . import views

urlpatterns = [
    path("agreements/", views.AgreementListView.as_view(), name="agreement-list"),
    path("agreements/<uuid:uuid>/", views.AgreementDetailView.as_view(), name="agreement-detail"),
    path("<uuid:uuid>/agreements/", views.ProgramAgreementsView.as_view(), name="program-agreements"),
]
