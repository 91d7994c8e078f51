from django.urls import path

from . import views

app_name = "recruitment"

urlpatterns = [
    path("", views.BoardView.as_view(), name="pipeline"),
    path("candidates/new/", views.CandidateCreateView.as_view(), name="candidate-create"),
    path("candidates/<uuid:uuid>/", views.CandidateDetailView.as_view(), name="candidate-detail"),
    path("candidates/<uuid:uuid>/move/", views.CandidateMoveView.as_view(), name="candidate-move"),
    path("candidates/<uuid:uuid>/activities/", views.ActivityAddView.as_view(), name="candidate-activity"),
    path("candidates/<uuid:uuid>/grid/", views.GridSaveView.as_view(), name="candidate-grid"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("channel/", views.ChannelView.as_view(), name="channel"),
    path("coverage/", views.CoverageView.as_view(), name="coverage"),
    path("qualification/", views.QualificationView.as_view(), name="qualification"),
    path("scoring/", views.ScoringListView.as_view(), name="scoring-list"),
    path("scoring/<uuid:uuid>/", views.ScoringDetailView.as_view(), name="scoring-detail"),
    path("scoring/<uuid:uuid>/ranking.<str:fmt>", views.ScoringExportView.as_view(), name="scoring-export"),
    path("attributes/", views.AttributeListView.as_view(), name="attribute-list"),
    path("attributes/<uuid:uuid>/", views.AttributeListView.as_view(), name="attribute-update"),
    path(
        "organisations/<uuid:uuid>/attributes/",
        views.OrganizationAttributesView.as_view(),
        name="attribute-organization",
    ),
    path("organisations/<uuid:uuid>/lookalike/", views.LookalikeView.as_view(), name="lookalike"),
]
