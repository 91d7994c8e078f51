"""Upload limits and malformed import files: 413 before the body is read, clear errors, nothing written."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.styles import Font

from meute.cli import main
from meute.core.importing import ImportFileError, ImportValidationError, read_table, tables
from meute.core.models import Organization
from meute.leads.importing import import_leads
from meute.leads.models import Lead

NESTED = ("[" * 100_000 + "]" * 100_000).encode()
IMPORT_PAGES = [
    "lead-import",
    "revenue-import",
    "partnermetric-import",
    "exchangerate-import",
    "certified-import",
]


def xlsx(rows, styled_empty_rows=0) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for number in range(len(rows) + 1, len(rows) + 1 + styled_empty_rows):
        sheet.cell(row=number, column=1).font = Font(bold=True)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


class TestMalformedFiles:
    def test_nested_json_is_a_clear_error(self):
        with pytest.raises(ImportFileError, match="nested too deeply"):
            read_table(NESTED, "deep.json")

    def test_nested_objects_in_records_are_refused(self):
        with pytest.raises(ImportFileError, match="Record 2, field “address”: nested objects"):
            read_table(b'[{"name": "A"}, {"name": "B", "address": {"city": "Lyon"}}]', "x.json")
        assert read_table(b'[{"name": "A", "tags": ["x", "y"]}]', "x.json").rows == [(2, ["A", "x, y"])]

    def test_formatted_empty_rows_are_not_read(self, monkeypatch):
        monkeypatch.setattr(tables, "XLSX_MAX_EMPTY_RUN", 50)
        data = xlsx([["name", "city"], ["Alpha", "Lyon"], ["Beta", "Nantes"]], styled_empty_rows=300)
        table = read_table(data, "x.xlsx")
        assert table.headers == ["name", "city"]
        assert table.rows == [(2, ["Alpha", "Lyon"]), (3, ["Beta", "Nantes"])]

    def test_zip_bomb_is_refused_before_unpacking(self, settings):
        settings.MEUTE_IMPORT_MAX_MB = 1
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("xl/worksheets/sheet1.xml", b"<row/>" * (6 * 1024 * 1024))
        assert len(data.getvalue()) < 1024 * 1024
        with pytest.raises(ImportFileError, match="unpacks to"):
            read_table(data.getvalue(), "bomb.xlsx")

    def test_file_over_the_import_limit(self, settings):
        settings.MEUTE_IMPORT_MAX_MB = 1
        with pytest.raises(ImportFileError, match="limited to 1 MB"):
            read_table(b"name\n" + b"x" * (1024 * 1024 + 10), "big.csv")


@pytest.mark.django_db
class TestImportPages:
    @pytest.mark.parametrize("page", IMPORT_PAGES)
    def test_nested_json_on_every_staff_import_page(self, world, client_for, page):
        client = client_for(world.admin)
        upload = SimpleUploadedFile("deep.json", NESTED, content_type="application/json")
        response = client.post(reverse(page), {"file": upload})
        assert response.status_code in (200, 400, 422), response.status_code
        assert "nested too deeply" in response.content.decode()
        assert not Lead.objects.exists()

    def test_upload_announced_too_large_is_413_before_reading(self, world, client_for, settings):
        settings.MEUTE_IMPORT_MAX_MB = 1
        settings.MEUTE_MAX_UPLOAD_MB = 1
        client = client_for(world.admin)
        body = b"company_name\n" + b"Acme\n" * (600 * 1024)  # 3 MB
        upload = SimpleUploadedFile("leads.csv", body, content_type="text/csv")
        response = client.post(reverse("lead-import"), {"file": upload})
        assert response.status_code == 413
        assert "at most 1 MB" in response.content.decode()
        assert not Lead.objects.exists()

    def test_api_upload_too_large_is_413_in_the_error_format(self, world, api, settings):
        settings.MEUTE_IMPORT_MAX_MB = 1
        settings.MEUTE_MAX_UPLOAD_MB = 1
        response = api(world.admin).post(
            "/api/organizations/", {"name": "x" * (3 * 1024 * 1024)}, format="json"
        )
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "too_large"
        assert not Organization.objects.filter(name__startswith="xxx").exists()

    def test_import_file_over_the_import_limit_but_under_the_document_limit(
        self, world, client_for, settings
    ):
        settings.MEUTE_IMPORT_MAX_MB = 1
        settings.MEUTE_MAX_UPLOAD_MB = 5
        client = client_for(world.admin)
        body = b"company_name\n" + b"Acme\n" * (300 * 1024)  # 1.5 MB
        upload = SimpleUploadedFile("leads.csv", body, content_type="text/csv")
        response = client.post(reverse("lead-import"), {"file": upload})
        assert response.status_code in (200, 400, 422)
        assert "import files are limited to 1 MB" in response.content.decode()
        assert not Lead.objects.exists()

    def test_cli_refuses_a_file_over_the_limit(self, world, settings, tmp_path, capsys):
        settings.MEUTE_IMPORT_MAX_MB = 1
        path = tmp_path / "big.csv"
        path.write_bytes(b"name\n" + b"Acme\n" * (300 * 1024))
        assert main(["import", "organizations", str(path)]) == 1
        assert "limited to 1 MB" in capsys.readouterr().err
        assert Organization.objects.count() == 3


@pytest.mark.django_db
class TestLeadImporterRefusesJunk:
    def test_values_beyond_the_header_are_refused_like_organisations(self, world):
        junk = xlsx([["company_name", "city"], ["Acme", "Lyon", "zz", "qq"], ["Beta", "Nantes"]])
        with pytest.raises(ImportValidationError) as refused:
            import_leads(junk, filename="junk.xlsx")
        assert [(error.line, str(error.message)) for error in refused.value.errors] == [
            (2, "This line has more values than the header has columns.")
        ]
        assert not Lead.objects.exists()
        from meute.core.importing import import_file

        organisations = xlsx([["name", "city"], ["Acme", "Lyon", "zz", "qq"]])
        with pytest.raises(ImportValidationError):
            import_file("organizations", organisations, filename="junk.xlsx")
