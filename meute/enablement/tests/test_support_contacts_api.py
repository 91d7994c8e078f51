"""Support contacts through the API: staff editors manage them, a partner reads its own and the defaults."""

import pytest

from meute.enablement.models import SupportContact

pytestmark = pytest.mark.django_db

URL = "/api/support-contacts/"


@pytest.fixture
def contacts(world):
    default_sales = SupportContact.objects.create(
        kind="sales", name="Sales desk", email="sales@vendor.example"
    )
    default_tech = SupportContact.objects.create(kind="technical", name="Hotline", phone="+33 1 00 00 00 00")
    own_sales_a = SupportContact.objects.create(
        kind="sales", name="Claire Alpha", email="claire@vendor.example", partnership=world.partnership_a
    )
    own_b = SupportContact.objects.create(
        kind="sales", name="Bruno's rep", email="rep@vendor.example", partnership=world.partnership_b
    )
    return {
        "default_sales": default_sales,
        "default_tech": default_tech,
        "own_a": own_sales_a,
        "own_b": own_b,
    }


def names(response):
    return sorted(row["name"] for row in response.json()["results"])


def test_staff_see_every_contact(world, api, contacts):
    assert names(api(world.manager).get(URL)) == ["Bruno's rep", "Claire Alpha", "Hotline", "Sales desk"]


def test_a_partner_sees_its_own_and_the_defaults_never_another_partners(world, api, contacts):
    client = api(world.partner_a_user)
    assert names(client.get(URL)) == ["Claire Alpha", "Hotline", "Sales desk"]
    assert client.get(f"{URL}{contacts['own_b'].uuid}/").status_code == 404
    assert api(world.partner_b_user).get(f"{URL}{contacts['own_a'].uuid}/").status_code == 404


def test_per_partnership_the_own_contact_replaces_the_default_of_its_role(world, api, contacts):
    body = api(world.partner_a_user).get(f"{URL}by-partnership/").json()
    assert [group["partnership"] for group in body] == [str(world.partnership_a.uuid)]
    assert [(c["kind"], c["name"]) for c in body[0]["contacts"]] == [
        ("sales", "Claire Alpha"),
        ("technical", "Hotline"),
    ]


def test_staff_create_a_default_and_a_partnership_contact(world, api):
    client = api(world.manager)
    created = client.post(
        URL, {"kind": "administrative", "name": "Back office", "email": "bo@vendor.example"}
    )
    assert created.status_code == 201, created.content
    own = client.post(
        URL, {"kind": "sales", "name": "Rep A", "partnership": str(world.partnership_a.uuid)}, format="json"
    )
    assert own.status_code == 201, own.content
    assert own.json()["partnership_name"] == "Alpha channel"
    assert SupportContact.objects.count() == 2


def test_a_partnership_contact_with_an_audience_is_refused_and_nothing_written(world, api):
    response = api(world.manager).post(
        URL,
        {
            "kind": "sales",
            "name": "Rep A",
            "partnership": str(world.partnership_a.uuid),
            "partner_types": ["reseller"],
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [
        "A contact of one partnership reaches its partners only: leave the audience empty."
    ]
    assert not SupportContact.objects.exists()


def test_an_update_keeps_the_rule_with_what_is_stored(world, api, contacts):
    response = api(world.manager).patch(
        f"{URL}{contacts['own_a'].uuid}/", {"partner_types": ["reseller"]}, format="json"
    )
    assert response.status_code == 400
    contacts["own_a"].refresh_from_db()
    assert contacts["own_a"].partner_types in ([], None)


@pytest.mark.parametrize("who", ["partner_a_user", "partner_b_user", "reader"])
def test_partners_and_read_only_staff_write_nothing(world, api, contacts, who):
    client = api(getattr(world, who))
    assert client.post(URL, {"kind": "sales", "name": "Me"}).status_code == 403
    target = contacts["own_a"] if who != "partner_b_user" else contacts["own_b"]
    assert client.patch(f"{URL}{target.uuid}/", {"name": "Changed"}, format="json").status_code == 403
    assert client.delete(f"{URL}{target.uuid}/").status_code == 403
    target.refresh_from_db()
    assert target.name != "Changed"
    assert SupportContact.objects.count() == 4


def test_the_refusal_is_in_french_for_a_french_reader(world, api):
    response = api(world.manager).post(
        URL,
        {
            "kind": "sales",
            "name": "Rep A",
            "partnership": str(world.partnership_a.uuid),
            "partner_types": ["reseller"],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    message = response.json()["error"]["fields"]["non_field_errors"][0]
    assert message.startswith("Un contact")
