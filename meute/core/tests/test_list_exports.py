"""Every list downloads as CSV or .xlsx with its filters; a partner downloads only its own rows."""

import csv
import io

import pytest
from openpyxl import load_workbook

from meute.core.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def rows_of(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_filtered_csv_of_the_directory_in_the_readers_language(client_for, world):
    OrganizationFactory(name="Brasserie du Port", city="Brest")
    OrganizationFactory(name="Perrin & Fils", city="Lyon")
    client = client_for(world.manager)
    response = client.get("/organizations/?q=Brasserie&export=csv", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="organisations.csv"' in response["Content-Disposition"]
    header, *body = rows_of(response)
    assert header[:3] == ["Nom", "Raison sociale", "SIREN"]
    assert [row[0] for row in body] == ["Brasserie du Port"]


def test_xlsx_download(client_for, world):
    response = client_for(world.manager).get("/people/?export=xlsx", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("First name", "Last name")
    assert len(values) > 1


def test_a_partner_exports_only_its_own_rows(client_for, world):
    client = client_for(world.partner_a_user)
    names = [row[0] for row in rows_of(client.get("/organizations/?export=csv"))[1:]]
    assert names == [world.org_a.name]
    page = client.get("/organizations/").content.decode()
    assert "export=csv" in page and "export=xlsx" in page
