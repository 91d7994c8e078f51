"""Ambassadors per market: who a partner sees, staff management, API, outsider checks."""

import pytest
from django.urls import reverse

from meute.core.choices import UserRole
from meute.core.factories import TerritoryFactory, UserFactory
from meute.programs import ambassadors
from meute.programs.models import Ambassador

pytestmark = pytest.mark.django_db


@pytest.fixture
def markets(world, program):
    france = TerritoryFactory(code="fr", name="France")
    aura = TerritoryFactory(code="aura", name="Auvergne-Rhône-Alpes", parent=france)
    lyon = TerritoryFactory(code="lyon", name="Lyon", parent=aura)
    west = TerritoryFactory(code="west", name="Pays de la Loire", parent=france)
    world.partnership_a.territories.add(lyon)  # a works in Lyon (through its partnership)
    world.org_b.region = west  # b's region
    world.org_b.save()
    eve = UserFactory(username="eve", first_name="Eve", last_name="Ambassador", role=UserRole.CHANNEL_MANAGER)
    zoe = UserFactory(username="zoe", first_name="Zoé", last_name="Ouest", role=UserRole.CHANNEL_MANAGER)
    return {
        "france": france,
        "aura": aura,
        "west": west,
        "eve_aura": Ambassador.objects.create(user=eve, territory=aura, program=program, message="Call me"),
        "zoe_west": Ambassador.objects.create(user=zoe, territory=west, message="Ouest"),
        "zoe_fr_other": Ambassador.objects.create(user=zoe, territory=france, program=None, is_active=False),
    }


def test_partner_sees_ambassadors_of_its_markets_with_parent_territories(world, markets, program):
    seen_a = list(Ambassador.objects.visible_to(world.partner_a_user))
    assert seen_a == [markets["eve_aura"]]  # Lyon ⊂ AURA; inactive France one hidden
    seen_b = list(Ambassador.objects.visible_to(world.partner_b_user))
    assert seen_b == [markets["zoe_west"]]
    assert Ambassador.objects.visible_to(world.reader).count() == 3


def test_programme_ambassador_only_for_members(world, markets, program):
    program.members.filter(partnership=world.partnership_a).delete()
    assert list(Ambassador.objects.visible_to(world.partner_a_user)) == []


def test_geographies_count_as_markets(world, markets):
    world.org_a.geographies.add(markets["west"])
    assert set(Ambassador.objects.visible_to(world.partner_a_user)) == {
        markets["eve_aura"],
        markets["zoe_west"],
    }


def test_only_staff_can_be_ambassadors(world, markets):
    ambassador = Ambassador(user=world.partner_a_user, territory=markets["aura"])
    with pytest.raises(Exception, match="staff"):
        ambassador.full_clean()


def test_programme_page_shows_the_partners_ambassadors(client_for, world, markets, program):
    page = client_for(world.partner_a_user).get(program.get_absolute_url()).content.decode()
    assert "Eve Ambassador" in page and "Call me" in page
    assert "Zoé Ouest" not in page
    page_b = client_for(world.partner_b_user).get(program.get_absolute_url()).content.decode()
    assert "Zoé Ouest" in page_b and "Eve Ambassador" not in page_b


def test_ambassador_list_outsider(client_for, world, markets):
    page = client_for(world.partner_b_user).get(reverse("ambassador-list")).content.decode()
    assert "Zoé Ouest" in page and "Eve Ambassador" not in page
    assert client_for(world.partner_b_user).get(reverse("ambassador-create")).status_code == 403
    url = reverse("ambassador-update", kwargs={"uuid": markets["eve_aura"].uuid})
    assert client_for(world.partner_b_user).get(url).status_code == 404


def test_staff_manage_ambassadors_in_the_ui(client_for, world, markets, program):
    client = client_for(world.manager)
    response = client.post(
        reverse("ambassador-create"),
        {
            "user": world.manager.pk,
            "territory": markets["west"].pk,
            "program": "",
            "message": "Hi",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Ambassador.objects.filter(user=world.manager, territory=markets["west"]).exists()
    duplicate = client.post(
        reverse("ambassador-create"),
        {"user": world.manager.pk, "territory": markets["west"].pk, "program": "", "is_active": "on"},
    )
    assert duplicate.status_code == 400
    partner = client.post(
        reverse("ambassador-create"), {"user": world.partner_a_user.pk, "territory": markets["west"].pk}
    )
    assert partner.status_code == 400
    delete = client.post(reverse("ambassador-delete", kwargs={"uuid": markets["zoe_west"].uuid}))
    assert delete.status_code == 302 and not Ambassador.objects.filter(pk=markets["zoe_west"].pk).exists()
    assert (
        client_for(world.reader)
        .post(reverse("ambassador-delete", kwargs={"uuid": markets["eve_aura"].uuid}))
        .status_code
        == 403
    )


def test_api(client_for, world, markets, program):
    listing = client_for(world.partner_a_user).get("/api/ambassadors/").json()
    assert [row["name"] for row in listing["results"]] == ["Eve Ambassador"]
    assert (
        client_for(world.partner_a_user).get(f"/api/ambassadors/{markets['zoe_west'].uuid}/").status_code
        == 404
    )
    data = {"user": "manager", "territory": "fr", "message": "National"}
    assert (
        client_for(world.partner_a_user)
        .post("/api/ambassadors/", data, content_type="application/json")
        .status_code
        == 403
    )
    created = client_for(world.manager).post("/api/ambassadors/", data, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = client_for(world.manager).post(
        "/api/ambassadors/", {"user": "alice", "territory": "fr"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "user" in bad.json()["error"]["fields"]


def test_for_organization_helper(world, markets):
    assert list(ambassadors.for_organization(world.org_a)) == [markets["eve_aura"]]
