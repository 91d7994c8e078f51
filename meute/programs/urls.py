from django.urls import path

from . import (
    views,
    views_ambassadors,
    views_certified,
    views_metrics,
    views_versions,
)

urlpatterns = [
    path("", views.ProgramListView.as_view(), name="program-list"),
    path("new/", views.ProgramFormView.as_view(), name="program-create"),
    path("revenue/", views.RevenueListView.as_view(), name="revenue-list"),
    path("certified/", views_certified.CertifiedListView.as_view(), name="certified-list"),
    path("certified/import/", views_certified.CertifiedImportView.as_view(), name="certified-import"),
    path(
        "certified/<uuid:uuid>/delete/",
        views_certified.CertifiedDeleteView.as_view(),
        name="certified-delete",
    ),
    path("revenue/import/", views.RevenueImportView.as_view(), name="revenue-import"),
    path("metrics/", views_metrics.MetricListView.as_view(), name="partnermetric-list"),
    path("metrics/new/", views_metrics.MetricFormView.as_view(), name="partnermetric-create"),
    path("metrics/import/", views_metrics.MetricImportView.as_view(), name="partnermetric-import"),
    path("metrics/<uuid:uuid>/edit/", views_metrics.MetricFormView.as_view(), name="partnermetric-update"),
    path(
        "metrics/<uuid:uuid>/delete/", views_metrics.MetricDeleteView.as_view(), name="partnermetric-delete"
    ),
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
    path("ambassadors/", views_ambassadors.AmbassadorListView.as_view(), name="ambassador-list"),
    path("ambassadors/new/", views_ambassadors.AmbassadorFormView.as_view(), name="ambassador-create"),
    path(
        "ambassadors/<uuid:uuid>/edit/",
        views_ambassadors.AmbassadorFormView.as_view(),
        name="ambassador-update",
    ),
    path(
        "ambassadors/<uuid:uuid>/delete/",
        views_ambassadors.AmbassadorDeleteView.as_view(),
        name="ambassador-delete",
    ),
    path("<uuid:uuid>/", views.ProgramDetailView.as_view(), name="program-detail"),
    path("<uuid:uuid>/edit/", views.ProgramFormView.as_view(), name="program-update"),
    path("<uuid:uuid>/tiers/new/", views.TierFormView.as_view(), name="program-tier-create"),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/edit/", views.TierFormView.as_view(), name="program-tier-update"
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/",
        views_versions.TierDetailView.as_view(),
        name="program-tier-detail",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/versions/new/",
        views_versions.TierVersionFormView.as_view(),
        name="program-tier-version-create",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/versions/<uuid:version_uuid>/edit/",
        views_versions.TierVersionFormView.as_view(),
        name="program-tier-version-update",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/versions/<uuid:version_uuid>/delete/",
        views_versions.TierVersionDeleteView.as_view(),
        name="program-tier-version-delete",
    ),
    path("<uuid:uuid>/members/add/", views.EnrolView.as_view(), name="program-enrol"),
    path("<uuid:uuid>/evaluation/", views.EvaluationView.as_view(), name="program-evaluation"),
]
