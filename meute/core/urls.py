from django.contrib.auth import views as auth_views
from django.urls import path

from . import twofactor_views, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Accounts: Django's authentication views with Meute's templates.
    path("accounts/login/", twofactor_views.LoginView.as_view(), name="login"),
    path("accounts/login/code/", twofactor_views.LoginCodeView.as_view(), name="login-code"),
    path("accounts/two-factor/", twofactor_views.TwoFactorView.as_view(), name="two-factor"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/tokens/", views.ApiTokenListView.as_view(), name="token-list"),
    path("accounts/tokens/<uuid:uuid>/revoke/", views.ApiTokenRevokeView.as_view(), name="token-revoke"),
    path("accounts/logout/everywhere/", views.LogoutEverywhereView.as_view(), name="logout-everywhere"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    # Organisations.
    path("organizations/", views.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/new/", views.OrganizationCreateView.as_view(), name="organization-create"),
    path("organizations/import/", views.OrganizationImportView.as_view(), name="organization-import"),
    path("organizations/options/", views.OrganizationOptionsView.as_view(), name="organization-options"),
    path("organizations/<uuid:uuid>/", views.OrganizationDetailView.as_view(), name="organization-detail"),
    path(
        "organizations/<uuid:uuid>/edit/", views.OrganizationUpdateView.as_view(), name="organization-update"
    ),
    path(
        "organizations/<uuid:uuid>/classification/",
        views.OrganizationClassificationView.as_view(),
        name="organization-classification",
    ),
    path(
        "organizations/<uuid:uuid>/delete/",
        views.OrganizationDeleteView.as_view(),
        name="organization-delete",
    ),
    # People.
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/new/", views.PersonCreateView.as_view(), name="person-create"),
    path("people/import/", views.PersonImportView.as_view(), name="person-import"),
    path("people/options/", views.PersonOptionsView.as_view(), name="person-options"),
    path("people/<uuid:uuid>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("people/<uuid:uuid>/edit/", views.PersonUpdateView.as_view(), name="person-update"),
    path("people/<uuid:uuid>/delete/", views.PersonDeleteView.as_view(), name="person-delete"),
]
