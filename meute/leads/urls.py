from django.urls import path

from . import views

urlpatterns = [
    path("", views.LeadListView.as_view(), name="lead-list"),
    path("portal/", views.LeadPortalView.as_view(), name="lead-portal"),
    path("new/", views.LeadCreateView.as_view(), name="lead-create"),
    path("import/", views.LeadImportView.as_view(), name="lead-import"),
    path("offers/<uuid:uuid>/<str:action>/", views.OfferAnswerView.as_view(), name="lead-offer-answer"),
    path("<uuid:uuid>/", views.LeadDetailView.as_view(), name="lead-detail"),
    path("<uuid:uuid>/edit/", views.LeadUpdateView.as_view(), name="lead-update"),
    path("<uuid:uuid>/route/", views.LeadRouteView.as_view(), name="lead-route"),
    path("<uuid:uuid>/close/", views.LeadCloseView.as_view(), name="lead-close"),
    path("<uuid:uuid>/convert/", views.LeadConvertView.as_view(), name="lead-convert"),
]
