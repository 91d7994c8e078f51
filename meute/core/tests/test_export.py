"""Exports: content in each format, access rules (a partner user exports only their own organisation)."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from meute.core.exporting import export
from meute.core.importing import import_file
from meute.core.models import Organization, Person, User
from meute.partnerships.models import Partnership


def export_text(kind, file_format="csv", user=None):
    stream = io.StringIO()
    count = export(kind, file_format, stream, user=user)
    return count, stream.getvalue()


@pytest.mark.django_db
def test_csv_export_of_organisations(world):
    world.org_a.market_share = "12.50"
    world.org_a.save()
    count, text = export_text("organizations")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert count == len(rows) == 3
    alpha = next(r for r in rows if r["name"] == "Alpha Intégration")
    assert alpha["siren"] == world.org_a.siren
    assert alpha["market_share"] == "12.50"
    assert alpha["uuid"] == str(world.org_a.uuid)


@pytest.mark.django_db
def test_json_export_of_people(world):
    count, text = export_text("people", "json")
    records = json.loads(text)
    assert count == len(records) == 2
    alice = next(r for r in records if r["first_name"] == "Alice")
    assert alice["organization_uuid"] == str(world.org_a.uuid)
    assert alice["is_active"] is True


@pytest.mark.django_db
def test_xlsx_export(world):
    stream = io.BytesIO()
    assert export("organizations", "xlsx", stream) == 3
    sheet = load_workbook(io.BytesIO(stream.getvalue()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("uuid", "name")
    names = {row[1] for row in rows[1:]}
    assert names == {"Vendeur Logiciel", "Alpha Intégration", "Bêta Conseil"}
    siren_column = rows[0].index("siren")
    assert all(isinstance(row[siren_column], str) for row in rows[1:])


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_partner_user_exports_only_their_own_organisation(world, file_format):
    _count, orgs = export_text("organizations", file_format, user=world.partner_a_user)
    assert "Alpha Intégration" in orgs
    assert "Bêta Conseil" not in orgs and "Vendeur Logiciel" not in orgs
    _count, people = export_text("people", file_format, user=world.partner_a_user)
    assert "Alice" in people and "Bruno" not in people


@pytest.mark.django_db
def test_cli_export_as_partner_user(world, tmp_path):
    target = tmp_path / "orgs.json"
    call_command("export_data", "organizations", "--as-user", "alice", "--output", str(target))
    records = json.loads(target.read_text(encoding="utf-8"))
    assert [r["name"] for r in records] == ["Alpha Intégration"]


@pytest.mark.django_db
def test_export_query_count_does_not_grow_with_rows(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        export_text("organizations")
    with django_assert_max_num_queries(3):
        export_text("people")


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["csv", "xlsx", "json"])
def test_round_trip_into_an_empty_database(world, file_format):
    binary = file_format == "xlsx"
    orgs, people = (io.BytesIO(), io.BytesIO()) if binary else (io.StringIO(), io.StringIO())
    export("organizations", file_format, orgs)
    export("people", file_format, people)
    before = {o.uuid: (o.name, o.siren, o.city) for o in Organization.objects.all()}
    Person.objects.all().delete()
    User.objects.filter(organization__isnull=False).delete()
    Partnership.objects.all().delete()
    Organization.objects.update(is_operator=False)
    Organization.objects.all().delete()

    def raw(stream):
        value = stream.getvalue()
        return value if binary else value.encode()

    assert import_file("organizations", raw(orgs)).created == 3
    assert import_file("people", raw(people)).created == 2
    after = {o.uuid: (o.name, o.siren, o.city) for o in Organization.objects.all()}
    assert after == before
    assert Organization.objects.get(is_operator=True).name == "Vendeur Logiciel"
    assert Person.objects.get(first_name="Alice").organization.name == "Alpha Intégration"
