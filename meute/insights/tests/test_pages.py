"""Pages and API of insights: what staff and partners see, the outsider check on every page and endpoint,
and writes refused without a trace."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from meute.insights import surveys
from meute.insights.models import GovernanceMeeting, HealthSnapshot, Interaction, Survey, SurveyQuestion
from meute.insights.snapshots import take_snapshots

pytestmark = pytest.mark.django_db


def _partnership_pages(partnership):
    return [
        reverse(name, kwargs={"uuid": partnership.uuid})
        for name in (
            "insights:health",
            "insights:governance",
            "insights:integration-detail",
            "insights:scorecard",
        )
    ]


def _partnership_api(partnership):
    return [
        f"/api/insights/partnerships/{partnership.uuid}/{what}/"
        for what in ("health", "scorecard", "integration")
    ]


def test_a_partner_sees_its_own_partnership_insights(client_for, insight_world):
    world = insight_world.world
    client = client_for(world.partner_a_user)
    for url in _partnership_pages(world.partnership_a):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Alpha channel" in response.content.decode()
    page = client.get(
        reverse("partnership-detail", kwargs={"uuid": world.partnership_a.uuid})
    ).content.decode()
    assert 'id="partnership-health"' in page


def test_another_partner_is_refused_on_every_page_and_endpoint(client_for, api, insight_world):
    world = insight_world.world
    client = client_for(world.partner_b_user)
    for url in _partnership_pages(world.partnership_a):
        assert client.get(url).status_code == 404, url
    for url in _partnership_api(world.partnership_a):
        assert api(world.partner_b_user).get(url).status_code == 404, url
    meeting = GovernanceMeeting.objects.filter(partnership=world.partnership_a).first()
    assert api(world.partner_b_user).get(f"/api/governance-meetings/{meeting.uuid}/").status_code == 404
    listed = api(world.partner_b_user).get("/api/governance-meetings/").json()
    assert listed["count"] == 0
    # My scorecard leads a partner to its own partnership, never another's.
    response = client.get(reverse("insights:my-scorecard"))
    assert response.status_code == 302
    assert str(world.partnership_b.uuid) in response["Location"]


def test_staff_pages_are_refused_to_partners(client_for, api, insight_world):
    world = insight_world.world
    survey = surveys.create_survey(
        title="Autumn", opens_on=datetime.date(2026, 9, 1), closes_on=datetime.date(2026, 9, 30)
    )
    client = client_for(world.partner_a_user)
    for url in (
        reverse("insights:network"),
        reverse("insights:integration-list"),
        reverse("insights:survey-list"),
        reverse("insights:survey-detail", kwargs={"uuid": survey.uuid}),
        reverse("insights:survey-export", kwargs={"uuid": survey.uuid}),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert api(world.partner_a_user).get("/api/insights/network/").status_code == 403
    assert (
        api(world.partner_a_user).get(f"/api/satisfaction-surveys/{survey.uuid}/results/").status_code == 404
    )
    assert api(world.partner_a_user).get("/api/satisfaction-surveys/").json()["count"] == 0
    # Creating a survey is refused and writes nothing.
    response = client.post(
        reverse("insights:survey-list"),
        {"survey-title": "Mine", "survey-opens_on": "2026-01-01", "survey-closes_on": "2026-01-31"},
    )
    assert response.status_code == 403
    assert not Survey.objects.filter(title="Mine").exists()


def test_partners_cannot_record_governance_or_exchanges(client_for, api, insight_world):
    world = insight_world.world
    before = GovernanceMeeting.objects.count()
    client = client_for(world.partner_a_user)
    url = reverse("insights:governance", kwargs={"uuid": world.partnership_a.uuid})
    response = client.post(
        url, {"meeting-level": "executive", "meeting-held_on": "2026-06-01", "meeting-title": "Mine"}
    )
    assert response.status_code == 403
    url = reverse("insights:integration-detail", kwargs={"uuid": world.partnership_a.uuid})
    assert client.post(url, {"exchange-occurred_on": "2026-06-01"}).status_code == 403
    response = api(world.partner_a_user).post(
        "/api/governance-meetings/",
        {
            "partnership": str(world.partnership_a.uuid),
            "level": "executive",
            "held_on": "2026-06-01",
            "title": "x",
        },
        format="json",
    )
    assert response.status_code == 403
    assert GovernanceMeeting.objects.count() == before
    assert Interaction.objects.count() == 0


def test_staff_record_a_meeting_and_an_exchange(client_for, insight_world):
    world = insight_world.world
    client = client_for(world.manager)
    url = reverse("insights:governance", kwargs={"uuid": world.partnership_a.uuid})
    response = client.post(
        url,
        {
            "meeting-level": "alliance",
            "meeting-held_on": "2026-06-25",
            "meeting-title": "Quarterly review",
            "meeting-attendees": [insight_world.vendor_am.pk, world.person_a.pk],
            "meeting-decisions": "Joint event in October",
        },
    )
    assert response.status_code == 302
    meeting = GovernanceMeeting.objects.get(title="Quarterly review")
    assert set(meeting.attendees.all()) == {insight_world.vendor_am, world.person_a}
    url = reverse("insights:integration-detail", kwargs={"uuid": world.partnership_a.uuid})
    for side in ("partner", "operator"):
        response = client.post(
            url,
            {
                "exchange-occurred_on": "2026-06-20",
                "exchange-kind": "call",
                "exchange-initiated_by": side,
                "exchange-partner_contact": world.person_a.pk,
                "exchange-vendor_contact": insight_world.vendor_am.pk,
            },
        )
        assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="integration-index">17/100' in page  # sales only: 1 department of 6


def test_a_meeting_with_a_stranger_is_refused(client_for, insight_world):
    world = insight_world.world
    client = client_for(world.manager)
    url = reverse("insights:governance", kwargs={"uuid": world.partnership_a.uuid})
    before = GovernanceMeeting.objects.count()
    response = client.post(
        url,
        {
            "meeting-level": "alliance",
            "meeting-held_on": "not a date",
            "meeting-title": "",
            "meeting-attendees": [world.person_b.pk],
        },
    )
    assert response.status_code == 422
    assert GovernanceMeeting.objects.count() == before


def test_the_network_dashboard_draws_its_charts(client_for, api, figures_world):
    world = figures_world.world
    take_snapshots(datetime.date(2026, 6, 30))
    response = client_for(world.admin).get(reverse("insights:network"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<svg") >= 5
    assert "Bêta channel" in page  # in poor health
    integration = client_for(world.admin).get(reverse("insights:integration-list")).content.decode()
    assert "Alpha channel" in integration and "Bêta channel" not in integration  # active ones only
    data = api(world.admin).get("/api/insights/network/").json()
    assert data["health"]["low"][0]["name"] == "Bêta channel"
    assert sum(b["partnerships"] for b in data["health"]["bands"]) == 2


def test_the_dashboard_is_an_empty_state_without_data(client_for, world):
    response = client_for(world.admin).get(reverse("insights:network"))
    assert response.status_code == 200
    assert "No health snapshot yet" in response.content.decode()


def test_survey_pages_for_staff(client_for, world):
    client = client_for(world.manager)
    response = client.post(
        reverse("insights:survey-list"),
        {"survey-title": "Spring", "survey-opens_on": "2026-03-31", "survey-closes_on": "2026-03-01"},
    )
    assert response.status_code == 422
    assert not Survey.objects.exists()
    response = client.post(
        reverse("insights:survey-list"),
        {"survey-title": "Spring", "survey-opens_on": "2026-03-01", "survey-closes_on": "2099-03-31"},
    )
    survey = Survey.objects.get()
    assert response.status_code == 302
    detail = reverse("insights:survey-detail", kwargs={"uuid": survey.uuid})
    response = client.post(
        detail, {"action": "question", "question-text": "Tools?", "question-kind": "scale"}
    )
    assert SurveyQuestion.objects.filter(survey=survey, text="Tools?").exists()
    assert client.get(detail).status_code == 200
    export = client.get(reverse("insights:survey-export", kwargs={"uuid": survey.uuid}))
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")


def test_scorecard_figures_are_the_partnerships_own(api, insight_world, program):
    from meute.programs.models import RevenueRecord

    world = insight_world.world
    RevenueRecord.objects.create(
        partnership=world.partnership_a, period=datetime.date(2026, 2, 1), amount=Decimal("1200.50")
    )
    RevenueRecord.objects.create(
        partnership=world.partnership_b, period=datetime.date(2026, 2, 1), amount=Decimal("999")
    )
    import time_machine

    with time_machine.travel(datetime.datetime(2026, 6, 30, 12, 0), tick=False):
        data = (
            api(world.partner_a_user)
            .get(f"/api/insights/partnerships/{world.partnership_a.uuid}/scorecard/")
            .json()
        )
    assert data["revenue"] == "1200.50"
    assert data["objective"] == "50000.00"
    assert data["health"]["score"] == 100
    assert HealthSnapshot.objects.count() == 0


def test_partnerships_without_a_partner_alliance_manager_are_filtered_and_counted(client_for, insight_world):
    world = insight_world.world
    world.partnership_b.status = "active"
    world.partnership_b.save()
    client = client_for(world.manager)
    listed = client.get(reverse("partnership-list") + "?alliance_manager=missing").content.decode()
    assert "Bêta channel" in listed and "Alpha channel" not in listed
    named = client.get(reverse("partnership-list") + "?alliance_manager=named").content.decode()
    assert "Alpha channel" in named and "Bêta channel" not in named
    home = client.get(reverse("dashboard")).content.decode()
    assert 'id="stat-unnamed-managers">1<' in home
    # Partners do not get the staff count; they get their scorecard panel instead.
    partner_home = client_for(world.partner_a_user).get(reverse("dashboard")).content.decode()
    assert "stat-unnamed-managers" not in partner_home
    assert 'id="portal-scorecard"' in partner_home
    assert "Bêta channel" not in partner_home


def test_executive_sponsors_met_before_the_letter_of_intent(client_for, insight_world):
    world = insight_world.world
    url = reverse("insights:governance", kwargs={"uuid": world.partnership_a.uuid})
    assert 'id="timing-warning"' not in client_for(world.manager).get(url).content.decode()
    GovernanceMeeting.objects.create(
        partnership=world.partnership_a,
        level="executive",
        held_on=datetime.date(2024, 12, 1),
        title="Too soon",
    )
    page = client_for(world.manager).get(url).content.decode()
    assert 'id="timing-warning"' in page
