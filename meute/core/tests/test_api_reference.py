"""REST API for reference data: territories, product lines, sectors, tags."""

import pytest

from meute.core.factories import (
    OrganizationFactory,
    ProductLineFactory,
    SectorFactory,
    TagFactory,
    TerritoryFactory,
)
from meute.core.models import ProductLine, Sector, Tag, Territory

RESOURCES = [
    ("/api/territories/", Territory, TerritoryFactory, {"kind": "country", "country": "FR"}),
    ("/api/product-lines/", ProductLine, ProductLineFactory, {"description": "ERP", "is_active": True}),
    ("/api/sectors/", Sector, SectorFactory, {}),
    ("/api/tags/", Tag, TagFactory, {}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("base", "model", "factory", "extra"), RESOURCES)
class TestReferenceData:
    def test_manager_crud(self, api, world, base, model, factory, extra):
        client = api(world.manager)
        response = client.post(base, {"code": "new-code", "name": "New one", **extra}, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["code"] == "new-code"
        assert "id" not in body
        url = f"{base}{body['uuid']}/"
        assert client.get(url).json()["name"] == "New one"
        assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 200
        assert model.objects.get(uuid=body["uuid"]).name == "Renamed"
        assert client.delete(url).status_code == 204
        assert not model.objects.filter(uuid=body["uuid"]).exists()

    def test_duplicate_and_invalid_code(self, api, world, base, model, factory, extra):
        factory(code="taken")
        response = api(world.manager).post(base, {"code": "taken", "name": "Again"}, format="json")
        assert response.status_code == 400
        assert "code" in response.json()["error"]["fields"]
        response = api(world.manager).post(base, {"code": "not a slug!", "name": ""}, format="json")
        assert response.status_code == 400
        assert {"code", "name"} <= set(response.json()["error"]["fields"])

    def test_everyone_reads_nobody_but_editors_write(self, api, world, base, model, factory, extra):
        item = factory(code="shared", name="Shared")
        url = f"{base}{item.uuid}/"
        for user in (world.reader, world.partner_a_user, world.partner_b_user):
            client = api(user)
            assert client.get(base).json()["count"] == model.objects.count()
            assert client.get(url).status_code == 200
            assert client.post(base, {"code": "x", "name": "X"}, format="json").status_code == 403
            assert client.patch(url, {"name": "X"}, format="json").status_code == 403
            assert client.delete(url).status_code == 403
        item.refresh_from_db()
        assert item.name == "Shared"

    def test_search_ordering_pagination_and_query_count(
        self, api, world, base, model, factory, extra, django_assert_max_num_queries
    ):
        for index in range(32):
            factory(code=f"item-{index:02d}", name=f"Item {index:02d}")
        factory(code="zeta", name="Zeta")
        client = api(world.manager)
        assert [row["code"] for row in client.get(base, {"q": "zet"}).json()["results"]] == ["zeta"]
        rows = client.get(base, {"ordering": "-code", "page_size": 2}).json()
        assert [row["code"] for row in rows["results"]] == ["zeta", "item-31"]
        assert rows["count"] == model.objects.count()
        with django_assert_max_num_queries(3):
            assert len(client.get(base, {"page_size": 100}).json()["results"]) == model.objects.count()


@pytest.mark.django_db
def test_referenced_reference_data_cannot_be_deleted(api, world):
    region = TerritoryFactory(code="bretagne", name="Bretagne")
    OrganizationFactory(region=region)
    response = api(world.admin).delete(f"/api/territories/{region.uuid}/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "protected"
    assert Territory.objects.filter(pk=region.pk).exists()


@pytest.mark.django_db
def test_territory_parent_by_code_and_no_cycles(api, world):
    client = api(world.manager)
    france = TerritoryFactory(code="fr", name="France")
    response = client.post(
        "/api/territories/", {"code": "idf", "name": "Île-de-France", "parent": "fr"}, format="json"
    )
    assert response.status_code == 201, response.content
    child = Territory.objects.get(code="idf")
    assert child.parent == france
    response = client.patch(f"/api/territories/{france.uuid}/", {"parent": "idf"}, format="json")
    assert response.status_code == 400
    assert "parent" in response.json()["error"]["fields"]
