"""TOTP second factor for staff: enrolment, the code step after the password, the rule that requires it."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from meute.core import twofactor
from meute.core.choices import UserRole
from meute.core.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
T0 = dt.datetime(2026, 3, 2, 9, 0, 0, tzinfo=dt.UTC)


def code(device, at=None) -> str:
    totp = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    totp.time = (at or T0).timestamp()
    return f"{totp.token():0{device.digits}d}"


def enrolled(user):
    device = twofactor.pending_device(user)
    device.confirmed = True
    device.save()
    return device


def password_step(client, username):
    return client.post(
        reverse("login"), {"username": username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


class TestEnrolment:
    def test_enrol_then_confirm_with_a_code(self, client, clock):
        user = UserFactory(username="carla")
        client.force_login(user)
        page = client.get(reverse("two-factor"))
        assert page.status_code == 200
        assert "<svg" in page.content.decode() and "<script>" not in page.content.decode()
        assert "two-factor-secret" in page.content.decode()
        device = TOTPDevice.objects.get(user=user)
        assert not device.confirmed and not twofactor.has_second_factor(user)
        assert (
            client.post(
                reverse("two-factor"), {"code": "000000" if code(device) != "000000" else "111111"}
            ).status_code
            == 400
        )
        assert not twofactor.has_second_factor(user)
        clock.shift(dt.timedelta(seconds=60))
        response = client.post(reverse("two-factor"), {"code": code(device, T0 + dt.timedelta(seconds=60))})
        assert response.status_code == 302
        assert twofactor.has_second_factor(user)
        assert "two-factor-on" in client.get(reverse("two-factor")).content.decode()

    def test_remove(self, client):
        user = UserFactory(username="carla")
        enrolled(user)
        client.force_login(user)
        client.post(reverse("two-factor"), {"action": "remove"})
        assert not TOTPDevice.objects.filter(user=user).exists()

    def test_partner_users_have_no_such_page(self, client):
        partner = UserFactory(role=UserRole.PARTNER, organization=OrganizationFactory())
        client.force_login(partner)
        assert client.get(reverse("two-factor")).status_code == 403
        assert not TOTPDevice.objects.exists()


class TestLogin:
    def test_without_a_device_the_password_is_enough(self, clock):
        UserFactory(username="carla")
        client = Client()
        assert password_step(client, "carla").status_code == 302
        assert logged_in(client)

    def test_with_a_device_the_code_is_asked_before_logging_in(self, clock):
        device = enrolled(UserFactory(username="carla"))
        client = Client()
        response = password_step(client, "carla")
        assert response.status_code == 302 and response["Location"] == reverse("login-code")
        assert not logged_in(client)
        assert client.get(reverse("dashboard")).status_code == 302
        response = client.post(reverse("login-code"), {"code": code(device)})
        assert response.status_code == 302 and logged_in(client)
        assert client.get(reverse("dashboard")).status_code == 200

    def test_a_wrong_code_is_refused_and_throttled(self, clock, settings):
        device = enrolled(UserFactory(username="carla"))
        client = Client()
        password_step(client, "carla")
        wrong = "123456" if code(device) != "123456" else "654321"
        response = client.post(reverse("login-code"), {"code": wrong})
        assert response.status_code == 400 and not logged_in(client)
        # Right after a failure, even the right code waits: django-otp's throttle.
        response = client.post(reverse("login-code"), {"code": code(device)})
        assert response.status_code == 400 and "Too many wrong codes" in response.content.decode()
        assert not logged_in(client)

    def test_repeated_wrong_codes_drop_the_half_login(self, clock, settings):
        settings.MEUTE_2FA_FAILURE_LIMIT = 3
        device = enrolled(UserFactory(username="carla"))
        client = Client()
        password_step(client, "carla")
        for attempt in range(3):
            clock.shift(dt.timedelta(minutes=10))
            response = client.post(reverse("login-code"), {"code": "abc" + str(attempt)})
        assert response.status_code == 302 and response["Location"] == reverse("login")
        clock.shift(dt.timedelta(minutes=30))
        response = client.post(reverse("login-code"), {"code": code(device, T0 + dt.timedelta(minutes=60))})
        assert response.status_code == 302 and response["Location"] == reverse("login")
        assert not logged_in(client)

    def test_the_code_step_needs_the_password_step(self, client):
        assert client.get(reverse("login-code"))["Location"] == reverse("login")
        assert client.post(reverse("login-code"), {"code": "123456"})["Location"] == reverse("login")

    def test_the_token_endpoint_refuses_a_password_alone(self):
        enrolled(UserFactory(username="carla"))
        UserFactory(username="dora")
        api = APIClient()
        response = api.post("/api/auth/token/", {"username": "carla", "password": PASSWORD}, format="json")
        assert response.status_code == 400
        assert (
            api.post(
                "/api/auth/token/", {"username": "dora", "password": PASSWORD}, format="json"
            ).status_code
            == 200
        )


class TestRequiredForStaff:
    def test_off_by_default_staff_go_anywhere(self, client):
        client.force_login(UserFactory(username="carla", is_staff=True))
        assert client.get(reverse("dashboard")).status_code == 200

    def test_on_staff_without_a_device_only_reach_the_enrolment(self, client, settings):
        settings.MEUTE_STAFF_2FA_REQUIRED = True
        client.force_login(
            UserFactory(username="carla", role=UserRole.ADMIN, is_staff=True, is_superuser=True)
        )
        for path in (reverse("dashboard"), "/admin/", reverse("notification-list")):
            response = client.get(path)
            assert response.status_code == 302 and response["Location"].startswith(reverse("two-factor")), (
                path
            )
        page = client.get(reverse("two-factor"))
        assert page.status_code == 200 and "two-factor-required" in page.content.decode()

    def test_on_staff_with_a_device_and_partner_users_are_not_stopped(self, client, settings):
        settings.MEUTE_STAFF_2FA_REQUIRED = True
        staff = UserFactory(username="carla")
        enrolled(staff)
        client.force_login(staff)
        assert client.get(reverse("dashboard")).status_code == 200
        partner = UserFactory(username="pia", role=UserRole.PARTNER, organization=OrganizationFactory())
        other = Client()
        assert password_step(other, "pia").status_code == 302 and logged_in(other)
        assert other.get(reverse("dashboard")).status_code == 200
        assert partner.pk and not TOTPDevice.objects.filter(user=partner).exists()
