"""Importing leads from CSV or .xlsx: every error by line and column; a bad file changes nothing."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from meute.core.importing import ImportFileError, ImportValidationError
from meute.leads.choices import LeadStatus
from meute.leads.importing import import_leads
from meute.leads.models import Lead

pytestmark = pytest.mark.django_db

GOOD = (
    "Entreprise;ville;code postal;territoire;produits;montant;source;type de partenaire\n"
    "Breizh Conserves;Quimper;29000;bzh;crm, erp;12 500,50;Event;\n"
    "Lyon Textile;Lyon;69002;Auvergne-Rhône-Alpes;CRM;;website;Intégrateur\n"
)


def test_csv_with_french_headers(leads_world):
    result = import_leads(GOOD.encode(), filename="leads.csv", user=leads_world.manager)
    assert result.created == 2
    breizh = Lead.objects.get(company_name="Breizh Conserves")
    assert breizh.territory == leads_world.bzh and str(breizh.amount) == "12500.50"
    assert set(breizh.product_lines.values_list("code", flat=True)) == {"crm", "erp"}
    assert breizh.source == "event" and breizh.created_by == leads_world.manager
    lyon = Lead.objects.get(company_name="Lyon Textile")
    assert lyon.territory == leads_world.ara and lyon.required_partner_type == "system_integrator"
    assert lyon.status == LeadStatus.NEW


def test_xlsx(leads_world):
    book = Workbook()
    sheet = book.active
    sheet.append(["company_name", "city", "territory", "product_lines", "amount"])
    sheet.append(["Nantes Logistique", "Nantes", "fr", "erp", 4000])
    data = io.BytesIO()
    book.save(data)
    assert import_leads(data.getvalue(), filename="leads.xlsx").created == 1
    assert Lead.objects.get().amount == 4000


def test_a_bad_line_changes_nothing_and_every_error_is_reported(leads_world):
    bad = GOOD + ";Paris;75001;mars;iot;-4;;\nValid SA;Lille;59000;fr;crm;abc;tv;\n"
    with pytest.raises(ImportValidationError) as error:
        import_leads(bad.encode(), filename="leads.csv")
    found = {(e.line, e.column) for e in error.value.errors}
    assert {
        (4, "Entreprise"),
        (4, "territoire"),
        (4, "produits"),
        (4, "montant"),
        (5, "montant"),
        (5, "source"),
    } <= found
    assert "Line 4, column “territoire”: Unknown territory “mars”." in [str(e) for e in error.value.errors]
    assert not Lead.objects.exists()


def test_unknown_column_and_empty_file(leads_world):
    with pytest.raises(ImportValidationError) as error:
        import_leads(b"company_name;colour\nX;red\n", filename="x.csv")
    assert error.value.errors[0].column == "colour"
    with pytest.raises(ImportFileError):
        import_leads(b"company_name\n", filename="x.csv")
    assert not Lead.objects.exists()


def test_import_page_shows_errors_and_writes_nothing(leads_world, client_for):
    client = client_for(leads_world.manager)
    upload = SimpleUploadedFile("leads.csv", b"company_name;amount\nX;-1\n", content_type="text/csv")
    response = client.post("/leads/import/", {"file": upload})
    assert response.status_code == 422
    assert "Line 2, column “amount”" in response.content.decode()
    assert '<a class="btn" href="/leads/">' in response.content.decode()  # Cancel goes back to the list
    assert not Lead.objects.exists()
    upload = SimpleUploadedFile("leads.csv", GOOD.encode(), content_type="text/csv")
    response = client.post("/leads/import/", {"file": upload, "route_now": "on"})
    assert response.status_code == 302
    assert Lead.objects.filter(status=LeadStatus.OFFERED).count() == 1  # Lyon needs an integrator
    assert Lead.objects.filter(status=LeadStatus.UNASSIGNED).count() == 1


def test_only_editors_import(leads_world, client_for):
    assert client_for(leads_world.reader).get("/leads/import/").status_code == 403
    assert client_for(leads_world.partner_a_user).get("/leads/import/").status_code == 403
