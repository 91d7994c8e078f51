from django.urls import path

from . import views

urlpatterns = [
    path("", views.ProgramListView.as_view(), name="program-list"),
    path("new/", views.ProgramFormView.as_view(), name="program-create"),
    path("revenue/", views.RevenueListView.as_view(), name="revenue-list"),
    path("revenue/import/", views.RevenueImportView.as_view(), name="revenue-import"),
    path("changes/<uuid:uuid>/", views.ChangeDetailView.as_view(), name="tierchange-detail"),
    path(
        "changes/<uuid:uuid>/approve/",
        views.ChangeDecisionView.as_view(approve=True),
        name="tierchange-approve",
    ),
    path(
        "changes/<uuid:uuid>/reject/",
        views.ChangeDecisionView.as_view(approve=False),
        name="tierchange-reject",
    ),
    path("plans/new/", views.BusinessPlanFormView.as_view(), name="businessplan-create"),
    path("plans/<uuid:uuid>/", views.BusinessPlanDetailView.as_view(), name="businessplan-detail"),
    path("plans/<uuid:uuid>/edit/", views.BusinessPlanFormView.as_view(), name="businessplan-update"),
    path(
        "plans/<uuid:uuid>/objectives/", views.ObjectiveAddView.as_view(), name="businessplan-objective-add"
    ),
    path("plans/<uuid:uuid>/versions/", views.VersionAddView.as_view(), name="businessplan-version-add"),
    path("<uuid:uuid>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("<uuid:uuid>/edit/", views.ProgramFormView.as_view(), name="program-update"),
    path("<uuid:uuid>/tiers/new/", views.TierFormView.as_view(), name="program-tier-create"),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/edit/", views.TierFormView.as_view(), name="program-tier-update"
    ),
    path("<uuid:uuid>/members/add/", views.EnrolView.as_view(), name="program-enrol"),
    path("<uuid:uuid>/evaluation/", views.EvaluationView.as_view(), name="program-evaluation"),
]
