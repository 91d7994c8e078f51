"""Rough edges of the groupings pages: empty states that explain, form errors that say which field, the
payouts page as the menu opens it."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from meute.collaboration import playbooks
from meute.core.factories import OrganizationFactory
from meute.groupings import groupings
from meute.partnerships.models import Partnership
from meute.remuneration import payouts, periods, rule_versions
from meute.remuneration.models import Payout
from meute.remuneration.tests.fixtures import won_deal

from .groupings_fixtures import build_members

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(world):
    return build_members(world)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)._queued_messages]


def test_payouts_page_opens_on_this_quarter_s_payouts(pay_world, client_for):
    w = pay_world
    rule_versions.save_version(
        w.pack, valid_from=datetime.date(2020, 1, 1), rules=[{"kind": "commission_pool", "rate": "10"}]
    )
    won_deal(w.pack, [(o, w.member) for o in (w.org_a, w.org_c, w.org_d)], on=timezone.localdate())
    payouts.compute_payouts(periods.current_period())
    assert Payout.objects.count() == 3
    url = reverse("groupings:payout-list")
    staff = client_for(w.manager).get(url).content.decode()
    assert "Gamma Coaching" in staff and "No payout matches these criteria." not in staff
    own = client_for(w.partner_a_user).get(url).content.decode()
    assert "Alpha Intégration" in own and "Gamma Coaching" not in own
    # "All matching" without filters acts on the payouts the page shows (this quarter's), not on none.
    response = client_for(w.manager).post(url, {"action": "approve", "all_matching": "on"})
    assert response.status_code == 302
    assert Payout.objects.filter(status="approved").count() == 3


def test_empty_states_explain_what_to_do(members, client_for):
    w = members.world
    page = client_for(w.partner_a_user).get("/groupings/").content.decode()
    assert "You are not in a grouping yet." in page and 'href="/groupings/suggestions/"' in page
    page = client_for(w.manager).get("/groupings/").content.decode()
    assert "Members form packs with the members who accepted their proposals." in page
    page = client_for(w.manager).get("/groupings/?level=tribe").content.decode()
    assert "No grouping at this level." in page
    page = client_for(w.manager).get("/groupings/profiles/", {"q": "zzz introuvable"}).content.decode()
    assert "No member matches “zzz introuvable”." in page
    page = client_for(w.partner_a_user).get("/groupings/proposals/").content.decode()
    assert "Proposals received" in page and "Proposals sent" in page
    rules = reverse("groupings:payout-rules", kwargs={"uuid": w.partnership_a.uuid})
    assert "Add a first version" in client_for(w.manager).get(rules).content.decode()
    assert "until the coordinator or the operator" in client_for(w.partner_a_user).get(rules).content.decode()


def test_pack_and_member_forms_say_what_is_wrong(members, client_for):
    w = members.world
    client = client_for(w.partner_a_user)
    assert messages_of(client.post("/groupings/packs/new/", {"name": " "})) == [
        "Give the pack a name. Choose at least one contact."
    ]
    groupings.accept(groupings.propose(w.partner_a_user, w.org_b), w.partner_b_user)
    stranger = client.post("/groupings/packs/new/", {"name": "Duo", "contacts": [members.org_c.pk]})
    assert messages_of(stranger) == ["Only members who accepted a proposal can join."]
    assert not Partnership.objects.filter(name="Duo").exists()
    pack = groupings.form_pack(w.partner_a_user, [w.org_b], "Duo")
    add = f"/groupings/{pack.uuid}/members/add/"
    assert messages_of(client.post(add, {"role": "member"})) == ["Choose the member to add."]
    outsider = OrganizationFactory(name="Hors Matchmaking")
    refused = client.post(add, {"organization": outsider.uuid, "role": "member"})
    assert messages_of(refused) == [
        "This organisation cannot be added: a coordinator takes in members who take part in matchmaking."
    ]
    bad_role = client.post(add, {"organization": members.org_c.uuid, "role": "boss"})
    assert len(messages_of(bad_role)) == 1 and messages_of(bad_role)[0].startswith("Role: ")
    assert pack.parties.count() == 2


def test_document_form_names_the_missing_field(members, client_for):
    w = members.world
    groupings.accept(groupings.propose(w.partner_a_user, w.org_b), w.partner_b_user)
    pack = groupings.form_pack(w.partner_a_user, [w.org_b], "Duo")
    item = playbooks.instantiate(pack, "referral")[0]
    url = reverse("groupings:playbook-document", kwargs={"uuid": pack.uuid, "item": item.uuid})
    response = client_for(w.partner_a_user).post(url, {f"doc-{item.pk}-url": "https://x.example/c"})
    assert messages_of(response) == ["Document title: This field is required."]
    assert not item.documents.exists()


def test_api_payout_errors_are_translatable_messages(pay_world, api):
    response = api(pay_world.manager).get("/api/payouts/", {"status": "bogus"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["status"] == ["Unknown status “bogus”."]
    response = api(pay_world.manager).get("/api/payouts/statement/")
    assert response.json()["error"]["fields"]["member"] == ["Give the member's UUID."]


def test_staff_reach_the_profile_form_from_a_member_without_profile(members, client_for):
    newcomer = OrganizationFactory(name="Zeta Nouveau")
    url = f"/groupings/members/{newcomer.uuid}/suggestions/"
    page = client_for(members.world.manager).get(url).content.decode()
    assert "Fill in the member profile first" in page
    assert f'href="/groupings/members/{newcomer.uuid}/profile/"' in page
    page = client_for(members.world.reader).get(url).content.decode()
    assert f'href="/groupings/members/{newcomer.uuid}/profile/"' not in page
