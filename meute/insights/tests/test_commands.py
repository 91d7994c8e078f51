"""``meute insights`` and the weekly task: thin around the domain functions; bad input is a clear error."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from meute.insights import surveys
from meute.insights.models import HealthSnapshot, SurveyInvitation
from meute.insights.tasks import snapshot_health_task
from meute.notifications.models import Notification

pytestmark = pytest.mark.django_db


def test_snapshot_command_scores_every_partnership(insight_world):
    out = StringIO()
    call_command("insights", "snapshot", "--date", "2026-06-30", stdout=out)
    assert "2 partnerships scored on 2026-06-30" in out.getvalue()
    assert HealthSnapshot.objects.filter(taken_on=datetime.date(2026, 6, 30)).count() == 2


def test_the_weekly_task_alerts_staff_of_a_drop(insight_world):
    world = insight_world.world
    call_command("insights", "snapshot", "--date", "2026-06-20", stdout=StringIO())
    world.partnership_a.parties.filter(organization=world.org_a).update(alliance_manager=None)
    result = snapshot_health_task.apply().get()  # today: far later, meetings overdue too
    assert result["written"] == 2
    assert result["drops"] == 1
    alert = Notification.objects.get(recipient=world.manager, kind="health_drop")
    assert "Alpha channel" in alert.title
    assert alert.url == reverse("insights:health", kwargs={"uuid": world.partnership_a.uuid})


def test_bad_input_is_a_clear_error(insight_world):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("insights", "snapshot", "--date", "30/06/2026")
    with pytest.raises(CommandError, match="No survey"):
        call_command("insights", "send", "not-a-uuid", "--base-url", "https://x.example")
    with pytest.raises(CommandError, match="No partnership"):
        call_command("insights", "scorecard", "00000000-0000-0000-0000-000000000000")
    assert HealthSnapshot.objects.count() == 0


def test_send_and_scorecard_commands(insight_world):
    world = insight_world.world
    survey = surveys.create_survey(
        title="Now",
        opens_on=datetime.date.today(),
        closes_on=datetime.date.today() + datetime.timedelta(days=9),
    )
    out = StringIO()
    call_command("insights", "send", str(survey.uuid), "--base-url", "https://prm.example.com", stdout=out)
    assert "1 contacts invited" in out.getvalue()
    assert SurveyInvitation.objects.count() == 1
    assert mail.outbox[0].body.count("https://prm.example.com/insights/survey/") == 1
    out = StringIO()
    call_command("insights", "scorecard", str(world.partnership_a.uuid), stdout=out)
    assert "Alpha channel" in out.getvalue() and "Health:" in out.getvalue()


def test_pages_speak_french(client_for, insight_world):
    client = client_for(insight_world.world.manager)
    url = reverse("insights:health", kwargs={"uuid": insight_world.world.partnership_a.uuid})
    page = client.get(url, headers={"accept-language": "fr"}).content.decode()
    assert "Les critères" in page and "Alliance manager de chaque côté" in page
    page = client.get(reverse("insights:network"), headers={"accept-language": "fr"}).content.decode()
    assert "Réseau de partenaires" in page
