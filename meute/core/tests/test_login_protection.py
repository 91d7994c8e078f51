"""Login protection: lock-out after repeated failures on every way in, password-reset e-mails budgeted."""

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from meute.core.factories import UserFactory
from meute.core.models import ApiToken

PASSWORD = "correct-horse-battery"
TOKEN_URL = "/api/auth/token/"


def login_page(client, username, password, address="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
class TestLoginPage:
    def test_wrong_passwords_lock_the_account_even_for_the_right_password(self, settings):
        UserFactory(username="carla")
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            response = login_page(client, "carla", "wrong")
            assert response.status_code in (200, 429)
        response = login_page(client, "carla", PASSWORD)
        assert response.status_code == 429
        assert "Too many failed login attempts" in response.content.decode()
        assert "15 minutes" in response.content.decode()
        assert not logged_in(client)

    def test_below_the_limit_the_right_password_still_works(self, settings):
        UserFactory(username="carla")
        client = Client()
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            assert login_page(client, "carla", "wrong").status_code == 200
        assert login_page(client, "carla", PASSWORD).status_code == 302
        assert logged_in(client)

    def test_the_lock_out_ends_after_the_cool_off_time(self, settings):
        UserFactory(username="carla")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            for _attempt in range(settings.AXES_FAILURE_LIMIT):
                login_page(Client(), "carla", "wrong")
            assert login_page(Client(), "carla", PASSWORD).status_code == 429
        with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
            client = Client()
            assert login_page(client, "carla", PASSWORD).status_code == 302
            assert logged_in(client)

    def test_the_account_is_locked_from_another_address_too(self, settings):
        UserFactory(username="carla")
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login_page(Client(), "carla", "wrong", address=f"198.51.100.{attempt}")
        client = Client()
        assert login_page(client, "carla", PASSWORD, address="192.0.2.200").status_code == 429
        assert not logged_in(client)

    def test_one_address_guessing_many_accounts_is_locked(self, settings):
        UserFactory(username="dora")
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            login_page(Client(), f"someone{attempt}", "wrong")
        client = Client()
        assert login_page(client, "dora", PASSWORD).status_code == 429
        assert not logged_in(client)
        # Another address is not concerned.
        assert login_page(Client(), "dora", PASSWORD, address="192.0.2.99").status_code == 302

    def test_admin_login_is_locked_as_well(self, settings):
        UserFactory(username="root", is_staff=True, is_superuser=True)
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            Client().post(reverse("admin:login"), {"username": "root", "password": "wrong"})
        client = Client()
        response = client.post(reverse("admin:login"), {"username": "root", "password": PASSWORD})
        assert response.status_code == 429
        assert not logged_in(client)

    def test_locked_out_page_in_french(self, settings):
        UserFactory(username="carla")
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            login_page(Client(), "carla", "wrong")
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        response = login_page(client, "carla", PASSWORD)
        assert response.status_code == 429
        assert "Trop de tentatives" in response.content.decode()


@pytest.mark.django_db
class TestTokenEndpoint:
    def test_wrong_passwords_lock_the_token_endpoint(self, settings):
        user = UserFactory(username="eve")
        client = APIClient(REMOTE_ADDR="203.0.113.9")
        for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
            response = client.post(TOKEN_URL, {"username": "eve", "password": "wrong"}, format="json")
            assert response.status_code == 400
        response = client.post(TOKEN_URL, {"username": "eve", "password": "wrong"}, format="json")
        assert response.status_code == 429
        response = client.post(TOKEN_URL, {"username": "eve", "password": PASSWORD}, format="json")
        assert response.status_code == 429
        error = response.json()["error"]
        assert error["code"] == "locked_out"
        assert "15 minutes" in error["message"]
        assert not ApiToken.objects.filter(user=user).exists()

    def test_failures_on_the_api_lock_the_login_page(self, settings):
        UserFactory(username="eve")
        api = APIClient()
        for _attempt in range(settings.AXES_FAILURE_LIMIT):
            api.post(TOKEN_URL, {"username": "eve", "password": "wrong"}, format="json")
        client = Client()
        assert login_page(client, "eve", PASSWORD, address="192.0.2.50").status_code == 429
        assert not logged_in(client)


@pytest.mark.django_db
class TestPasswordReset:
    def ask(self, client, email):
        return client.post(reverse("password_reset"), {"email": email})

    def test_reset_emails_are_limited_per_address(self, settings):
        settings.MEUTE_PASSWORD_RESET_RATE = "3/hour"
        UserFactory(username="fanny", email="fanny@example.com")
        UserFactory(username="gael", email="gael@example.com")
        client = Client()
        statuses = [self.ask(client, "fanny@example.com").status_code for _ in range(10)]
        assert statuses == [302] * 3 + [200] * 7
        assert len(mail.outbox) == 3
        refused = self.ask(client, "FANNY@example.com")
        assert "Too many reset requests for this address" in refused.content.decode()
        assert len(mail.outbox) == 3
        # Another address has its own budget.
        assert self.ask(client, "gael@example.com").status_code == 302
        assert len(mail.outbox) == 4

    def test_the_budget_is_the_same_for_an_unknown_address(self, settings):
        settings.MEUTE_PASSWORD_RESET_RATE = "2/hour"
        client = Client()
        statuses = [self.ask(client, "nobody@example.com").status_code for _ in range(3)]
        assert statuses == [302, 302, 200]
        assert mail.outbox == []

    def test_budget_renews_after_the_hour(self, settings):
        settings.MEUTE_PASSWORD_RESET_RATE = "1/hour"
        UserFactory(username="fanny", email="fanny@example.com")
        start = timezone.now()
        with time_machine.travel(start, tick=False):
            assert self.ask(Client(), "fanny@example.com").status_code == 302
            assert self.ask(Client(), "fanny@example.com").status_code == 200
        with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
            assert self.ask(Client(), "fanny@example.com").status_code == 302
        assert len(mail.outbox) == 2


def test_authenticating_without_a_request_is_not_counted_nor_refused(world):
    """Scripts and Client.login authenticate without a request: the lock-out leaves them to the password
    check instead of raising, and a wrong password there still fails."""
    from django.contrib.auth import authenticate

    assert authenticate(username=world.manager.username, password="wrong") is None
    assert authenticate(username=world.manager.username, password=PASSWORD) == world.manager
