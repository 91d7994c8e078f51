"""Importing organisations and people: good files in every accepted encoding and format, broken files."""

import io
import json
from decimal import Decimal
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


# --------------------------------------------------------------------------------------------------
# Large imports: chunks, the COPY writer, the audit entries
# --------------------------------------------------------------------------------------------------


def old_changes(obj):
    """The creation entry's changes as the row-by-row writer built them (the reference to match)."""
    excluded = {"search_text", "id", "created_at", "updated_at"}
    changes = {}
    for field in obj._meta.concrete_fields:
        value = obj.__dict__.get(field.attname)
        if field.name in excluded:
            continue
        if value or (value is not None and value.__class__ not in (str, list, dict)):
            changes[field.name] = ["None", str(value)]
    return json.dumps(changes)


@pytest.mark.django_db
def test_creation_changes_are_the_json_of_every_field_with_a_value():
    from meute.core.audit import creation_changes

    objects = [
        Organization(
            name='Zéro "Conseil"\t\\',
            headcount=0,
            market_share=Decimal("0.00"),
            annual_revenue=Decimal("1234.50"),
            company_sizes=["sme", "mid_market"],
            is_operator=False,
            country="BE",
            description="deux\nlignes",
        ),
        Organization(name="Un", legal_name="", city="Nîmes", region_id=4, company_sizes=[]),
        Organization(name="日本", is_operator=True, headcount=None),
    ]
    for pk, obj in enumerate(objects, start=1):
        obj.pk = pk
    columns = {
        field.attname: [obj.__dict__.get(field.attname) for obj in objects]
        for field in Organization._meta.concrete_fields
    }
    assert creation_changes(Organization, columns) == [old_changes(obj) for obj in objects]


@pytest.mark.django_db
def test_search_texts_are_built_like_one_organisation_at_a_time():
    organizations = [
        Organization(
            name="Ça Va", legal_name="Ça va SAS", city="Épinal", postal_code="88000", siren="732829320"
        ),
        Organization(name="Deux  Mots", siret="73282932000074", siren="732829320", email_domain="x.fr"),
        Organization(name="Ωmega ﬁne"),
    ]
    columns = {
        name: [getattr(org, name) for org in organizations]
        for name in ("name", "legal_name", "city", "postal_code", "siret", "siren", "email_domain")
    }
    assert Organization.search_texts(**columns) == [org.build_search_text() for org in organizations]


