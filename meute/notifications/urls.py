from django.urls import path

from . import views

urlpatterns = [
    path("", views.NotificationListView.as_view(), name="notification-list"),
    path("read-all/", views.NotificationReadAllView.as_view(), name="notification-read-all"),
    path("<uuid:uuid>/open/", views.NotificationOpenView.as_view(), name="notification-open"),
    path("e-mails/", views.EmailPreferencesView.as_view(), name="notification-preferences"),
    path("unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="notification-unsubscribe"),
]
