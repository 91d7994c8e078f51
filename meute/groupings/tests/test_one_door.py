"""One way into a grouping: every endpoint that can add (or change) a party was tried on a grouping; only
the grouping's own functions let a member in, under their rule, and a refusal writes nothing."""

import pytest
from django.urls import reverse

from meute.core.factories import OrganizationFactory
from meute.groupings import groupings
from meute.partnerships.models import Partnership, PartnershipParty

from .groupings_fixtures import build_members


@pytest.fixture
def pack(world):
    members = build_members(world)
    w = members.world
    groupings.accept(groupings.propose(w.partner_a_user, w.org_b, "Salut"), w.partner_b_user)
    pack = groupings.form_pack(w.partner_a_user, [w.org_b], "Meute numérique")
    members.pack = pack
    members.stranger = OrganizationFactory(name="Sans Contact")  # no profile, no accepted proposal
    return members


def _seats(partnership):
    return sorted(
        PartnershipParty.objects.filter(partnership=partnership).values_list("organization_id", "role")
    )


class TestGenericDoorsAreClosed:
    def test_api_parties_post_refuses_a_grouping(self, pack, api):
        before = _seats(pack.pack)
        response = api(pack.world.manager).post(
            "/api/partnership-parties/",
            {"partnership": str(pack.pack.uuid), "organization": str(pack.stranger.uuid), "role": "member"},
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "grouping_membership"
        assert "through the grouping itself" in response.json()["error"]["message"]
        assert _seats(pack.pack) == before

    def test_api_parties_patch_and_delete_refuse_a_grouping_seat(self, pack, api):
        before = _seats(pack.pack)
        seat = pack.pack.parties.get(role="coordinator")
        client = api(pack.world.manager)
        patched = client.patch(f"/api/partnership-parties/{seat.uuid}/", {"role": "member"}, format="json")
        assert patched.status_code == 409 and patched.json()["error"]["code"] == "grouping_membership"
        PartnershipParty.objects.create(partnership=pack.pack, organization=pack.org_c, role="member")
        third = pack.pack.parties.get(organization=pack.org_c)
        deleted = client.delete(f"/api/partnership-parties/{third.uuid}/")
        assert deleted.status_code == 409 and deleted.json()["error"]["code"] == "grouping_membership"
        assert _seats(pack.pack) == sorted([*before, (pack.org_c.pk, "member")])

    def test_api_partnerships_cannot_create_a_grouping(self, pack, api):
        count = Partnership.objects.count()
        response = api(pack.world.manager).post(
            "/api/partnerships/",
            {
                "name": "Meute parallèle",
                "kind": "grouping",
                "grouping_level": "pack",
                "collaboration_model": "referral",
                "parties": [
                    {"organization": str(pack.world.org_a.uuid), "role": "coordinator"},
                    {"organization": str(pack.stranger.uuid), "role": "member"},
                ],
            },
            format="json",
        )
        assert response.status_code == 409
        assert response.json()["error"]["code"] == "grouping_membership"
        assert Partnership.objects.count() == count

    def test_api_partnerships_cannot_turn_a_channel_into_a_grouping(self, pack, api):
        partnership = pack.world.partnership_a
        response = api(pack.world.manager).patch(
            f"/api/partnerships/{partnership.uuid}/",
            {"kind": "grouping", "grouping_level": "pack"},
            format="json",
        )
        assert response.status_code == 409
        partnership.refresh_from_db()
        assert partnership.kind == "channel"

    def test_party_add_and_remove_pages_refuse_a_grouping(self, pack, client_for):
        before = _seats(pack.pack)
        client = client_for(pack.world.manager)
        response = client.post(
            reverse("partnership-party-add", kwargs={"uuid": pack.pack.uuid}),
            {
                "party-organization": str(pack.stranger.uuid),
                "party-role": "member",
                "party-involvement": "regular",
            },
        )
        assert response.status_code == 422
        assert "through the grouping itself" in response.content.decode()
        seat = pack.pack.parties.get(role="member")
        removed = client.post(
            reverse("partnership-party-remove", kwargs={"uuid": pack.pack.uuid, "party_uuid": seat.uuid})
        )
        assert removed.status_code == 409
        assert _seats(pack.pack) == before


class TestTheGroupingsDoor:
    def test_api_pack_refuses_a_stranger(self, pack, api):
        count = Partnership.objects.count()
        response = api(pack.world.partner_a_user).post(
            "/api/groupings/", {"name": "Duo", "contacts": [str(pack.stranger.uuid)]}, format="json"
        )
        assert response.status_code == 409 and response.json()["error"]["code"] == "not_contact"
        assert Partnership.objects.count() == count

    def test_api_members_refuses_a_stranger_and_takes_in_a_matchmaking_member(self, pack, api):
        client = api(pack.world.partner_a_user)
        url = f"/api/groupings/{pack.pack.uuid}/members/"
        before = _seats(pack.pack)
        refused = client.post(url, {"organization": str(pack.stranger.uuid)}, format="json")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "not_addable"
        assert "matchmaking" in refused.json()["error"]["fields"]["organization"][0]
        assert _seats(pack.pack) == before
        taken = client.post(url, {"organization": str(pack.org_c.uuid), "role": "member"}, format="json")
        assert taken.status_code == 201, taken.json()
        assert (pack.org_c.pk, "member") in _seats(pack.pack)

    def test_api_members_refuses_a_member_who_does_not_steer(self, pack, api):
        before = _seats(pack.pack)
        response = api(pack.world.partner_b_user).post(
            f"/api/groupings/{pack.pack.uuid}/members/", {"organization": str(pack.org_c.uuid)}, format="json"
        )
        assert response.status_code == 403
        assert _seats(pack.pack) == before

    def test_api_members_is_404_for_an_outsider(self, pack, api):
        outsider = pack.world.partner_b_user
        other = groupings.form_pack(pack.world.manager, [pack.world.org_b], "Autre", pack.world.org_a)
        PartnershipParty.objects.filter(partnership=other, organization=pack.world.org_b).delete()
        response = api(outsider).post(
            f"/api/groupings/{other.uuid}/members/", {"organization": str(pack.org_c.uuid)}, format="json"
        )
        assert response.status_code == 404

    def test_page_refuses_a_stranger(self, pack, client_for):
        before = _seats(pack.pack)
        client_for(pack.world.partner_a_user).post(
            reverse("groupings:grouping-member-add", kwargs={"uuid": pack.pack.uuid}),
            {"organization": pack.stranger.uuid, "role": "member"},
        )
        assert _seats(pack.pack) == before

    def test_function_refuses_a_stranger_for_a_coordinator_but_staff_may(self, pack):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as error:
            groupings.add_member(pack.pack, pack.world.partner_a_user, pack.stranger)
        assert "matchmaking" in error.value.message_dict["organization"][0]
        assert not pack.pack.parties.filter(organization=pack.stranger).exists()
        groupings.add_member(pack.pack, pack.world.manager, pack.stranger)
        assert pack.pack.parties.filter(organization=pack.stranger).exists()
