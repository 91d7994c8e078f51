import pytest
from django.db import connection

from meute.core.factories import OrganizationFactory
from meute.core.models import Organization
from meute.lib.pagination import KeysFirstPaginator


@pytest.mark.django_db
class TestSearch:
    def test_index_follows_inserts_updates_and_deletes(self):
        org = OrganizationFactory(name="Atelier Numérique", city="Annecy")
        assert list(Organization.objects.search("numerique annecy")) == [org]
        org.name = org.legal_name = "Forge Logicielle"
        org.save()
        assert not Organization.objects.search("numerique").exists()
        assert list(Organization.objects.search("logicielle")) == [org]
        org_pk = org.pk
        org.delete()
        assert not Organization.objects.search("logicielle").exists()
        assert not Organization.objects.filter(pk=org_pk).exists()

    def test_short_words_and_quotes_are_handled(self):
        org = OrganizationFactory(name='Le "Bon" Coin IT', city="Pau")
        assert list(Organization.objects.search("it pau")) == [org]
        assert list(Organization.objects.search('"bon"')) == [org]
        assert not Organization.objects.search("zz").exists()

    def test_sqlite_uses_the_trigram_index(self):
        if connection.vendor != "sqlite":
            pytest.skip("the FTS5 mirror exists on SQLite only (PostgreSQL uses pg_trgm)")
        sql = str(Organization.objects.search("conseil").query)
        assert "core_organization_fts" in sql


@pytest.mark.django_db
def test_keys_first_paginator_keeps_order_and_prefetches(django_assert_max_num_queries):
    for index in range(30):
        OrganizationFactory(name=f"Org {index:02d}", city=f"City {29 - index:02d}")
    queryset = Organization.objects.order_by("city").prefetch_related("tags")
    paginator = KeysFirstPaginator(queryset, 10)
    with django_assert_max_num_queries(4):
        page = paginator.page(2)
        names = [org.name for org in page.object_list]
        assert [list(org.tags.all()) for org in page.object_list] == [[]] * 10
    assert names == [f"Org {index:02d}" for index in range(19, 9, -1)]
    assert paginator.count == 30


@pytest.mark.django_db(transaction=True)
def test_bulk_inserted_rows_are_searchable_and_later_rows_still_indexed():
    from django.db import transaction

    from meute.lib.bulk import insert_objects

    with transaction.atomic():
        rows = [Organization(name=f"Import Brésil {i}", search_text=f"import bresil {i}") for i in range(5)]
        insert_objects(Organization, rows)
    assert Organization.objects.search("bresil").count() == 5
    later = OrganizationFactory(name="Après Import")
    assert list(Organization.objects.search("apres")) == [later]


@pytest.mark.django_db
def test_capped_count_stops_counting_past_the_cap(client, world, monkeypatch):
    from meute.lib.pagination import CappedCountPaginator

    for index in range(6):
        OrganizationFactory(name=f"Cap {index}")
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 4)
    paginator = CappedCountPaginator(Organization.objects.order_by("name"), 2)
    assert paginator.count == 5 and paginator.count_is_capped and paginator.shown_count == 4
    client.force_login(world.manager)
    response = client.get("/organizations/?q=cap")
    assert "more than 4 organisations" in response.content.decode()
    response = client.get("/organizations/?q=alpha")
    assert "1 organisation" in response.content.decode()