def many_rows(count, **override):
    """A valid file of ``count`` organisations; ``override`` maps a line number to its row."""
    from meute.demo import identifiers

    lines = ["name;siren;tva;headcount;sales_headcount;tags;region;is_operator"]
    for line in range(2, count + 2):
        siren = identifiers.siren(line, 77_000_000)
        row = f"Org {line};{siren};{identifiers.french_vat(siren)};10;2;Tag {line % 3};Bretagne;non"
        lines.append(override.get(f"line{line}", row))
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 3 rows, so that a dozen rows go through several chunks (and several COPY writes)."""
    from meute.core.importing import organizations

    monkeypatch.setattr(organizations, "CHUNK_SIZE", 3)


@pytest.mark.django_db
def test_rows_in_many_chunks_are_all_written_with_their_audit_entries(small_chunks, world):
    result = import_file("organizations", many_rows(11), user=world.admin)
    assert result.created == 11
    imported = Organization.objects.filter(name__startswith="Org ")
    assert imported.count() == 11
    assert Organization.objects.get(name="Org 12").region.name == "Bretagne"
    assert Tag.objects.get(name="Tag 2").organizations.count() == 4
    entries = LogEntry.objects.filter(
        content_type__model="organization",
        object_pk__in=[str(pk) for pk in imported.values_list("pk", flat=True)],
    )
    assert entries.count() == 11
    assert {entry.actor for entry in entries} == {world.admin}
    assert {entry.action for entry in entries} == {LogEntry.Action.CREATE}


@pytest.mark.django_db
def test_errors_in_later_chunks_are_all_reported_and_nothing_is_kept(small_chunks, world):
    entries_before = LogEntry.objects.count()
    text = many_rows(
        14,
        line6="Bad;123456789;;10;2;;;",  # chunk 2: wrong SIREN check digit
        line12="Twin;;;5;9;Nouveau tag;;",  # chunk 4: more sales people than people
    )
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", text, user=world.admin)
    assert [(e.line, e.column) for e in caught.value.errors] == [(6, "siren"), (12, "sales_headcount")]
    assert not Organization.objects.filter(name__startswith="Org ").exists()
    assert not Tag.objects.exists()
    assert LogEntry.objects.count() == entries_before


@pytest.mark.django_db
def test_an_identifier_already_taken_in_a_later_chunk_is_reported(small_chunks, world):
    from meute.demo import identifiers

    taken = identifiers.siren(9, 77_000_000)
    world.org_b.siren = taken
    world.org_b.save()
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", many_rows(10))
    [error] = caught.value.errors
    assert (error.line, error.column) == (9, "siren")
    assert "Another organisation already has this SIREN" in error.message
    assert not Organization.objects.filter(name__startswith="Org ").exists()


@pytest.mark.django_db
def test_duplicates_across_chunks_and_a_second_operator_are_reported(small_chunks, world):
    first = many_rows(8).decode().splitlines()[1]
    text = many_rows(8, line9=first.replace("Org 2", "Org bis"), line5="Op;;;;;;;oui")
    with pytest.raises(ImportValidationError) as caught:
        import_file("organizations", text)
    messages = {(e.line, e.column): e.message for e in caught.value.errors}
    assert messages[(9, "siren")] == "Same SIREN as line 2."
    assert messages[(9, "tva")] == "Same VAT number as line 2."
    assert messages[(5, "is_operator")] == "There is already an operator organisation."
    assert not Organization.objects.filter(name__startswith="Org ").exists()


@pytest.mark.django_db
def test_text_with_tabs_newlines_and_backslashes_is_stored_as_written(world):
    text = (
        'name,description,city\n"Tab\there","Line one\nLine two\\N and \\\\ back\\slash","Nîmes\\"\n'
        '"Second","",Paris\n'
    )
    import_file("organizations", text.encode(), user=world.admin)
    organization = Organization.objects.get(name="Tab\there")
    assert organization.description == "Line one\nLine two\\N and \\\\ back\\slash"
    assert organization.city == "Nîmes\\"
    assert Organization.objects.get(name="Second").description == ""
    changes = LogEntry.objects.get_for_object(organization).get().changes_dict
    assert changes["description"] == ["None", "Line one\nLine two\\N and \\\\ back\\slash"]
    assert organization in Organization.objects.search("nimes\\")


@pytest.mark.django_db
def test_audit_entries_hold_who_when_and_every_value_and_show_in_the_history(client_for, world):
    from django.urls import reverse
    from django.utils import timezone

    started = timezone.now()
    text = (
        "name;siren;annual_revenue;market_share;company_sizes;is_operator;headcount;region;tags\n"
        "Audité;732829320;1 234,5;0;sme, mid_market;non;0;Occitanie;Stratégique\n"
    )
    import_file("organizations", text.encode(), user=world.manager)
    organization = Organization.objects.get(name="Audité")
    entry = LogEntry.objects.get_for_object(organization).get()
    assert entry.actor == world.manager
    assert started <= entry.timestamp <= timezone.now()
    assert entry.object_repr == "Audité"
    changes = entry.changes_dict
    assert changes["uuid"] == ["None", str(organization.uuid)]
    assert changes["annual_revenue"] == ["None", "1234.50"]
    assert changes["market_share"] == ["None", "0.00"]
    assert changes["headcount"] == ["None", "0"]
    assert changes["company_sizes"] == ["None", "['sme', 'mid_market']"]
    assert changes["is_operator"] == ["None", "False"]
    assert changes["country"] == ["None", "FR"]
    assert changes["region"] == ["None", str(organization.region_id)]
    assert "legal_name" not in changes and "search_text" not in changes
    page = client_for(world.reader).get(reverse("organization-detail", kwargs={"uuid": organization.uuid}))
    assert page.context["history"] == [entry]
    html = page.content.decode()
    assert "1,234.50" in html and world.manager.get_username() in html  # in the reader's format
