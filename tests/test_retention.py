"""Retention: ``meute privacy purge`` and its beat task delete what the MEUTE_RETENTION_* settings say is old
enough (enquiries, notifications, expired tokens, login attempts), and nothing younger."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessLog
from django.utils import timezone

from meute.celery import app
from meute.cli import main
from meute.core import retention, tokens
from meute.core.factories import UserFactory
from meute.core.models import ApiToken
from meute.core.tasks import purge_task
from meute.locator.models import Enquiry
from meute.notifications.models import Notification

pytestmark = pytest.mark.django_db


def days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


@pytest.fixture
def aged(world):
    """Of each kind, one row 400 days old, one 40 days old and one 10 days old (tokens: expired then)."""
    rows = {}
    for age in (400, 40, 10):
        # One user each: issuing a token deletes its owner's expired ones.
        token, _key = tokens.issue(UserFactory(username=f"owner{age}"), f"token {age}")
        ApiToken.objects.filter(pk=token.pk).update(expires_at=days_ago(age))
        notification = Notification.objects.create(recipient=world.partner_a_user, title=f"Notice {age}")
        Notification.objects.filter(pk=notification.pk).update(created_at=days_ago(age))
        enquiry = Enquiry.objects.create(
            organization=world.org_a, name=f"Visitor {age}", email=f"v{age}@example.org", message="Hello"
        )
        Enquiry.objects.filter(pk=enquiry.pk).update(created_at=days_ago(age))
        attempt = AccessAttempt.objects.create(
            username=f"user{age}", ip_address="203.0.113.5", failures_since_start=1
        )
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=days_ago(age))
        log = AccessLog.objects.create(username=f"user{age}", ip_address="203.0.113.5")
        AccessLog.objects.filter(pk=log.pk).update(attempt_time=days_ago(age))
        rows[age] = (token.pk, notification.pk, enquiry.pk, attempt.pk, log.pk)
    live, _key = tokens.issue(world.manager, "live")
    rows["live"] = live.pk
    return rows


def ages_left():
    return {
        "tokens": sorted(t.name for t in ApiToken.objects.all()),
        "notifications": sorted(Notification.objects.values_list("title", flat=True)),
        "enquiries": sorted(Enquiry.objects.values_list("name", flat=True)),
        "attempts": sorted(AccessAttempt.objects.values_list("username", flat=True)),
        "logs": sorted(AccessLog.objects.values_list("username", flat=True)),
    }


def test_defaults_purge_only_what_is_older_than_each_retention(aged):
    counts = {result.name: result.count for result in retention.purge()}
    assert counts == {
        "expired_api_tokens": 2,  # expired 400 and 40 days ago (30 days)
        "login_attempts": 4,  # attempts and logs of 400 and 40 days ago (30 days)
        "notifications": 1,  # 400 days (180 days)
        "locator_enquiries": 1,  # 400 days (365 days)
    }
    assert ages_left() == {
        "tokens": ["live", "token 10"],
        "notifications": ["Notice 10", "Notice 40"],
        "enquiries": ["Visitor 10", "Visitor 40"],
        "attempts": ["user10"],
        "logs": ["user10"],
    }


def test_changing_a_setting_changes_what_is_purged(aged, settings):
    settings.MEUTE_RETENTION_NOTIFICATION_DAYS = 20
    settings.MEUTE_RETENTION_ENQUIRY_DAYS = 0  # kept forever
    settings.MEUTE_RETENTION_TOKEN_DAYS = 5
    results = {result.name: result for result in retention.purge()}
    assert results["notifications"].count == 2
    assert (results["locator_enquiries"].days, results["locator_enquiries"].count) == (0, 0)
    assert results["expired_api_tokens"].count == 3
    left = ages_left()
    assert left["notifications"] == ["Notice 10"]
    assert left["enquiries"] == ["Visitor 10", "Visitor 40", "Visitor 400"]
    assert left["tokens"] == ["live"]


def test_a_running_lockout_is_never_purged(aged, settings):
    settings.MEUTE_RETENTION_LOGIN_DAYS = 1
    settings.AXES_COOLOFF_TIME = datetime.timedelta(days=15)
    retention.purge()
    assert ages_left()["attempts"] == ["user10"]  # 10 days old, locked out for 15
    assert ages_left()["logs"] == []


def test_command_dry_run_deletes_nothing_then_purge(aged, capsys):
    assert main(["privacy", "purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "notifications: 1 older than 180 days would be deleted" in out
    assert Notification.objects.count() == 3
    assert main(["privacy", "purge"]) == 0
    out = capsys.readouterr().out
    assert "locator_enquiries: 1 older than 365 days deleted" in out
    assert Enquiry.objects.count() == 2
    assert main(["privacy", "purge", "someone@example.org"]) == 2
    assert Enquiry.objects.count() == 2


def test_beat_runs_the_purge_daily(aged):
    assert app.conf.beat_schedule["core-retention-purge"]["task"] == "meute.core.tasks.purge_task"
    assert purge_task.delay().get()["notifications"] == 1
    assert Notification.objects.count() == 2
