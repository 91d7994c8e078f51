from django.urls import path

from . import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("partners/<uuid:uuid>/", views.Partner360View.as_view(), name="partner360"),
]
