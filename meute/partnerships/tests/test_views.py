"""Partnership pages: list, page, create with parties, edit, add and remove a party, access."""

import pytest
from django.urls import reverse

from meute.core.factories import OrganizationFactory, PersonFactory
from meute.partnerships.models import Partnership, PartnershipParty

pytestmark = pytest.mark.django_db


def url(name, obj, **extra):
    return reverse(name, kwargs={"uuid": obj.uuid, **extra})


def party_data(*parties, prefix="parties"):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(parties)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "2",
        f"{prefix}-MAX_NUM_FORMS": "20",
    }
    for index, (organization, role, manager) in enumerate(parties):
        data[f"{prefix}-{index}-organization"] = str(organization.uuid) if organization else ""
        data[f"{prefix}-{index}-role"] = role
        data[f"{prefix}-{index}-involvement"] = "regular"
        data[f"{prefix}-{index}-alliance_manager"] = str(manager.uuid) if manager else ""
    return data


MAIN = {
    "name": "Gamma OEM",
    "kind": "channel",
    "collaboration_model": "oem",
    "stage": "design",
    "status": "trial",
    "start_date": "2026-01-15",
}


class TestPages:
    def test_pages_render_for_staff(self, client_for, world):
        client = client_for(world.manager)
        seat = world.partnership_a.parties.get(organization=world.org_a)
        for page in [
            reverse("partnership-list"),
            reverse("partnership-create"),
            url("partnership-detail", world.partnership_a),
            url("partnership-update", world.partnership_a),
            url("partnership-delete", world.partnership_a),
            url("partnership-party-add", world.partnership_a),
            url("partnership-party-remove", world.partnership_a, party_uuid=seat.uuid),
        ]:
            assert client.get(page).status_code == 200, page

    def test_detail_shows_parties_and_boundaries(self, client_for, world):
        response = client_for(world.manager).get(url("partnership-detail", world.partnership_a))
        html = response.content.decode()
        assert "Alpha Intégration" in html and "Vendeur Logiciel" in html
        assert "Onboarding" in html
        assert {p.organization for p in response.context["parties"]} == {world.operator, world.org_a}

    def test_list_filters_and_htmx_partial(self, client_for, world):
        client = client_for(world.manager)
        response = client.get(reverse("partnership-list"), {"status": "prospect"})
        assert list(response.context["object_list"]) == [world.partnership_b]
        response = client.get(reverse("partnership-list"), {"q": "alpha"}, headers={"HX-Request": "true"})
        html = response.content.decode()
        assert "<html" not in html and "Alpha channel" in html and "Bêta channel" not in html

    def test_list_query_count_is_bounded(self, client_for, world, django_assert_max_num_queries):
        from meute.partnerships.parties import PartySpec, create_partnership

        for index in range(30):
            create_partnership(
                [PartySpec(world.operator), PartySpec(OrganizationFactory())], name=f"P{index}"
            )
        client = client_for(world.manager)
        # session, user, the unread-notifications count, count and rows of the page, prefetches
        with django_assert_max_num_queries(7):
            response = client.get(reverse("partnership-list"))
        assert len(response.context["object_list"]) == 25


class TestOutsider:
    def test_other_partnership_is_404(self, client_for, world):
        client = client_for(world.partner_a_user)
        seat = world.partnership_b.parties.get(organization=world.org_b)
        for page in [
            url("partnership-detail", world.partnership_b),
            url("partnership-update", world.partnership_b),
            url("partnership-delete", world.partnership_b),
            url("partnership-party-add", world.partnership_b),
            url("partnership-party-remove", world.partnership_b, party_uuid=seat.uuid),
        ]:
            assert client.get(page).status_code == 404, page
        assert (
            client.post(
                url("partnership-party-remove", world.partnership_b, party_uuid=seat.uuid)
            ).status_code
            == 404
        )

    def test_list_shows_own_partnerships_only(self, client_for, world):
        response = client_for(world.partner_a_user).get(reverse("partnership-list"))
        assert list(response.context["object_list"]) == [world.partnership_a]

    def test_partner_cannot_create_or_change_partnerships(self, client_for, world):
        client = client_for(world.partner_a_user)
        assert client.get(reverse("partnership-create")).status_code == 403
        data = {**MAIN, **party_data((world.org_a, "partner", None), (world.operator, "operator", None))}
        assert client.post(reverse("partnership-create"), data).status_code == 403
        assert client.get(url("partnership-update", world.partnership_a)).status_code == 403
        assert client.post(url("partnership-party-add", world.partnership_a)).status_code == 403
        assert not Partnership.objects.filter(name="Gamma OEM").exists()

    def test_partner_sees_own_partnership_without_links_to_hidden_pages(self, client_for, world):
        response = client_for(world.partner_a_user).get(url("partnership-detail", world.partnership_a))
        html = response.content.decode()
        assert response.status_code == 200
        assert "Vendeur Logiciel" in html
        assert world.operator.get_absolute_url() not in html
        assert url("partnership-update", world.partnership_a) not in html


