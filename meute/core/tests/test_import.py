"""Importing organisations and people: good files in every accepted encoding and format, broken files."""

import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.utils import translation
from openpyxl import Workbook

from meute.core.importing import ImportFileError, ImportValidationError, import_file
from meute.core.models import Organization, Person, Tag

DATA = Path(__file__).parent / "data"

HEADER = "name,siren,city,country,headcount,sales_headcount,market_share,partner_types,tags\n"
ROWS = (
    'Alpha Réseau,732829320,Lyon,FR,40,10,"12,5","reseller, referrer",Stratégique\n'
    "Bravo Systèmes,552 100 554,Nantes,france,8,2,3.2,system_integrator,\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def imported_names():
    return sorted(Organization.objects.values_list("name", flat=True))


def check_good_import():
    alpha = Organization.objects.get(siren="732829320")
    assert alpha.name == "Alpha Réseau"
    assert str(alpha.market_share) == "12.50"
    assert alpha.sales_headcount == 10
    assert sorted(alpha.partner_types) == ["referrer", "reseller"]
    assert list(alpha.tags.values_list("name", flat=True)) == ["Stratégique"]
    assert "alpha reseau" in alpha.search_text
    bravo = Organization.objects.get(siren="552100554")
    assert bravo.country.code == "FR"
    assert LogEntry.objects.get_for_object(alpha).count() == 1


@pytest.mark.django_db
def test_utf8_csv_file():
    result = import_file("organizations", DATA / "organizations_utf8.csv")
    assert result.created == 2
    check_good_import()


@pytest.mark.django_db
def test_utf8_with_bom():
    result = import_file("organizations", ("\ufeff" + HEADER + ROWS).encode("utf-8"))
    assert result.created == 2
    check_good_import()


@pytest.mark.django_db
def test_latin1_with_semicolons_and_french_headers():
    text = (
        "nom;siren;ville;pays;effectif;effectif_commercial;part_de_marche;types_partenaire;etiquettes\n"
        "Alpha Réseau;732829320;Lyon;FR;40;10;12,5;reseller, referrer;Stratégique\n"
        "Bravo Systèmes;552100554;Nantes;France;8;2;3,2;System integrator;\n"
    )
    with translation.override("fr"):  # labels in either language are accepted
        result = import_file("organizations", text.encode("cp1252"))
    assert result.created == 2
    check_good_import()


@pytest.mark.django_db
def test_xlsx_file():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "Name",
            "SIREN",
            "City",
            "Country",
            "Headcount",
            "Sales headcount",
            "Market share",
            "Partner types",
            "Tags",
        ]
    )
    sheet.append(["Alpha Réseau", 732829320, "Lyon", "FR", 40, 10, 12.5, "reseller, referrer", "Stratégique"])
    sheet.append(["Bravo Systèmes", "552100554", "Nantes", "FR", 8, 2, 3.2, "system_integrator", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_file("organizations", buffer.getvalue())
    assert result.created == 2
    check_good_import()


@pytest.mark.django_db
def test_broken_rows_are_all_reported_and_nothing_is_written():
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", DATA / "organizations_broken.csv")
    errors = caught.value.errors
    by_line = {(e.line, e.column) for e in errors}
    assert (3, "siren") in by_line
    assert (5, "pays") in by_line
    assert len(errors) == 2
    messages = [str(e) for e in errors]
    assert "Line 3" in messages[0] and "SIREN" in messages[0]
    assert "Line 5" in messages[1] and "Atlantis" in messages[1]
    assert Organization.objects.count() == 0
    assert Tag.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_siren_within_file():
    text = HEADER + ROWS + "Charlie,732 829 320,Paris,FR,,,,,\n"
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", text.encode())
    [error] = caught.value.errors
    assert (error.line, error.column) == (4, "siren")
    assert "line 2" in error.message
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_against_database(world):
    before = Organization.objects.count()
    text = f"name,siren\nNew one,{world.org_b.siren}\nOther,732829320\n"
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", text.encode())
    [error] = caught.value.errors
    assert error.line == 2 and "already has this SIREN" in error.message
    assert Organization.objects.count() == before


@pytest.mark.django_db
def test_headcount_and_choice_and_decimal_errors():
    text = (
        "name,headcount,sales_headcount,growth_trend,annual_revenue,website\n"
        "A,5,9,soaring,12x,not a url\n"
        ",1,,,,\n"
    )
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", text.encode())
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {
        (2, "sales_headcount"),
        (2, "growth_trend"),
        (2, "annual_revenue"),
        (2, "website"),
        (3, "name"),
    }


@pytest.mark.django_db
def test_missing_required_and_unknown_columns():
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", b"ville,colour\nLyon,blue\n")
    messages = {(e.line, e.column): e.message for e in caught.value.errors}
    assert messages[(1, "colour")] == "Unknown column."
    assert "Required column missing" in messages[(1, "name")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"name,siren\n", "no data rows"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (b"PK\x03\x04" + b"\x00" * 40, "not a valid Excel"),
    ],
)
def test_unreadable_files_are_refused(content, expected):
    with pytest.raises(ImportFileError) as caught:
        import_file("organizations", content)
    assert expected in str(caught.value)
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_people_reference_organisations_by_siren_name_or_uuid(world):
    text = (
        "organization,first_name,last_name,email,role,department\n"
        f"{world.org_a.siren},Chloé,Durand,Chloe.Durand@alpha.example,Sales representative,sales\n"
        f"{world.org_b.name},Denis,Petit,denis@beta.example,,\n"
        f"{world.org_b.uuid},Eva,Roux,,consultant,presales\n"
    )
    result = import_file("people", text.encode(), user=world.admin)
    assert result.created == 3
    chloe = Person.objects.get(last_name="Durand")
    assert chloe.organization == world.org_a
    assert chloe.email == "chloe.durand@alpha.example"
    assert chloe.role == "sales_rep"
    assert Person.objects.get(last_name="Petit").organization == world.org_b
    assert Person.objects.get(last_name="Roux").organization == world.org_b
    assert LogEntry.objects.get_for_object(chloe).get().actor == world.admin


@pytest.mark.django_db
def test_people_errors(world):
    text = (
        "organisation,prenom,nom,email\n"
        "Nobody Ltd,Anne,Nemo,anne@nemo.example\n"
        f"{world.org_a.siren},Bad,Mail,not-an-email\n"
        f"{world.org_a.siren},Alice,Again,{world.person_a.email}\n"
        f"{world.org_b.siren},,Nofirst,\n"
        f"{world.org_b.siren},Twin,One,twin@beta.example\n"
        f"{world.org_b.siren},Twin,Two,twin@beta.example\n"
    )
    before = Person.objects.count()
    with pytest.raises(ImportValidationError) as caught:
        import_file("people", text.encode())
    found = {(e.line, e.column) for e in caught.value.errors}
    assert found == {(2, "organisation"), (3, "email"), (4, "email"), (5, "prenom"), (7, "email")}
    assert Person.objects.count() == before


@pytest.mark.django_db
def test_partner_user_imports_people_only_into_their_own_organisation(world):
    text = f"organization,first_name,last_name\n{world.org_b.siren},Sneaky,Outsider\n"
    with pytest.raises(ImportValidationError):
        import_file("people", text.encode(), user=world.partner_a_user)
    assert not Person.objects.filter(last_name="Outsider").exists()


@pytest.mark.django_db
def test_partner_user_cannot_import_organisations(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        import_file("organizations", (HEADER + ROWS).encode(), user=world.partner_a_user)
    assert not Organization.objects.filter(siren="732829320").exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing():
    result = import_file("organizations", (HEADER + ROWS).encode(), dry_run=True)
    assert result.created == 2 and result.dry_run
    assert Organization.objects.count() == 0


@pytest.mark.django_db
def test_import_task_returns_errors_by_line(tmp_path):
    from meute.core.tasks import import_file_task

    path = tmp_path / "orgs.csv"
    path.write_text("name,siren\nA,123456789\n", encoding="utf-8")
    summary = import_file_task.delay("organizations", str(path)).get()
    assert summary["ok"] is False and summary["errors"][0]["line"] == 2
    path.write_text("name,siren\nA,732829320\n", encoding="utf-8")
    assert import_file_task.delay("organizations", str(path)).get() == {
        "ok": True,
        "created": 1,
        "dry_run": False,
        "errors": [],
    }


@pytest.mark.django_db
def test_regions_are_linked_whether_they_exist_or_are_created_by_the_import():
    from meute.core.factories import TerritoryFactory

    TerritoryFactory(code="bretagne", name="Bretagne")
    source = io.BytesIO(b"name,region\nArmor Conseil,Bretagne\nAlpes Digital,Savoie Mont-Blanc\n")
    import_file("organizations", source, filename="regions.csv")
    assert Organization.objects.get(name="Armor Conseil").region.name == "Bretagne"
    assert Organization.objects.get(name="Alpes Digital").region.name == "Savoie Mont-Blanc"


@pytest.mark.django_db
def test_imported_rows_have_a_readable_creation_entry_in_their_history():
    from meute.core.audit import history_for

    source = io.BytesIO("name,headcount,market_share,city\nZéro Conseil,0,0,Nîmes\n".encode())
    import_file("organizations", source, filename="one.csv")
    organization = Organization.objects.get(name="Zéro Conseil")
    entry = history_for(organization).get()
    assert entry.action == LogEntry.Action.CREATE
    changes = entry.changes_dict
    assert changes["name"] == ["None", "Zéro Conseil"]
    assert changes["headcount"] == ["None", "0"]  # zero is a value, not an empty field
    assert "legal_name" not in changes  # empty fields are left out
