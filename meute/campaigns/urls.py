from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.CampaignListView.as_view(), name="campaign-list"),
    path("new/", views.CampaignFormView.as_view(), name="campaign-create"),
    path("calendar/", views.CalendarView.as_view(), name="campaign-calendar"),
    path("calendar.ics", views.CalendarExportView.as_view(), name="campaign-calendar-ics"),
    path("cooperations/new/", views.CooperationFormView.as_view(), name="cooperation-create"),
    path("cooperations/<uuid:uuid>/", views.CooperationDetailView.as_view(), name="cooperation-detail"),
    path("events/<uuid:uuid>/", views.EventView.as_view(), name="event-detail"),
    path("events/<uuid:uuid>/register/", views.PublicRegistrationView.as_view(), name="event-register"),
    path("<uuid:uuid>/", views.CampaignDetailView.as_view(), name="campaign-detail"),
    path("<uuid:uuid>/edit/", views.CampaignFormView.as_view(), name="campaign-edit"),
]
