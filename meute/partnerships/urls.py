from django.urls import path

from . import views

urlpatterns = [
    path("", views.PartnershipListView.as_view(), name="partnership-list"),
    path("new/", views.PartnershipCreateView.as_view(), name="partnership-create"),
    path("<uuid:uuid>/", views.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("<uuid:uuid>/edit/", views.PartnershipUpdateView.as_view(), name="partnership-update"),
    path("<uuid:uuid>/delete/", views.PartnershipDeleteView.as_view(), name="partnership-delete"),
    path("<uuid:uuid>/parties/add/", views.PartyAddView.as_view(), name="partnership-party-add"),
    path(
        "<uuid:uuid>/parties/<uuid:party_uuid>/remove/",
        views.PartyRemoveView.as_view(),
        name="partnership-party-remove",
    ),
]
