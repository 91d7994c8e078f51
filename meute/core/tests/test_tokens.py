"""API tokens: expiry, revocation on password change and logout, listing and revoking one's own tokens."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meute.core import tokens
from meute.core.models import ApiToken

PASSWORD = "correct-horse-battery"
ORGS = "/api/organizations/"
TOKENS = "/api/auth/tokens/"


def with_key(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def obtain(username, password=PASSWORD, **extra):
    return APIClient().post(
        "/api/auth/token/", {"username": username, "password": password, **extra}, format="json"
    )


@pytest.mark.django_db
class TestIssueAndUse:
    def test_obtained_token_has_name_and_expiry_and_works(self, world, settings):
        settings.MEUTE_API_TOKEN_DAYS = 30
        before = timezone.now()
        response = obtain("alice", name="crm sync")
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["name"] == "crm sync"
        expires = dt.datetime.fromisoformat(body["expires_at"])
        assert before + dt.timedelta(days=30) <= expires <= timezone.now() + dt.timedelta(days=30)
        assert with_key(body["token"]).get(ORGS).status_code == 200

    def test_only_a_digest_is_stored(self, world):
        key = obtain("alice").json()["token"]
        stored = ApiToken.objects.get(user=world.partner_a_user)
        assert stored.digest != key and key not in stored.digest
        assert stored.prefix == key[:8]

    def test_expired_token_is_401(self, world):
        _token, key = tokens.issue(world.manager, "short", days=1)
        with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
            response = with_key(key).get(ORGS)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"
        assert "expired" in response.json()["error"]["message"]

    def test_last_use_is_recorded(self, world):
        token, key = tokens.issue(world.manager, "script")
        assert token.last_used_at is None
        with_key(key).get(ORGS)
        token.refresh_from_db()
        assert token.last_used_at is not None

    def test_inactive_user_token_is_401(self, world):
        _token, key = tokens.issue(world.manager, "script")
        world.manager.is_active = False
        world.manager.save()
        assert with_key(key).get(ORGS).status_code == 401


@pytest.mark.django_db
class TestRevocation:
    def test_password_change_revokes_every_token(self, world, client):
        _a, key_a = tokens.issue(world.manager, "one")
        _b, key_b = tokens.issue(world.manager, "two")
        _other, other_key = tokens.issue(world.reader, "reader's")
        client.force_login(world.manager)
        response = client.post(
            reverse("password_change"),
            {
                "old_password": PASSWORD,
                "new_password1": "another-long-secret-42",
                "new_password2": "another-long-secret-42",
            },
        )
        assert response.status_code == 302
        assert with_key(key_a).get(ORGS).status_code == 401
        assert with_key(key_b).get(ORGS).status_code == 401
        assert not ApiToken.objects.filter(user=world.manager).exists()
        # Another user's token is untouched.
        assert with_key(other_key).get(ORGS).status_code == 200

    def test_set_password_anywhere_revokes(self, world):
        _token, key = tokens.issue(world.manager, "one")
        world.manager.set_password("yet-another-secret-77")
        world.manager.save()
        assert with_key(key).get(ORGS).status_code == 401

    def test_saving_the_user_without_password_change_keeps_tokens(self, world):
        _token, key = tokens.issue(world.manager, "one")
        world.manager.first_name = "Martine"
        world.manager.save()
        assert with_key(key).get(ORGS).status_code == 200

    def test_api_logout_revokes_the_token_used(self, world):
        _a, key_a = tokens.issue(world.manager, "one")
        _b, key_b = tokens.issue(world.manager, "two")
        assert with_key(key_a).post("/api/auth/logout/").status_code == 204
        assert with_key(key_a).get(ORGS).status_code == 401
        assert with_key(key_b).get(ORGS).status_code == 200

    def test_api_logout_all_revokes_every_token(self, world):
        _a, key_a = tokens.issue(world.manager, "one")
        _b, key_b = tokens.issue(world.manager, "two")
        assert with_key(key_a).post("/api/auth/logout-all/").status_code == 204
        assert with_key(key_a).get(ORGS).status_code == 401
        assert with_key(key_b).get(ORGS).status_code == 401

    def test_logout_without_authentication_is_401(self, world):
        assert APIClient().post("/api/auth/logout/").status_code == 401


@pytest.mark.django_db
class TestMyTokensApi:
    def test_list_shows_my_tokens_only_and_never_a_key(self, world):
        mine, key = tokens.issue(world.partner_a_user, "mine")
        tokens.issue(world.partner_b_user, "theirs")
        body = with_key(key).get(TOKENS).json()
        assert [row["name"] for row in body] == ["mine"]
        assert body[0]["uuid"] == str(mine.uuid)
        assert body[0]["current"] is True
        assert key not in str(body)

    def test_staff_do_not_see_other_users_tokens(self, world, api):
        tokens.issue(world.partner_a_user, "alice's")
        assert api(world.admin).get(TOKENS).json() == []

    def test_create_a_named_token(self, world, api):
        response = api(world.manager).post(TOKENS, {"name": "nightly export", "days": 7}, format="json")
        assert response.status_code == 201, response.content
        key = response.json()["token"]
        assert with_key(key).get(ORGS).status_code == 200
        token = ApiToken.objects.get(user=world.manager)
        assert token.name == "nightly export"
        assert dt.timedelta(days=6, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=7)

    def test_create_refuses_bad_days_and_writes_nothing(self, world, api):
        response = api(world.manager).post(TOKENS, {"name": "x", "days": 1000}, format="json")
        assert response.status_code == 400
        assert "days" in response.json()["error"]["fields"]
        assert not ApiToken.objects.exists()

    def test_revoke_my_token(self, world, api):
        token, key = tokens.issue(world.partner_a_user, "mine")
        assert api(world.partner_a_user).delete(f"{TOKENS}{token.uuid}/").status_code == 204
        assert with_key(key).get(ORGS).status_code == 401

    def test_another_user_cannot_revoke_my_token(self, world, api):
        token, key = tokens.issue(world.partner_a_user, "mine")
        for other in (world.partner_b_user, world.admin):
            response = api(other).delete(f"{TOKENS}{token.uuid}/")
            assert response.status_code == 404
        assert ApiToken.objects.filter(pk=token.pk).exists()
        assert with_key(key).get(ORGS).status_code == 200


@pytest.mark.django_db
class TestTokenPage:
    def test_create_shows_the_key_once_then_lists_without_it(self, world, client_for):
        client = client_for(world.partner_a_user)
        response = client.post(reverse("token-list"), {"name": "spreadsheet", "days": 30})
        assert response.status_code == 200
        key = response.context["new_key"]
        assert key in response.content.decode()
        assert with_key(key).get(ORGS).status_code == 200
        page = client.get(reverse("token-list")).content.decode()
        assert "spreadsheet" in page
        assert key not in page
        assert key[:8] in page

    def test_bad_form_writes_nothing(self, world, client_for):
        client = client_for(world.partner_a_user)
        response = client.post(reverse("token-list"), {"name": "", "days": 0})
        assert response.status_code == 400
        assert not ApiToken.objects.exists()

    def test_revoke_from_the_page(self, world, client_for):
        token, key = tokens.issue(world.partner_a_user, "mine")
        client = client_for(world.partner_a_user)
        response = client.post(reverse("token-revoke", args=[token.uuid]))
        assert response.status_code == 302
        assert with_key(key).get(ORGS).status_code == 401

    def test_another_user_cannot_revoke_my_token_from_the_page(self, world):
        token, key = tokens.issue(world.partner_a_user, "mine")
        other = Client()
        other.force_login(world.partner_b_user)
        assert other.post(reverse("token-revoke", args=[token.uuid])).status_code == 404
        assert with_key(key).get(ORGS).status_code == 200

    def test_log_out_everywhere(self, world, client_for):
        _a, key_a = tokens.issue(world.partner_a_user, "one")
        client = client_for(world.partner_a_user)
        response = client.post(reverse("logout-everywhere"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session
        assert with_key(key_a).get(ORGS).status_code == 401

    def test_page_needs_login(self, db):
        response = Client().get(reverse("token-list"))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_page_in_french(self, world, client_for):
        client = client_for(world.partner_a_user)
        page = client.get(reverse("token-list"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "Jetons d’API" in page
