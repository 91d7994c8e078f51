"""Events of a joint campaign: invitations of contacts and prospects, answers, attendance, leads, the counts
in the campaign's results, and who sees whose guests."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from meute.campaigns import events, planning
from meute.campaigns.choices import ActionKind, RegistrationStatus, SplitRule
from meute.campaigns.models import Campaign, EventRegistration
from meute.core.factories import PersonFactory

D = Decimal
BEFORE = datetime.date(2027, 4, 1)
DURING = datetime.date(2027, 5, 20)
AFTER = datetime.date(2027, 6, 1)


def travel(day):
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(9), tzinfo=datetime.UTC))


@pytest.fixture
def event(world):
    """Alpha coordinates a seminar with Bêta and the vendor; 6,000 EUR of budget."""
    campaign = Campaign(
        name="Matinale cybersécurité",
        coordinator=world.org_a,
        start_date=datetime.date(2027, 5, 1),
        end_date=datetime.date(2027, 6, 30),
        split_rule=SplitRule.EQUAL,
    )
    planning.save_campaign(
        campaign,
        world.manager,
        [{"organization": world.org_a}, {"organization": world.org_b}, {"organization": world.operator}],
    )
    planning.add_budget_line(campaign, world.manager, "Salle et traiteur", D("6000"), "EUR")
    return planning.add_action(
        campaign,
        world.manager,
        kind=ActionKind.SEMINAR,
        title="Séminaire clients Lyon",
        start_date=datetime.date(2027, 5, 20),
        end_date=datetime.date(2027, 5, 20),
        location="Lyon",
    )


def invite_prospect(event, user, organization, email, today=BEFORE):
    return events.invite(
        event,
        user,
        organization=organization,
        name="Paul Prospect",
        email=email,
        company="Client SA",
        today=today,
    )


def test_partner_invites_its_contact_and_prospects_for_its_own_organisation_only(event, world):
    contact = events.invite(
        event, world.partner_b_user, organization=world.org_b, person=world.person_b, today=BEFORE
    )
    assert (contact.name, contact.company) == ("Bruno Bernard", "Bêta Conseil")
    prospect = invite_prospect(event, world.partner_b_user, world.org_b, "Paul@Client.example")
    assert prospect.email == "paul@client.example" and prospect.status == RegistrationStatus.INVITED
    with pytest.raises(PermissionDenied):
        invite_prospect(event, world.partner_b_user, world.org_a, "x@client.example")
    with pytest.raises(ValidationError, match="your own contacts"):
        events.invite(
            event, world.partner_b_user, organization=world.org_b, person=world.person_a, today=BEFORE
        )
    with pytest.raises(ValidationError, match="already invited"):
        invite_prospect(event, world.partner_a_user, world.org_a, "paul@client.example")
    with pytest.raises(ValidationError, match="name and e-mail"):
        events.invite(event, world.partner_b_user, organization=world.org_b, name="Sans e-mail", today=BEFORE)
    with pytest.raises(ValidationError, match="is over"):
        invite_prospect(event, world.partner_b_user, world.org_b, "late@client.example", today=AFTER)
    assert EventRegistration.objects.count() == 2


def test_only_events_take_invitations_and_only_participants_invite(event, world):
    mailing = planning.add_action(
        event.campaign,
        world.manager,
        kind=ActionKind.EMAILING,
        title="E-mailing",
        start_date=datetime.date(2027, 5, 2),
        end_date=datetime.date(2027, 5, 2),
        location="",
    )
    with pytest.raises(ValidationError, match="take invitations"):
        invite_prospect(mailing, world.manager, world.org_a, "a@client.example")
    outsider = PersonFactory().organization
    with pytest.raises(ValidationError, match="participant"):
        invite_prospect(event, world.manager, outsider, "b@client.example")
    assert not EventRegistration.objects.exists()


def test_answers_before_the_end_attendance_once_started_leads_only_for_attendees(event, world):
    guest = invite_prospect(event, world.partner_b_user, world.org_b, "paul@client.example")
    events.set_status(guest, world.partner_b_user, RegistrationStatus.REGISTERED, today=BEFORE)
    with pytest.raises(ValidationError, match="once the event has started"):
        events.set_status(guest, world.partner_b_user, RegistrationStatus.ATTENDED, today=BEFORE)
    with pytest.raises(ValidationError, match="Only an attendee"):
        events.set_lead(guest, world.partner_b_user, True)
    with pytest.raises(PermissionDenied):
        events.set_status(guest, world.reader, RegistrationStatus.DECLINED, today=BEFORE)
    events.set_status(guest, world.partner_b_user, RegistrationStatus.ATTENDED, today=DURING)
    guest = events.set_lead(guest, world.partner_b_user, True)
    assert guest.is_lead
    with pytest.raises(ValidationError, match="only attendance"):
        events.set_status(guest, world.partner_b_user, RegistrationStatus.DECLINED, today=AFTER)
    guest = events.set_status(guest, world.partner_b_user, RegistrationStatus.NO_SHOW, today=AFTER)
    assert guest.status == RegistrationStatus.NO_SHOW and not guest.is_lead


def test_the_coordinator_marks_attendance_of_every_participants_guests(event, world):
    guest = invite_prospect(event, world.partner_b_user, world.org_b, "paul@client.example")
    events.set_status(guest, world.partner_a_user, RegistrationStatus.ATTENDED, today=DURING)
    assert EventRegistration.objects.get().status == RegistrationStatus.ATTENDED


def test_figures_and_costs_count_each_participant(event, world):
    for i, status in enumerate(
        [
            RegistrationStatus.ATTENDED,
            RegistrationStatus.ATTENDED,
            RegistrationStatus.NO_SHOW,
            RegistrationStatus.DECLINED,
        ]
    ):
        guest = invite_prospect(event, world.partner_b_user, world.org_b, f"g{i}@client.example")
        if status != RegistrationStatus.DECLINED:
            events.set_status(guest, world.manager, RegistrationStatus.REGISTERED, today=BEFORE)
        events.set_status(
            guest, world.manager, status, today=DURING if status != RegistrationStatus.DECLINED else BEFORE
        )
        if i == 0:
            events.set_lead(guest, world.manager, True)
    invite_prospect(event, world.partner_a_user, world.org_a, "a@client.example")
    found = events.figures(event.campaign)
    assert found[world.org_b.pk] == events.Figures(invited=4, registered=3, attended=2, leads=1)
    assert found[world.org_a.pk] == events.Figures(invited=1)
    assert world.operator.pk not in found
    assert events.cost_per(D("6000.00"), 2) == D("3000.00")
    assert events.cost_per(D("6000.00"), 0) is None


def test_event_page_shows_a_partner_its_own_guests_and_refuses_other_partners(event, world, client_for):
    invite_prospect(event, world.partner_a_user, world.org_a, "alpha.guest@client.example")
    bob = invite_prospect(event, world.partner_b_user, world.org_b, "beta.guest@client.example")
    url = f"/campaigns/events/{event.uuid}/"
    with travel(BEFORE):
        body = client_for(world.partner_b_user).get(url).content.decode()
        assert "beta.guest@client.example" in body and "alpha.guest@client.example" not in body
        # Alpha (another partner) cannot change Bêta's guest: the row is not even found for it.
        response = client_for(world.partner_a_user).post(
            url, {"action": "status", "registration": str(bob.uuid), "status": RegistrationStatus.DECLINED}
        )
        assert response.status_code == 404
        assert EventRegistration.objects.get(pk=bob.pk).status == RegistrationStatus.INVITED
        outsider = PersonFactory().organization
        stranger = world.partner_b_user.__class__.objects.create(
            username="gamma", role=world.partner_b_user.role, organization=outsider
        )
        assert client_for(stranger).get(url).status_code == 404
        response = client_for(world.partner_b_user).post(
            url,
            {"action": "invite", "organization": world.org_a.pk, "name": "X", "email": "x@client.example"},
        )
        assert response.status_code == 400
        assert not EventRegistration.objects.filter(email="x@client.example").exists()


def test_event_page_invites_and_marks_attendance_then_the_campaign_counts_it(event, world, client_for):
    url = f"/campaigns/events/{event.uuid}/"
    with travel(BEFORE):
        # Logged in inside each travel: a session opened at another date would have expired.
        response = client_for(world.partner_b_user).post(
            url,
            {
                "action": "invite",
                "organization": world.org_b.pk,
                "name": "Paul Prospect",
                "email": "paul@client.example",
                "company": "Client SA",
            },
        )
        assert response.status_code == 302
    guest = EventRegistration.objects.get()
    with travel(DURING):
        client = client_for(world.partner_b_user)
        client.post(
            url, {"action": "status", "registration": str(guest.uuid), "status": RegistrationStatus.ATTENDED}
        )
        client.post(url, {"action": "lead", "registration": str(guest.uuid), "lead": "1"})
        guest.refresh_from_db()
        assert guest.status == RegistrationStatus.ATTENDED and guest.is_lead
        body = client.get(event.campaign.get_absolute_url()).content.decode()
    assert 'id="attendees-total">1<' in body
    assert "6,000.00 EUR" in body  # the whole budget for the one attendee


def test_event_page_in_french(event, world, client_for):
    invite_prospect(event, world.partner_b_user, world.org_b, "paul@client.example")
    with travel(BEFORE):
        body = (
            client_for(world.partner_b_user)
            .get(f"/campaigns/events/{event.uuid}/", HTTP_ACCEPT_LANGUAGE="fr")
            .content.decode()
        )
    assert "Invitations et présence" in body and "Vos invités" in body and "Invité" in body
    assert "Invitations and attendance" not in body and "Your guests" not in body


def test_public_page_opened_by_the_coordinator_registers_visitors_for_the_partner_whose_link(
    event, world, client, settings
):
    settings.MEUTE_EVENT_REGISTRATION_RATE = ""
    url = f"/campaigns/events/{event.uuid}/register/"
    with travel(BEFORE):
        assert client.get(url).status_code == 404  # closed until the coordinator opens it
        with pytest.raises(PermissionDenied):
            events.set_public(event, world.partner_b_user, True)
        events.set_public(event, world.partner_a_user, True)
        invited = invite_prospect(event, world.partner_b_user, world.org_b, "paul@client.example")
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert page.status_code == 200 and "S’inscrire" in page.content.decode()
        sent = client.post(
            f"{url}?via={world.org_b.uuid}",
            {"name": "Zoé Visiteuse", "email": "Zoe@Client.example", "company": "Client SA"},
        )
        assert sent.status_code == 200 and 'id="registration-sent"' in sent.content.decode()
        visitor = EventRegistration.objects.get(email="zoe@client.example")
        assert visitor.invited_by == world.org_b and visitor.status == RegistrationStatus.REGISTERED
        # The plain link: the coordinator's guest. An invited address registers; the answer is the same.
        client.post(url, {"name": "Ana", "email": "ana@client.example"})
        assert EventRegistration.objects.get(email="ana@client.example").invited_by == world.org_a
        again = client.post(url, {"name": "Paul", "email": "paul@client.example"})
        assert again.content.decode().count('id="registration-sent"') == 1
        invited.refresh_from_db()
        assert invited.status == RegistrationStatus.REGISTERED and invited.invited_by == world.org_b
        bad = client.post(url, {"name": "", "email": "not-an-address"})
        assert bad.status_code == 422
        robot = client.post(url, {"name": "Bot", "email": "bot@spam.example", "nickname": "x"})
        assert robot.status_code == 200
        assert EventRegistration.objects.count() == 3
    with travel(AFTER):
        assert client.get(url).status_code == 404  # the event is over


def test_public_page_limits_registrations_per_address(event, world, client, settings):
    settings.MEUTE_EVENT_REGISTRATION_RATE = "2/hour"
    events.set_public(event, world.manager, True)
    url = f"/campaigns/events/{event.uuid}/register/"
    with travel(BEFORE):
        for i in range(2):
            assert client.post(url, {"name": "V", "email": f"v{i}@client.example"}).status_code == 200
        assert client.post(url, {"name": "V", "email": "v9@client.example"}).status_code == 429
    assert EventRegistration.objects.count() == 2
