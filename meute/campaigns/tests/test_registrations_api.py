"""The event registrations API: invitations, answers and attendance, each partner with its own guests."""

from meute.campaigns.choices import RegistrationStatus
from meute.campaigns.models import EventRegistration
from meute.campaigns.tests.test_events import BEFORE, DURING, event, travel  # noqa: F401 (fixture)

URL = "/api/event-registrations/"


def test_partner_invites_answers_and_marks_attendance_of_its_own_guests(event, world, api):  # noqa: F811
    partner_b = api(world.partner_b_user)
    with travel(BEFORE):
        created = partner_b.post(
            URL,
            {"event": str(event.uuid), "name": "Paul Prospect", "email": "Paul@Client.example"},
            format="json",
        )
        assert created.status_code == 201, created.json()
        body = created.json()
        assert (body["invited_by"], body["email"], body["status"]) == (
            str(world.org_b.uuid),
            "paul@client.example",
            "invited",
        )
        contact = partner_b.post(
            URL, {"event": str(event.uuid), "person": str(world.person_b.uuid)}, format="json"
        )
        assert contact.status_code == 201 and contact.json()["name"] == "Bruno Bernard"
        answered = partner_b.post(f"{URL}{body['uuid']}/status/", {"status": "registered"}, format="json")
        assert answered.json()["status"] == "registered"
        early = partner_b.post(f"{URL}{body['uuid']}/status/", {"status": "attended"}, format="json")
        # A workflow refusal: 409 with its code, and the registration unchanged.
        assert early.status_code == 409 and early.json()["error"]["code"] == "event_not_started"
        assert "once the event has started" in str(early.json())
        assert partner_b.get(f"{URL}{body['uuid']}/").json()["status"] == "registered"
    with travel(DURING):
        came = partner_b.post(f"{URL}{body['uuid']}/status/", {"status": "attended"}, format="json")
        assert came.status_code == 200
        lead = partner_b.post(f"{URL}{body['uuid']}/lead/", {"is_lead": True}, format="json")
        assert lead.json()["is_lead"] is True
    listed = partner_b.get(URL, {"event": str(event.uuid), "status": "attended"}).json()["results"]
    assert [r["email"] for r in listed] == ["paul@client.example"]
    assert EventRegistration.objects.get(email="paul@client.example").status == RegistrationStatus.ATTENDED


def test_another_partner_neither_sees_nor_changes_the_guests_nor_invites_for_them(event, world, api):  # noqa: F811
    with travel(BEFORE):
        guest = api(world.partner_a_user).post(
            URL, {"event": str(event.uuid), "name": "Paul", "email": "paul@client.example"}, format="json"
        )
        partner_b = api(world.partner_b_user)
        uuid = guest.json()["uuid"]
        assert partner_b.get(URL).json()["results"] == []
        assert partner_b.get(f"{URL}{uuid}/").status_code == 404
        assert (
            partner_b.post(f"{URL}{uuid}/status/", {"status": "declined"}, format="json").status_code == 404
        )
        # Inviting in another participant's name, or one of its contacts, is refused and saves nothing.
        for_a = partner_b.post(
            URL,
            {
                "event": str(event.uuid),
                "organization": str(world.org_a.uuid),
                "name": "X",
                "email": "x@c.example",
            },
            format="json",
        )
        assert for_a.status_code == 403
        contact_of_a = partner_b.post(
            URL, {"event": str(event.uuid), "person": str(world.person_a.uuid)}, format="json"
        )
        assert contact_of_a.status_code == 400 and "own contacts" in str(contact_of_a.json())
        assert (
            api(world.reader).post(f"{URL}{uuid}/status/", {"status": "declined"}, format="json").status_code
            == 403
        )
    assert EventRegistration.objects.get().status == RegistrationStatus.INVITED
    staff = api(world.manager).get(URL, {"event": str(event.uuid)}).json()["results"]
    assert [r["uuid"] for r in staff] == [uuid]


def test_an_event_the_partner_does_not_take_part_in_is_unknown_to_it(event, world, api):  # noqa: F811
    outsider = api(world.partner_b_user)
    event.campaign.participants.filter(organization=world.org_b).delete()
    with travel(BEFORE):
        response = outsider.post(
            URL, {"event": str(event.uuid), "name": "Paul", "email": "paul@client.example"}, format="json"
        )
    assert response.status_code == 400 and "No event with this identifier" in str(response.json())
    assert not EventRegistration.objects.exists()
