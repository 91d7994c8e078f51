"""Grouping pages, under /groupings/ in the "groupings" namespace (``meute.urls`` adds the advice and payout
pages of the collaboration and remuneration apps to it)."""

from django.urls import path

from meute.groupings import views as views

urlpatterns = [
    path("", views.GroupingListView.as_view(), name="grouping-list"),
    path("<uuid:uuid>/", views.GroupingDetailView.as_view(), name="grouping-detail"),
    path("<uuid:uuid>/charter/", views.CharterEditView.as_view(), name="grouping-charter"),
    path("<uuid:uuid>/members/add/", views.MemberAddView.as_view(), name="grouping-member-add"),
    path(
        "<uuid:uuid>/members/<uuid:seat>/remove/",
        views.MemberRemoveView.as_view(),
        name="grouping-member-remove",
    ),
    path("<uuid:uuid>/move-up/", views.MoveUpView.as_view(), name="grouping-move-up"),
    path("<uuid:uuid>/pillars/<uuid:item>/", views.PillarEditView.as_view(), name="grouping-pillar"),
    path("profile/", views.MyProfileView.as_view(), name="profile-mine"),
    path("profiles/", views.ProfileListView.as_view(), name="profile-list"),
    path("profiles/<uuid:uuid>/", views.ProfileDetailView.as_view(), name="profile-detail"),
    path("profiles/<uuid:uuid>/propose/", views.ProposeView.as_view(), name="profile-propose"),
    path("members/<uuid:uuid>/profile/", views.ProfileEditView.as_view(), name="profile-edit"),
    path("members/<uuid:uuid>/propose/", views.ProposeOnBehalfView.as_view(), name="member-propose"),
    path("suggestions/", views.SuggestionsView.as_view(), name="suggestion-mine"),
    path("members/<uuid:uuid>/suggestions/", views.SuggestionsView.as_view(), name="suggestion-list"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal-list"),
    path("proposals/<uuid:uuid>/<slug:action>/", views.ProposalActionView.as_view(), name="proposal-action"),
    path("packs/new/", views.PackCreateView.as_view(), name="pack-create"),
]
