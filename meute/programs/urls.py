from django.urls import path

from .views import ambassadors, figures, plans, programs, tiers

urlpatterns = [
    path("", programs.ProgramListView.as_view(), name="program-list"),
    path("new/", programs.ProgramFormView.as_view(), name="program-create"),
    path("revenue/", figures.RevenueListView.as_view(), name="revenue-list"),
    path("revenue/import/", figures.RevenueImportView.as_view(), name="revenue-import"),
    path("revenue/decide/", figures.RevenueDecisionView.as_view(), name="revenue-decide"),
    path("metrics/", figures.MetricListView.as_view(), name="partnermetric-list"),
    path("metrics/new/", figures.MetricFormView.as_view(), name="partnermetric-create"),
    path("metrics/import/", figures.MetricImportView.as_view(), name="partnermetric-import"),
    path("metrics/<uuid:uuid>/edit/", figures.MetricFormView.as_view(), name="partnermetric-update"),
    path("metrics/<uuid:uuid>/delete/", figures.MetricDeleteView.as_view(), name="partnermetric-delete"),
    path("changes/<uuid:uuid>/", programs.ChangeDetailView.as_view(), name="tierchange-detail"),
    path(
        "changes/<uuid:uuid>/approve/",
        programs.ChangeDecisionView.as_view(approve=True),
        name="tierchange-approve",
    ),
    path(
        "changes/<uuid:uuid>/reject/",
        programs.ChangeDecisionView.as_view(approve=False),
        name="tierchange-reject",
    ),
    path("plans/new/", plans.BusinessPlanFormView.as_view(), name="businessplan-create"),
    path("plans/<uuid:uuid>/", plans.BusinessPlanDetailView.as_view(), name="businessplan-detail"),
    path("plans/<uuid:uuid>/edit/", plans.BusinessPlanFormView.as_view(), name="businessplan-update"),
    path(
        "plans/<uuid:uuid>/objectives/", plans.ObjectiveAddView.as_view(), name="businessplan-objective-add"
    ),
    path("plans/<uuid:uuid>/versions/", plans.VersionAddView.as_view(), name="businessplan-version-add"),
    path("ambassadors/", ambassadors.AmbassadorListView.as_view(), name="ambassador-list"),
    path("ambassadors/new/", ambassadors.AmbassadorFormView.as_view(), name="ambassador-create"),
    path(
        "ambassadors/<uuid:uuid>/edit/",
        ambassadors.AmbassadorFormView.as_view(),
        name="ambassador-update",
    ),
    path(
        "ambassadors/<uuid:uuid>/delete/",
        ambassadors.AmbassadorDeleteView.as_view(),
        name="ambassador-delete",
    ),
    path("<uuid:uuid>/", programs.ProgramDetailView.as_view(), name="program-detail"),
    path("<uuid:uuid>/edit/", programs.ProgramFormView.as_view(), name="program-update"),
    path("<uuid:uuid>/tiers/new/", programs.TierFormView.as_view(), name="program-tier-create"),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/edit/",
        programs.TierFormView.as_view(),
        name="program-tier-update",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/",
        tiers.TierDetailView.as_view(),
        name="program-tier-detail",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/versions/new/",
        tiers.TierVersionFormView.as_view(),
        name="program-tier-version-create",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/versions/<uuid:version_uuid>/edit/",
        tiers.TierVersionFormView.as_view(),
        name="program-tier-version-update",
    ),
    path(
        "<uuid:uuid>/tiers/<uuid:tier_uuid>/versions/<uuid:version_uuid>/delete/",
        tiers.TierVersionDeleteView.as_view(),
        name="program-tier-version-delete",
    ),
    path("<uuid:uuid>/members/add/", programs.EnrolView.as_view(), name="program-enrol"),
    path("<uuid:uuid>/evaluation/", programs.EvaluationView.as_view(), name="program-evaluation"),
]
