"""Staff propose a match on behalf of a member from the pages (profile and suggested partners)."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from meute.core.factories import OrganizationFactory
from meute.groupings import groupings
from meute.groupings.models import MatchProposal

from .groupings_fixtures import build_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    return build_members(world)


def url_for(organization):
    return f"/groupings/members/{organization.uuid}/propose/"


def messages_of(response):
    """The messages this request added (earlier ones not yet shown are left out)."""
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def test_staff_proposes_on_behalf_from_the_profile_page(members, client_for):
    w = members.world
    page = client_for(w.manager).get(f"/groupings/profiles/{members.a.uuid}/").content.decode()
    assert "Propose on behalf of Alpha Intégration" in page
    form = page[page.index('id="propose-on-behalf"') :]
    assert f'value="{w.org_b.uuid}"' in form and f'value="{w.org_a.uuid}"' not in form  # not to itself
    response = client_for(w.manager).post(
        url_for(w.org_a),
        {"recipient": w.org_b.uuid, "message": " Vous devriez vous parler ", "back": "profile"},
    )
    assert response.status_code == 302 and response.url == "/groupings/proposals/"
    assert messages_of(response) == ["Proposal sent to Bêta Conseil on behalf of Alpha Intégration."]
    proposal = MatchProposal.objects.get()
    assert (proposal.proposer, proposal.recipient, proposal.proposed_by) == (w.org_a, w.org_b, w.manager)
    assert proposal.message == "Vous devriez vous parler" and proposal.reasons and proposal.on_behalf
    # The recipient answers it like any proposal; both members see that staff made it.
    incoming = client_for(w.partner_b_user).get("/groupings/proposals/").content.decode()
    assert "Vous devriez vous parler" in incoming and "proposed on their behalf by the operator" in incoming
    outgoing = client_for(w.partner_a_user).get("/groupings/proposals/").content.decode()
    assert "proposed on your behalf by the operator" in outgoing
    staff_list = client_for(w.admin).get("/groupings/proposals/").content.decode()
    assert "on behalf of the member" in staff_list
    api = client_for(w.partner_b_user).get(f"/api/match-proposals/{proposal.uuid}/").json()
    assert api["on_behalf"] is True and api["proposed_by"] is None  # members see the fact, not the user
    api = client_for(w.reader).get(f"/api/match-proposals/{proposal.uuid}/").json()
    assert api["on_behalf"] is True and api["proposed_by"] == "manager"
    groupings.accept(proposal, w.partner_b_user)
    assert list(groupings.contacts_of(w.org_a)) == [w.org_b]


def test_a_member_s_own_proposal_is_not_on_behalf(members, client_for):
    w = members.world
    # A partner cannot slip another proposer into its own form: the extra field is ignored.
    client_for(w.partner_a_user).post(
        f"/groupings/profiles/{members.b.uuid}/propose/", {"message": "Hi", "proposer": members.org_c.uuid}
    )
    proposal = MatchProposal.objects.get()
    assert proposal.proposer == w.org_a and not proposal.on_behalf
    assert (
        client_for(w.partner_a_user).get(f"/api/match-proposals/{proposal.uuid}/").json()["on_behalf"]
        is False
    )
    assert "on behalf" not in client_for(w.partner_b_user).get("/groupings/proposals/").content.decode()


def test_same_rules_as_a_member_s_own_proposal(members, client_for):
    w = members.world
    staff = client_for(w.manager)
    staff.post(url_for(w.org_a), {"recipient": w.org_b.uuid})
    again = staff.post(url_for(w.org_a), {"recipient": w.org_b.uuid, "back": "profile"})
    assert again.url == f"/groupings/profiles/{members.a.uuid}/"
    assert messages_of(again) == [
        "A proposal from Alpha Intégration to Bêta Conseil is already waiting for an answer."
    ]
    reverse = staff.post(url_for(w.org_b), {"recipient": w.org_a.uuid})
    assert messages_of(reverse) == [
        "Alpha Intégration already proposed to Bêta Conseil: that proposal waits for an answer."
    ]
    assert MatchProposal.objects.count() == 1
    groupings.accept(MatchProposal.objects.get(), w.partner_b_user)
    contacts = staff.post(url_for(w.org_b), {"recipient": w.org_a.uuid})
    assert messages_of(contacts) == ["Bêta Conseil and Alpha Intégration are already in contact."]
    # Not to itself, not to a member out of matchmaking, not from a member without a profile.
    to_self = staff.post(url_for(w.org_a), {"recipient": w.org_a.uuid})
    assert messages_of(to_self) == ["A member cannot propose to itself."]
    members.c.is_visible = False
    members.c.save()
    hidden = staff.post(url_for(w.org_a), {"recipient": members.org_c.uuid})
    assert messages_of(hidden) == ["This member does not take part in matchmaking."]
    missing = staff.post(url_for(w.org_a), {"message": "x"})
    assert messages_of(missing) == ["Choose the member to propose to."]
    newcomer = OrganizationFactory(name="Epsilon Sans Profil")
    no_profile = staff.post(url_for(newcomer), {"recipient": members.org_d.uuid})
    assert no_profile.url == "/groupings/profiles/"
    assert messages_of(no_profile) == [
        "Epsilon Sans Profil has no member profile yet: fill it in before proposing."
    ]
    assert MatchProposal.objects.count() == 1


def test_only_staff_editors_propose_on_behalf(members, client_for):
    w = members.world
    data = {"recipient": members.org_d.uuid, "message": "x"}
    # A partner user: 403 for its own organisation here (it proposes from the profile pages), 404 for others.
    assert client_for(w.partner_a_user).post(url_for(w.org_a), data).status_code == 403
    assert client_for(w.partner_a_user).post(url_for(w.org_b), data).status_code == 404
    assert client_for(members.partner_c_user).post(url_for(w.org_a), data).status_code == 404
    # Read-only staff see but do not act.
    assert client_for(w.reader).post(url_for(w.org_a), data).status_code == 403
    assert Client().post(url_for(w.org_a), data).status_code == 302  # anonymous: to the login page
    assert not MatchProposal.objects.exists()
    for user in (w.reader, w.partner_b_user):
        page = client_for(user).get(f"/groupings/profiles/{members.a.uuid}/").content.decode()
        assert "Propose on behalf" not in page
    suggestions = client_for(w.reader).get(f"/groupings/members/{w.org_a.uuid}/suggestions/")
    assert suggestions.status_code == 200 and "Propose on behalf" not in suggestions.content.decode()


def test_staff_propose_from_the_suggestions_page(members, client_for):
    w = members.world
    page = client_for(w.manager).get(f"/groupings/members/{w.org_a.uuid}/suggestions/").content.decode()
    assert "Propose on behalf of Alpha Intégration" in page
    assert f'name="recipient" value="{w.org_b.uuid}"' in page
    response = client_for(w.manager).post(
        url_for(w.org_a), {"recipient": w.org_b.uuid, "message": "Suggéré", "back": "suggestions"}
    )
    assert response.url == "/groupings/proposals/"
    proposal = MatchProposal.objects.get()
    assert proposal.proposer == w.org_a and proposal.proposed_by == w.manager
    again = client_for(w.manager).post(url_for(w.org_a), {"recipient": w.org_b.uuid, "back": "suggestions"})
    assert again.url == f"/groupings/members/{w.org_a.uuid}/suggestions/"
