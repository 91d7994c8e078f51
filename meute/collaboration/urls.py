"""A grouping's advice pages: assessment, recommendation, playbook, term sheet (under /groupings/, in the
"groupings" namespace that ``meute.urls`` gives the grouping pages)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<uuid:uuid>/advice/", views.AdviceView.as_view(), name="advice"),
    path("<uuid:uuid>/advice/assessment/", views.AssessmentView.as_view(), name="assessment"),
    path("<uuid:uuid>/advice/adopt/", views.AdoptView.as_view(), name="adopt"),
    path("<uuid:uuid>/advice/new-round/", views.NewRoundView.as_view(), name="new-round"),
    path("<uuid:uuid>/playbook/", views.PlaybookView.as_view(), name="playbook"),
    path("<uuid:uuid>/playbook/<uuid:item>/", views.PlaybookItemView.as_view(), name="playbook-item"),
    path(
        "<uuid:uuid>/playbook/<uuid:item>/documents/",
        views.PlaybookDocumentView.as_view(),
        name="playbook-document",
    ),
    path(
        "<uuid:uuid>/playbook/documents/<uuid:document>/",
        views.PlaybookDocumentDownloadView.as_view(),
        name="playbook-document-download",
    ),
    path(
        "<uuid:uuid>/term-sheet/<str:language>.<str:fmt>",
        views.TermSheetView.as_view(),
        name="termsheet",
    ),
]
