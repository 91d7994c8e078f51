"""REST API for partnerships and their parties: CRUD, nested parties, rights, row-level access."""

import pytest

from meute.core.factories import OrganizationFactory, PersonFactory, SectorFactory, TerritoryFactory
from meute.partnerships.choices import PartyRole
from meute.partnerships.models import Partnership, PartnershipParty
from meute.partnerships.parties import PartySpec, create_partnership

PARTNERSHIPS = "/api/partnerships/"
PARTIES = "/api/partnership-parties/"


def url(base, obj):
    return f"{base}{obj.uuid}/"


def error_of(response, status):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def new_partnership_payload(world, **overrides):
    payload = {
        "name": "Gamma channel",
        "collaboration_model": "referral",
        "stage": "recruitment",
        "status": "trial",
        "start_date": "2025-01-01",
        "parties": [
            {"organization": str(world.operator.uuid), "role": "operator"},
            {
                "organization": str(world.org_a.uuid),
                "role": "partner",
                "involvement": "committed",
                "alliance_manager": str(world.person_a.uuid),
            },
        ],
    }
    payload.update(overrides)
    return payload


@pytest.mark.django_db
class TestPartnershipCrud:
    def test_manager_creates_with_parties_and_boundaries(self, api, world):
        TerritoryFactory(code="ara", name="Auvergne-Rhône-Alpes")
        SectorFactory(code="health", name="Health")
        response = api(world.manager).post(
            PARTNERSHIPS,
            new_partnership_payload(world, territories=["ara"], sectors=["health"]),
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["territories"] == ["ara"]
        assert body["sectors"] == ["health"]
        parties = {party["organization"]: party for party in body["parties"]}
        assert set(parties) == {str(world.operator.uuid), str(world.org_a.uuid)}
        assert parties[str(world.org_a.uuid)]["alliance_manager"] == str(world.person_a.uuid)
        assert parties[str(world.org_a.uuid)]["involvement"] == "committed"
        partnership = Partnership.objects.get(uuid=body["uuid"])
        assert partnership.parties.count() == 2
        assert partnership.status == "trial"

    def test_read_update_delete(self, api, world):
        client = api(world.manager)
        body = client.get(url(PARTNERSHIPS, world.partnership_b)).json()
        assert body["name"] == "Bêta channel"
        assert len(body["parties"]) == 2
        response = client.patch(url(PARTNERSHIPS, world.partnership_b), {"status": "active"}, format="json")
        assert response.status_code == 200, response.content
        world.partnership_b.refresh_from_db()
        assert world.partnership_b.status == "active"
        assert client.delete(url(PARTNERSHIPS, world.partnership_b)).status_code == 204
        assert not Partnership.objects.filter(pk=world.partnership_b.pk).exists()

    def test_fewer_than_two_parties_is_refused(self, api, world):
        payload = new_partnership_payload(world)
        payload["parties"] = payload["parties"][:1]
        error = error_of(api(world.manager).post(PARTNERSHIPS, payload, format="json"), 400)
        assert error["fields"]["parties"] == ["A partnership needs at least two parties."]
        payload.pop("parties")
        error = error_of(api(world.manager).post(PARTNERSHIPS, payload, format="json"), 400)
        assert "parties" in error["fields"]
        assert not Partnership.objects.filter(name="Gamma channel").exists()

    def test_alliance_manager_outside_the_organization_is_refused(self, api, world):
        payload = new_partnership_payload(world)
        payload["parties"][1]["alliance_manager"] = str(world.person_b.uuid)
        error = error_of(api(world.manager).post(PARTNERSHIPS, payload, format="json"), 400)
        assert "parties" in error["fields"]
        assert not Partnership.objects.filter(name="Gamma channel").exists()

    def test_partnership_rules_are_field_errors(self, api, world):
        payload = new_partnership_payload(
            world, end_date="2024-01-01", grouping_level="pack", stage="nowhere", name=""
        )
        error = error_of(api(world.manager).post(PARTNERSHIPS, payload, format="json"), 400)
        assert {"stage", "name"} <= set(error["fields"])
        payload = new_partnership_payload(world, end_date="2024-01-01", grouping_level="pack")
        error = error_of(api(world.manager).post(PARTNERSHIPS, payload, format="json"), 400)
        assert set(error["fields"]) == {"end_date", "grouping_level"}
        assert not Partnership.objects.filter(name="Gamma channel").exists()

    def test_parties_cannot_be_rewritten_through_the_partnership(self, api, world):
        payload = {"parties": [{"organization": str(world.org_b.uuid)}]}
        error = error_of(
            api(world.manager).patch(url(PARTNERSHIPS, world.partnership_a), payload, format="json"), 400
        )
        assert "parties" in error["fields"]


@pytest.mark.django_db
class TestPartnershipAccess:
    def test_reader_cannot_write(self, api, world):
        client = api(world.reader)
        assert client.get(PARTNERSHIPS).json()["count"] == 2
        error_of(client.post(PARTNERSHIPS, new_partnership_payload(world), format="json"), 403)
        error_of(client.patch(url(PARTNERSHIPS, world.partnership_a), {"name": "X"}, format="json"), 403)
        error_of(client.delete(url(PARTNERSHIPS, world.partnership_a)), 403)

    def test_partner_sees_own_partnerships_only(self, api, world):
        client = api(world.partner_a_user)
        body = client.get(PARTNERSHIPS).json()
        assert [row["name"] for row in body["results"]] == ["Alpha channel"]
        assert client.get(PARTNERSHIPS, {"organization": str(world.org_b.uuid)}).json()["count"] == 0
        for call in (
            client.get(url(PARTNERSHIPS, world.partnership_b)),
            client.patch(url(PARTNERSHIPS, world.partnership_b), {"name": "X"}, format="json"),
            client.put(url(PARTNERSHIPS, world.partnership_b), {"name": "X"}, format="json"),
            client.delete(url(PARTNERSHIPS, world.partnership_b)),
        ):
            error_of(call, 404)
        world.partnership_b.refresh_from_db()
        assert world.partnership_b.name == "Bêta channel"

    def test_partner_cannot_create_change_or_delete_partnerships(self, api, world):
        client = api(world.partner_a_user)
        error_of(client.post(PARTNERSHIPS, new_partnership_payload(world), format="json"), 403)
        assert not Partnership.objects.filter(name="Gamma channel").exists()
        error_of(client.patch(url(PARTNERSHIPS, world.partnership_a), {"name": "X"}, format="json"), 403)
        error_of(client.delete(url(PARTNERSHIPS, world.partnership_a)), 403)


@pytest.mark.django_db
class TestPartnershipFilters:
    def test_filters_ordering_pagination(self, api, world):
        client = api(world.manager)

        def names(params):
            response = client.get(PARTNERSHIPS, params)
            assert response.status_code == 200, response.content
            return [row["name"] for row in response.json()["results"]]

        assert names({"status": "active"}) == ["Alpha channel"]
        assert names({"stage": "recruitment"}) == ["Bêta channel"]
        assert names({"organization": str(world.org_b.uuid)}) == ["Bêta channel"]
        assert names({"q": "alpha"}) == ["Alpha channel"]
        assert names({"ordering": "-name"}) == ["Bêta channel", "Alpha channel"]
        page = client.get(PARTNERSHIPS, {"page_size": 1, "page": 2}).json()
        assert page["count"] == 2
        assert [row["name"] for row in page["results"]] == ["Bêta channel"]
        assert client.get(PARTNERSHIPS, {"status": "bogus"}).status_code == 400

    def test_list_runs_a_bounded_number_of_queries(self, api, world, django_assert_max_num_queries):
        territory = TerritoryFactory(code="north", name="North")
        for index in range(32):
            org = OrganizationFactory()
            manager = PersonFactory(organization=org)
            partnership = create_partnership(
                [
                    PartySpec(world.operator, role=PartyRole.OPERATOR),
                    PartySpec(org, alliance_manager=manager),
                ],
                name=f"Channel {index:02d}",
                territories=[territory],
            )
            assert partnership.parties.count() == 2
        for user, expected in ((world.manager, 34), (world.partner_a_user, 1)):
            with django_assert_max_num_queries(7):
                response = api(user).get(PARTNERSHIPS, {"page_size": 100})
            assert response.json()["count"] == expected


@pytest.mark.django_db
class TestParties:
    def test_manager_adds_updates_and_removes_a_party(self, api, world):
        client = api(world.manager)
        response = client.post(
            PARTIES,
            {
                "partnership": str(world.partnership_a.uuid),
                "organization": str(world.org_b.uuid),
                "role": "partner",
                "alliance_manager": str(world.person_b.uuid),
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        seat = PartnershipParty.objects.get(uuid=response.json()["uuid"])
        assert seat.partnership == world.partnership_a
        assert response.json()["organization_name"] == "Bêta Conseil"
        response = client.patch(url(PARTIES, seat), {"involvement": "integrated"}, format="json")
        assert response.status_code == 200, response.content
        seat.refresh_from_db()
        assert seat.involvement == "integrated"
        assert client.delete(url(PARTIES, seat)).status_code == 204
        assert world.partnership_a.parties.count() == 2

    def test_removing_below_two_parties_is_409(self, api, world):
        seat = world.partnership_a.parties.get(organization=world.org_a)
        error = error_of(api(world.manager).delete(url(PARTIES, seat)), 409)
        assert error["code"] == "too_few_parties"
        assert PartnershipParty.objects.filter(pk=seat.pk).exists()

    def test_duplicate_party_and_foreign_alliance_manager_are_field_errors(self, api, world):
        client = api(world.manager)
        error = error_of(
            client.post(
                PARTIES,
                {"partnership": str(world.partnership_a.uuid), "organization": str(world.org_a.uuid)},
                format="json",
            ),
            400,
        )
        assert error["fields"]["organization"] == [
            "This organisation is already a party to this partnership."
        ]
        error = error_of(
            client.post(
                PARTIES,
                {
                    "partnership": str(world.partnership_a.uuid),
                    "organization": str(world.org_b.uuid),
                    "alliance_manager": str(world.person_a.uuid),
                },
                format="json",
            ),
            400,
        )
        assert "alliance_manager" in error["fields"]

    def test_seat_cannot_move_to_another_organization(self, api, world):
        seat = world.partnership_a.parties.get(organization=world.org_a)
        error = error_of(
            api(world.manager).patch(
                url(PARTIES, seat), {"organization": str(world.org_b.uuid)}, format="json"
            ),
            400,
        )
        assert "organization" in error["fields"]

    def test_reader_and_partner_cannot_write(self, api, world):
        seat = world.partnership_a.parties.get(organization=world.org_a)
        for user in (world.reader, world.partner_a_user):
            client = api(user)
            payload = {"partnership": str(world.partnership_a.uuid), "organization": str(world.org_b.uuid)}
            error_of(client.post(PARTIES, payload, format="json"), 403)
            error_of(client.patch(url(PARTIES, seat), {"role": "member"}, format="json"), 403)
            error_of(client.delete(url(PARTIES, seat)), 403)

    def test_partner_sees_seats_of_own_partnerships_only(self, api, world):
        client = api(world.partner_a_user)
        rows = client.get(PARTIES).json()["results"]
        assert {row["partnership"] for row in rows} == {str(world.partnership_a.uuid)}
        assert {row["organization"] for row in rows} == {str(world.operator.uuid), str(world.org_a.uuid)}
        seat_b = world.partnership_b.parties.get(organization=world.org_b)
        for call in (
            client.get(url(PARTIES, seat_b)),
            client.patch(url(PARTIES, seat_b), {"role": "member"}, format="json"),
            client.delete(url(PARTIES, seat_b)),
        ):
            error_of(call, 404)
        assert client.get(PARTIES, {"organization": str(world.org_b.uuid)}).json()["count"] == 0

    def test_filters_and_query_count(self, api, world, django_assert_max_num_queries):
        for _ in range(30):
            org = OrganizationFactory()
            create_partnership(
                [PartySpec(world.operator, role=PartyRole.OPERATOR), PartySpec(org, alliance_manager=None)],
                name=f"Channel {org.name}",
            )
        client = api(world.manager)
        rows = client.get(PARTIES, {"partnership": str(world.partnership_b.uuid)}).json()["results"]
        assert {row["organization"] for row in rows} == {str(world.operator.uuid), str(world.org_b.uuid)}
        assert client.get(PARTIES, {"role": "operator"}).json()["count"] == 32
        with django_assert_max_num_queries(3):
            assert client.get(PARTIES, {"page_size": 100}).json()["count"] == 64