class TestCreate:
    def test_create_with_two_parties_and_alliance_managers(self, client_for, world):
        org_c = OrganizationFactory(name="Gamma")
        manager_c = PersonFactory(organization=org_c)
        data = {**MAIN, **party_data((world.operator, "operator", None), (org_c, "partner", manager_c))}
        response = client_for(world.manager).post(reverse("partnership-create"), data)
        assert response.status_code == 302
        partnership = Partnership.objects.get(name="Gamma OEM")
        assert response["Location"] == partnership.get_absolute_url()
        seats = {s.organization: s for s in partnership.parties.all()}
        assert set(seats) == {world.operator, org_c}
        assert seats[org_c].alliance_manager == manager_c

    def test_create_page_presets_the_operator(self, client_for, world):
        response = client_for(world.manager).get(reverse("partnership-create"))
        first = response.context["formset"].forms[0]
        assert first.initial["organization"] == world.operator.uuid
        assert "Vendeur Logiciel" in response.content.decode()

    @pytest.mark.parametrize("case", ["one_party", "duplicate", "manager_elsewhere", "dates"])
    def test_invalid_input_creates_nothing(self, client_for, world, case):
        main = dict(MAIN)
        if case == "one_party":
            parties = party_data((world.operator, "operator", None), (None, "partner", None))
        elif case == "duplicate":
            parties = party_data((world.org_a, "operator", None), (world.org_a, "partner", None))
        elif case == "manager_elsewhere":
            parties = party_data((world.operator, "operator", None), (world.org_a, "partner", world.person_b))
        else:
            parties = party_data((world.operator, "operator", None), (world.org_a, "partner", None))
            main["end_date"] = "2025-01-01"
        response = client_for(world.manager).post(reverse("partnership-create"), {**main, **parties})
        assert response.status_code == 422
        assert 'role="alert"' in response.content.decode()
        assert not Partnership.objects.filter(name="Gamma OEM").exists()
        assert PartnershipParty.objects.count() == 4


class TestEditAndParties:
    def test_edit_main_fields_is_audited(self, client_for, world):
        client = client_for(world.manager)
        data = {**MAIN, "name": "Alpha channel", "status": "active", "stage": "support"}
        response = client.post(url("partnership-update", world.partnership_a), data)
        assert response.status_code == 302
        world.partnership_a.refresh_from_db()
        assert world.partnership_a.stage == "support"
        page = client.get(url("partnership-detail", world.partnership_a))
        assert page.context["history"][0].changes_dict["stage"] == ["onboarding", "support"]
        assert "Support" in page.content.decode()

    def test_add_then_remove_a_party_keeping_two(self, client_for, world):
        client = client_for(world.manager)
        data = {
            "party-organization": str(world.org_b.uuid),
            "party-role": "partner",
            "party-involvement": "committed",
        }
        response = client.post(url("partnership-party-add", world.partnership_a), data)
        assert response.status_code == 302
        assert world.partnership_a.parties.count() == 3
        # Adding the same organisation twice is refused.
        response = client.post(url("partnership-party-add", world.partnership_a), data)
        assert response.status_code == 422
        assert world.partnership_a.parties.count() == 3

        seat = world.partnership_a.parties.get(organization=world.org_b)
        response = client.post(url("partnership-party-remove", world.partnership_a, party_uuid=seat.uuid))
        assert response.status_code == 302
        assert world.partnership_a.parties.count() == 2

        seat = world.partnership_a.parties.get(organization=world.org_a)
        response = client.post(url("partnership-party-remove", world.partnership_a, party_uuid=seat.uuid))
        assert response.status_code == 409
        assert "at least two parties" in response.content.decode()
        assert world.partnership_a.parties.count() == 2

    def test_delete_partnership(self, client_for, world):
        response = client_for(world.admin).post(url("partnership-delete", world.partnership_b))
        assert response.status_code == 302
        assert not Partnership.objects.filter(pk=world.partnership_b.pk).exists()
