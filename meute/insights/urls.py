from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="network"),
    path("export/<slug:figure>.<slug:fmt>", views.DashboardExportView.as_view(), name="network-export"),
    path("scorecard/", views.MyScorecardView.as_view(), name="my-scorecard"),
    path("integration/", views.IntegrationListView.as_view(), name="integration-list"),
    path("partnerships/<uuid:uuid>/health/", views.HealthView.as_view(), name="health"),
    path("partnerships/<uuid:uuid>/governance/", views.GovernanceView.as_view(), name="governance"),
    path(
        "partnerships/<uuid:uuid>/integration/",
        views.IntegrationDetailView.as_view(),
        name="integration-detail",
    ),
    path("partnerships/<uuid:uuid>/scorecard/", views.ScorecardView.as_view(), name="scorecard"),
    path("partnerships/<uuid:uuid>/scorecard.pdf", views.ScorecardPdfView.as_view(), name="scorecard-pdf"),
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("surveys/<uuid:uuid>/", views.SurveyDetailView.as_view(), name="survey-detail"),
    path("surveys/<uuid:uuid>/answers.csv", views.SurveyExportView.as_view(), name="survey-export"),
    path("survey/<str:token>/", views.SurveyAnswerView.as_view(), name="survey-answer"),
]
