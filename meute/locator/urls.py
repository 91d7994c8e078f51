"""Labels, the public partner locator and its enquiries, under /programs/ as they always were."""

from django.urls import path

from . import views

urlpatterns = [
    path("labels/", views.LabelListView.as_view(), name="label-list"),
    path("labels/new/", views.LabelFormView.as_view(), name="label-create"),
    path("labels/evaluate/", views.LabelEvaluateView.as_view(), name="label-evaluate"),
    path("labels/<uuid:uuid>/", views.LabelDetailView.as_view(), name="label-detail"),
    path("labels/<uuid:uuid>/edit/", views.LabelFormView.as_view(), name="label-update"),
    path("labels/<uuid:uuid>/award/", views.LabelAwardView.as_view(), name="label-award"),
    path("labels/awards/<uuid:uuid>/revoke/", views.LabelRevokeView.as_view(), name="labelaward-revoke"),
    path("locator/", views.LocatorView.as_view(), name="locator"),
    path("locator/<uuid:uuid>/", views.LocatorEntryView.as_view(), name="locator-entry"),
    path("locator/<uuid:uuid>/sent/", views.EnquirySentView.as_view(), name="locator-enquiry-sent"),
    path("locator/profile/", views.LocatorProfileView.as_view(), name="locator-profile"),
    path("enquiries/", views.EnquiryListView.as_view(), name="enquiry-list"),
    path("enquiries/<uuid:uuid>/", views.EnquiryDetailView.as_view(), name="enquiry-detail"),
]
