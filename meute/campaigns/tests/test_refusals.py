"""Refusals of the campaigns' workflows carry a stable code (409 through the API) and change nothing.

Event invitations, answers and attendance are written through the event page only: their refusals are
checked on the workflow functions (the code and details a page and any later API would read) and nothing
is written.
"""

import datetime
from decimal import Decimal

import pytest

from meute.campaigns import events, planning
from meute.campaigns.choices import ActionKind, RegistrationStatus
from meute.campaigns.models import BudgetLine, EventRegistration
from meute.core.factories import OrganizationFactory
from meute.lib.refusals import CODES, Refusal

from .test_events import AFTER, BEFORE, DURING, event, invite_prospect  # noqa: F401

D = Decimal


def test_a_budget_line_without_an_exchange_rate_answers_409_and_adds_nothing(event, world, api):  # noqa: F811
    campaign = event.campaign
    lines = BudgetLine.objects.count()
    response = api(world.manager).post(
        f"/api/campaigns/{campaign.uuid}/budget-lines/",
        {"label": "Ads", "amount": "1000", "currency": "USD"},
        format="json",
    )
    assert response.status_code == 409, response.json()
    error = response.json()["error"]
    assert error["code"] == "no_exchange_rate"
    assert error["details"] == {"from": "USD", "to": "EUR", "day": "2027-05-01"}
    assert list(error["fields"]) == ["currency"]
    assert BudgetLine.objects.count() == lines


def test_bad_budget_input_stays_a_400(event, world, api):  # noqa: F811
    response = api(world.manager).post(
        f"/api/campaigns/{event.campaign.uuid}/budget-lines/",
        {"label": "Ads", "amount": "0", "currency": "EUR"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def _refusal(call) -> Refusal:
    before = sorted(EventRegistration.objects.values_list("pk", "status", "is_lead"))
    with pytest.raises(Refusal) as caught:
        call()
    assert sorted(EventRegistration.objects.values_list("pk", "status", "is_lead")) == before
    assert caught.value.code in CODES
    return caught.value


def test_invitation_refusals(event, world):  # noqa: F811
    refusal = _refusal(lambda: invite_prospect(event, world.manager, world.org_a, "late@x.example", AFTER))
    assert (refusal.code, refusal.details) == ("event_over", {"end_date": "2027-05-20"})
    stranger = OrganizationFactory(name="Gamma Services")
    refusal = _refusal(lambda: invite_prospect(event, world.manager, stranger, "c@x.example"))
    assert refusal.code == "not_participant" and "organization" in refusal.message_dict
    invite_prospect(event, world.manager, world.org_a, "paul@client.example")
    refusal = _refusal(lambda: invite_prospect(event, world.manager, world.org_b, "paul@client.example"))
    assert refusal.code == "already_invited"


def test_a_campaign_action_that_is_not_an_event_takes_no_invitation(event, world):  # noqa: F811
    mailing = planning.add_action(
        event.campaign,
        world.manager,
        kind=ActionKind.EMAILING,
        title="Relance",
        start_date=datetime.date(2027, 5, 2),
        end_date=datetime.date(2027, 5, 2),
    )
    refusal = _refusal(lambda: invite_prospect(mailing, world.manager, world.org_a, "p@x.example"))
    assert (refusal.code, refusal.details) == ("not_an_event", {"kind": ActionKind.EMAILING})
    assert _refusal(lambda: events.set_public(mailing, world.manager, True)).code == "not_an_event"
    mailing.refresh_from_db()
    assert not mailing.public_registration


def test_answer_and_attendance_refusals(event, world):  # noqa: F811
    guest = invite_prospect(event, world.manager, world.org_a, "paul@client.example")
    refusal = _refusal(lambda: events.set_status(guest, world.manager, RegistrationStatus.ATTENDED, BEFORE))
    assert (refusal.code, refusal.details) == ("event_not_started", {"start_date": "2027-05-20"})
    refusal = _refusal(lambda: events.set_status(guest, world.manager, RegistrationStatus.REGISTERED, AFTER))
    assert refusal.code == "event_over"
    refusal = _refusal(lambda: events.set_lead(guest, world.manager, True))
    assert (refusal.code, refusal.details) == (
        "not_attendee",
        {"current": "invited", "allowed": ["attended"]},
    )
    events.set_status(guest, world.manager, RegistrationStatus.DECLINED, BEFORE)
    refusal = _refusal(lambda: events.set_status(guest, world.manager, RegistrationStatus.ATTENDED, DURING))
    assert refusal.code == "invitation_declined"


def test_a_closed_public_registration_is_refused(event):  # noqa: F811
    refusal = _refusal(
        lambda: events.register_public(event, via=None, name="Visitor", email="v@x.example", today=BEFORE)
    )
    assert refusal.code == "registration_closed"
