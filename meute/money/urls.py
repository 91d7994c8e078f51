"""Exchange rates, under /programs/rates/ where the programmes that count converted revenue are."""

from django.urls import path

from . import views

urlpatterns = [
    path("rates/", views.ExchangeRateListView.as_view(), name="exchangerate-list"),
    path("rates/new/", views.ExchangeRateFormView.as_view(), name="exchangerate-create"),
    path("rates/import/", views.ExchangeRateImportView.as_view(), name="exchangerate-import"),
    path("rates/<uuid:uuid>/edit/", views.ExchangeRateFormView.as_view(), name="exchangerate-update"),
    path("rates/<uuid:uuid>/delete/", views.ExchangeRateDeleteView.as_view(), name="exchangerate-delete"),
]
