"""REST API for organisations and people: CRUD, rights, row-level access, validation, the error format."""

import pytest
from auditlog.models import LogEntry
from rest_framework.test import APIClient

from meute.core import tokens
from meute.core.choices import PartnerType
from meute.core.factories import OrganizationFactory, PersonFactory, TagFactory, TerritoryFactory
from meute.core.models import ApiToken, Organization, Person

ORGS = "/api/organizations/"
PEOPLE = "/api/people/"


def org_url(org):
    return f"{ORGS}{org.uuid}/"


def person_url(person):
    return f"{PEOPLE}{person.uuid}/"


def assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code
    return body["error"]


@pytest.mark.django_db
class TestOrganizationCrud:
    def test_manager_lists_and_reads_everything(self, api, world):
        response = api(world.manager).get(ORGS)
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 3
        assert {row["name"] for row in body["results"]} == {
            "Vendeur Logiciel",
            "Alpha Intégration",
            "Bêta Conseil",
        }
        row = api(world.manager).get(org_url(world.org_b)).json()
        assert row["uuid"] == str(world.org_b.uuid)
        assert row["url"].endswith(org_url(world.org_b))
        assert "id" not in row
        assert row["country"] == "FR"
        assert row["siren"] == world.org_b.siren

    def test_manager_creates_with_normalised_identifiers_types_and_codes(self, api, world):
        tag = TagFactory(code="gold-prospect", name="Gold prospect")
        region = TerritoryFactory(code="ara", name="Auvergne-Rhône-Alpes")
        payload = {
            "name": "Gamma Systèmes",
            "siren": "732 829 320",
            "siret": "732 829 320 00074",
            "vat_number": "fr 44 732829320",
            "email_domain": "https://www.gamma.example.org/contact",
            "country": "BE",
            "region": "ara",
            "headcount": 40,
            "sales_headcount": 5,
            "annual_revenue": "1250000.50",
            "partner_types": [PartnerType.RESELLER, PartnerType.SYSTEM_INTEGRATOR],
            "company_sizes": ["sme", "mid_market"],
            "tags": ["gold-prospect"],
            "geographies": ["ara"],
        }
        response = api(world.manager).post(ORGS, payload, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["siren"] == "732829320"
        assert body["siret"] == "73282932000074"
        assert body["vat_number"] == "FR44732829320"
        assert body["email_domain"] == "gamma.example.org"
        assert sorted(body["partner_types"]) == ["reseller", "system_integrator"]
        assert body["tags"] == ["gold-prospect"]
        assert body["annual_revenue"] == "1250000.50"
        org = Organization.objects.get(uuid=body["uuid"])
        assert sorted(org.partner_types) == ["reseller", "system_integrator"]
        assert org.region == region
        assert list(org.tags.all()) == [tag]
        assert org.company_sizes == ["sme", "mid_market"]
        assert org.country.code == "BE"

    def test_update_replaces_partner_types_and_is_audited_with_token_actor(self, world):
        _token, key = tokens.issue(world.manager, "script")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = client.patch(
            org_url(world.org_a), {"city": "Grenoble", "partner_types": ["referrer"]}, format="json"
        )
        assert response.status_code == 200, response.content
        assert response.json()["partner_types"] == ["referrer"]
        world.org_a.refresh_from_db()
        assert world.org_a.city == "Grenoble"
        assert world.org_a.partner_types == ["referrer"]
        entry = LogEntry.objects.get_for_object(world.org_a).filter(action=LogEntry.Action.UPDATE).first()
        assert entry is not None
        assert entry.actor == world.manager
        assert "city" in entry.changes_dict

    def test_put_replaces_the_record(self, api, world):
        response = api(world.manager).put(org_url(world.org_b), {"name": "Bêta Conseil Group"}, format="json")
        assert response.status_code == 200, response.content
        world.org_b.refresh_from_db()
        assert world.org_b.name == "Bêta Conseil Group"

    def test_delete_unreferenced_then_referenced_gives_409(self, api, world):
        lonely = OrganizationFactory(name="Solo")
        assert api(world.admin).delete(org_url(lonely)).status_code == 204
        assert not Organization.objects.filter(pk=lonely.pk).exists()
        error = assert_error(api(world.admin).delete(org_url(world.org_a)), 409, "protected")
        assert "Alpha Intégration" in error["message"]
        assert Organization.objects.filter(pk=world.org_a.pk).exists()


@pytest.mark.django_db
class TestOrganizationValidation:
    def test_invalid_identifiers_are_field_errors(self, api, world):
        response = api(world.manager).post(
            ORGS,
            {
                "name": "Broken",
                "siren": "123456789",
                "vat_number": "XX123",
                "email_domain": "not a domain",
                "website": "nope",
                "partner_types": ["wizard"],
                "company_sizes": ["huge"],
                "tags": ["no-such-tag"],
            },
            format="json",
        )
        error = assert_error(response, 400, "invalid")
        assert {"website", "partner_types", "company_sizes", "tags"} <= set(error["fields"])
        assert not Organization.objects.filter(name="Broken").exists()

    def test_model_rules_are_field_errors(self, api, world):
        response = api(world.manager).post(
            ORGS,
            {
                "name": "Broken",
                "siren": "123456789",
                "vat_number": "XX123",
                "email_domain": "not a domain",
                "headcount": 3,
                "sales_headcount": 10,
                "market_share": "150",
            },
            format="json",
        )
        error = assert_error(response, 400, "invalid")
        assert {"siren", "vat_number", "email_domain", "sales_headcount", "market_share"} <= set(
            error["fields"]
        )
        assert "SIREN" in error["fields"]["siren"][0]

    def test_duplicate_identifier_after_normalisation(self, api, world):
        spaced = f"{world.org_b.siren[:3]} {world.org_b.siren[3:6]} {world.org_b.siren[6:]}"
        error = assert_error(
            api(world.manager).post(ORGS, {"name": "Copy", "siren": spaced}, format="json"), 400
        )
        assert error["fields"]["siren"] == ["Another organisation already has this SIREN."]

    def test_siret_must_match_siren(self, api, world):
        error = assert_error(
            api(world.manager).patch(org_url(world.org_a), {"siret": "73282932000074"}, format="json"), 400
        )
        assert "siret" in error["fields"]

    def test_only_an_administrator_sets_the_operator(self, api, world):
        error = assert_error(
            api(world.manager).patch(org_url(world.org_a), {"is_operator": True}, format="json"), 400
        )
        assert "is_operator" in error["fields"]
        error = assert_error(
            api(world.admin).patch(org_url(world.org_a), {"is_operator": True}, format="json"), 400
        )
        assert error["fields"]["is_operator"] == ["There is already an operator organisation."]


@pytest.mark.django_db
class TestOrganizationAccess:
    def test_reader_reads_but_cannot_write(self, api, world):
        client = api(world.reader)
        assert client.get(ORGS).json()["count"] == 3
        assert_error(client.post(ORGS, {"name": "X"}, format="json"), 403, "permission_denied")
        assert_error(client.patch(org_url(world.org_a), {"name": "X"}, format="json"), 403)
        assert_error(client.delete(org_url(world.org_a)), 403)
        world.org_a.refresh_from_db()
        assert world.org_a.name == "Alpha Intégration"

    def test_partner_sees_only_own_organization(self, api, world):
        client = api(world.partner_a_user)
        body = client.get(ORGS).json()
        assert [row["uuid"] for row in body["results"]] == [str(world.org_a.uuid)]
        assert client.get(ORGS, {"q": "Bêta"}).json()["count"] == 0

    def test_partner_gets_404_on_another_organization(self, api, world):
        client = api(world.partner_a_user)
        assert_error(client.get(org_url(world.org_b)), 404, "not_found")
        assert_error(client.patch(org_url(world.org_b), {"name": "Hacked"}, format="json"), 404)
        assert_error(client.put(org_url(world.org_b), {"name": "Hacked"}, format="json"), 404)
        assert_error(client.delete(org_url(world.org_b)), 404)
        assert_error(client.get(org_url(world.operator)), 404)
        world.org_b.refresh_from_db()
        assert world.org_b.name == "Bêta Conseil"

    def test_partner_updates_own_organization_but_not_operator_flag(self, api, world):
        client = api(world.partner_a_user)
        response = client.patch(org_url(world.org_a), {"city": "Annecy"}, format="json")
        assert response.status_code == 200, response.content
        world.org_a.refresh_from_db()
        assert world.org_a.city == "Annecy"
        assert_error(client.patch(org_url(world.org_a), {"is_operator": True}, format="json"), 400)

    def test_partner_cannot_create_or_delete_organizations(self, api, world):
        client = api(world.partner_a_user)
        assert_error(client.post(ORGS, {"name": "Mine too"}, format="json"), 403)
        assert not Organization.objects.filter(name="Mine too").exists()
        assert_error(client.delete(org_url(world.org_a)), 403)


@pytest.mark.django_db
class TestOrganizationFilters:
    def test_filters_search_ordering_and_pagination(self, api, world):
        client = api(world.manager)
        world.org_a.tags.add(TagFactory(code="vip", name="VIP"))
        from meute.core.organizations import set_partner_types

        set_partner_types(world.org_b, [PartnerType.REFERRER])

        def names(params):
            response = client.get(ORGS, params)
            assert response.status_code == 200, response.content
            return [row["name"] for row in response.json()["results"]]

        assert names({"q": "alpha"}) == ["Alpha Intégration"]
        assert names({"q": "nantes"}) == ["Bêta Conseil"]
        assert names({"tag": "vip"}) == ["Alpha Intégration"]
        assert names({"partner_type": "referrer"}) == ["Bêta Conseil"]
        assert names({"stage": "onboarding"}) == ["Alpha Intégration", "Vendeur Logiciel"]
        assert names({"status": "prospect"}) == ["Bêta Conseil", "Vendeur Logiciel"]
        assert names({"is_operator": "true"}) == ["Vendeur Logiciel"]
        assert names({"ordering": "-name"}) == ["Vendeur Logiciel", "Bêta Conseil", "Alpha Intégration"]
        assert names({"ordering": "city", "is_operator": "false"}) == ["Alpha Intégration", "Bêta Conseil"]

        page = client.get(ORGS, {"page_size": 2, "page": 2}).json()
        assert page["count"] == 3
        assert len(page["results"]) == 1
        assert page["previous"] is not None and page["next"] is None

    def test_bad_filter_value_is_a_field_error(self, api, world):
        error = assert_error(api(world.manager).get(ORGS, {"partner_type": "wizard"}), 400)
        assert "partner_type" in error["fields"]
        assert_error(api(world.manager).get(ORGS, {"page": 99}), 404)

    def test_list_runs_a_bounded_number_of_queries(self, api, world, django_assert_max_num_queries):
        tags = [TagFactory() for _ in range(3)]
        for index in range(35):
            org = OrganizationFactory(region=TerritoryFactory(code=f"region-{index % 4}"))
            org.tags.set(tags)
            org.geographies.set([org.region])
            from meute.core.organizations import set_partner_types

            set_partner_types(org, [PartnerType.RESELLER, PartnerType.VAR])
        client = api(world.manager)
        with django_assert_max_num_queries(8):
            response = client.get(ORGS, {"page_size": 100})
        assert response.json()["count"] == 38
        assert all(
            len(row["tags"]) == 3 for row in response.json()["results"] if row["name"].startswith("Partner")
        )


@pytest.mark.django_db
class TestPeople:
    def test_manager_crud(self, api, world):
        client = api(world.manager)
        response = client.post(
            PEOPLE,
            {
                "organization": str(world.org_b.uuid),
                "first_name": "Chloé",
                "last_name": "Dupont",
                "email": "Chloe.Dupont@Example.com",
                "department": "sales",
                "role": "sales_rep",
            },
            format="json",
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["organization"] == str(world.org_b.uuid)
        assert body["organization_name"] == "Bêta Conseil"
        assert body["email"] == "chloe.dupont@example.com"
        assert body["has_login"] is False
        person = Person.objects.get(uuid=body["uuid"])
        assert client.get(person_url(person)).json()["last_name"] == "Dupont"
        assert client.patch(person_url(person), {"job_title": "CEO"}, format="json").status_code == 200
        person.refresh_from_db()
        assert person.job_title == "CEO"
        assert client.delete(person_url(person)).status_code == 204
        assert not Person.objects.filter(pk=person.pk).exists()

    def test_staff_must_name_the_organization(self, api, world):
        error = assert_error(
            api(world.manager).post(PEOPLE, {"first_name": "A", "last_name": "B"}, format="json"), 400
        )
        assert "organization" in error["fields"]

    def test_duplicate_email_in_organization_is_a_field_error(self, api, world):
        error = assert_error(
            api(world.manager).post(
                PEOPLE,
                {
                    "organization": str(world.org_a.uuid),
                    "first_name": "Alice",
                    "last_name": "Twin",
                    "email": world.person_a.email.upper(),
                },
                format="json",
            ),
            400,
        )
        assert error["fields"]["email"] == ["This organisation already has a person with this e-mail."]

    def test_unknown_organization_and_bad_values(self, api, world):
        error = assert_error(
            api(world.manager).post(
                PEOPLE,
                {
                    "organization": "00000000-0000-0000-0000-000000000000",
                    "first_name": "",
                    "last_name": "B" * 81,
                    "email": "not-an-email",
                    "department": "space",
                },
                format="json",
            ),
            400,
        )
        assert {"organization", "first_name", "last_name", "email", "department"} <= set(error["fields"])

    def test_reader_cannot_write(self, api, world):
        client = api(world.reader)
        payload = {"organization": str(world.org_a.uuid), "first_name": "A", "last_name": "B"}
        assert_error(client.post(PEOPLE, payload, format="json"), 403)
        assert_error(client.patch(person_url(world.person_a), {"first_name": "X"}, format="json"), 403)
        assert_error(client.delete(person_url(world.person_a)), 403)

    def test_partner_sees_and_manages_own_people_only(self, api, world):
        PersonFactory.create_batch(3, organization=world.org_b)
        client = api(world.partner_a_user)
        body = client.get(PEOPLE).json()
        assert [row["uuid"] for row in body["results"]] == [str(world.person_a.uuid)]
        assert client.get(PEOPLE, {"organization": str(world.org_b.uuid)}).json()["count"] == 0
        for call in (
            client.get(person_url(world.person_b)),
            client.patch(person_url(world.person_b), {"first_name": "X"}, format="json"),
            client.put(person_url(world.person_b), {"first_name": "X", "last_name": "Y"}, format="json"),
            client.delete(person_url(world.person_b)),
        ):
            assert_error(call, 404)
        world.person_b.refresh_from_db()
        assert world.person_b.first_name == "Bruno"

    def test_partner_creates_people_in_own_organization(self, api, world):
        client = api(world.partner_a_user)
        response = client.post(PEOPLE, {"first_name": "Anna", "last_name": "Abel"}, format="json")
        assert response.status_code == 201, response.content
        assert Person.objects.get(uuid=response.json()["uuid"]).organization == world.org_a
        response = client.post(
            PEOPLE,
            {"organization": str(world.org_a.uuid), "first_name": "Aldo", "last_name": "Abel"},
            format="json",
        )
        assert response.status_code == 201, response.content

    def test_partner_cannot_create_or_move_people_into_another_organization(self, api, world):
        client = api(world.partner_a_user)
        error = assert_error(
            client.post(
                PEOPLE,
                {"organization": str(world.org_b.uuid), "first_name": "Spy", "last_name": "Ware"},
                format="json",
            ),
            400,
        )
        assert "organization" in error["fields"]
        assert not Person.objects.filter(last_name="Ware").exists()
        assert_error(
            client.patch(person_url(world.person_a), {"organization": str(world.org_b.uuid)}, format="json"),
            400,
        )
        world.person_a.refresh_from_db()
        assert world.person_a.organization == world.org_a

    def test_partner_cannot_delete_people(self, api, world):
        assert_error(api(world.partner_a_user).delete(person_url(world.person_a)), 403)

    def test_filters_and_ordering(self, api, world):
        PersonFactory(organization=world.org_a, first_name="Zoé", last_name="Zola", department="marketing")
        client = api(world.manager)
        rows = client.get(PEOPLE, {"organization": str(world.org_a.uuid), "ordering": "-last_name"}).json()
        assert [row["last_name"] for row in rows["results"]] == ["Zola", "Arnaud"]
        rows = client.get(PEOPLE, {"department": "marketing"}).json()
        assert [row["last_name"] for row in rows["results"]] == ["Zola"]
        rows = client.get(PEOPLE, {"q": "bruno"}).json()
        assert [row["last_name"] for row in rows["results"]] == ["Bernard"]

    def test_list_runs_a_bounded_number_of_queries(self, api, world, django_assert_max_num_queries):
        for index in range(35):
            PersonFactory(organization=world.org_a if index % 2 else world.org_b)
        with django_assert_max_num_queries(3):
            response = api(world.manager).get(PEOPLE, {"page_size": 100})
        assert response.json()["count"] == 37


@pytest.mark.django_db
class TestAuthAndErrors:
    def test_no_token_is_401(self, api, world):
        error = assert_error(api().get(ORGS), 401, "not_authenticated")
        assert error["fields"] == {}

    def test_bad_token_is_401(self, world):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token nope")
        assert_error(client.get(ORGS), 401, "authentication_failed")

    def test_obtain_token_then_use_it(self, world):
        client = APIClient()
        response = client.post(
            "/api/auth/token/", {"username": "alice", "password": "correct-horse-battery"}, format="json"
        )
        assert response.status_code == 200, response.content
        key = response.json()["token"]
        assert ApiToken.objects.get(digest=tokens.digest(key)).user == world.partner_a_user
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        body = client.get(ORGS).json()
        assert [row["name"] for row in body["results"]] == ["Alpha Intégration"]
        assert_error(client.get(org_url(world.org_b)), 404)

    def test_wrong_password_is_400_in_error_format(self, world):
        response = APIClient().post(
            "/api/auth/token/", {"username": "alice", "password": "wrong"}, format="json"
        )
        error = assert_error(response, 400, "invalid")
        assert error["fields"]["non_field_errors"]

    def test_me(self, api, world):
        body = api(world.partner_a_user).get("/api/me/").json()
        assert body["username"] == "alice"
        assert body["role"] == "partner"
        assert body["organization"] == {
            "uuid": str(world.org_a.uuid),
            "name": "Alpha Intégration",
            "is_operator": False,
        }
        assert body["is_staff_member"] is False
        body = api(world.manager).get("/api/me/").json()
        assert body["role"] == "channel_manager"
        assert body["organization"] is None
        assert body["can_edit_all"] is True
        assert_error(api().get("/api/me/"), 401)

    def test_unknown_uuid_and_malformed_key_are_404(self, api, world):
        assert_error(api(world.manager).get(f"{ORGS}00000000-0000-0000-0000-000000000000/"), 404)
        assert_error(api(world.manager).get(f"{ORGS}{world.org_a.pk}/"), 404, "not_found")
        assert_error(api().get("/api/no-such-resource/"), 404, "not_found")

    def test_malformed_json_is_400(self, api, world):
        response = api(world.manager).generic("POST", ORGS, "{not json", content_type="application/json")
        assert_error(response, 400, "parse_error")

    def test_api_root_schema_and_docs(self, api, world, client):
        root = api(world.manager).get("/api/").json()
        assert {
            "organizations",
            "people",
            "partnerships",
            "partnership-parties",
            "territories",
            "product-lines",
            "sectors",
            "tags",
        } <= set(root)
        assert client.get("/api/schema/").status_code == 401  # signed-in users only
        assert client.get("/api/docs/").status_code == 401
        client.force_login(world.reader)
        schema = client.get("/api/schema/")
        assert schema.status_code == 200
        assert b"openapi: 3" in schema.content
        docs = client.get("/api/docs/")
        assert docs.status_code == 200
        assert b"swagger-ui" in docs.content
        assert b"cdn" not in docs.content.lower()
        redoc = client.get("/api/redoc/")
        assert redoc.status_code == 200
        assert b"redoc" in redoc.content.lower()
        assert b"cdn" not in redoc.content.lower()


@pytest.mark.django_db
def test_errors_of_list_items_are_a_list_of_messages_per_field(api, world):
    """The one error format at every depth: a list item's error joins its field's list of strings."""
    response = api(world.manager).post(ORGS, {"name": "Broken", "company_sizes": ["AAA"]}, format="json")
    error = assert_error(response, 400, "invalid")
    assert error["fields"]["company_sizes"] == ['"AAA" is not a valid choice.']
    assert not Organization.objects.filter(name="Broken").exists()
