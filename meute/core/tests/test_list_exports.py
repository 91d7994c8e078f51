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


class TestApiFiles:
    def test_csv_of_the_api_list_is_unpaginated_and_filtered(self, api, world):
        for number in range(3):
            OrganizationFactory(name=f"Brasserie {number}")
        response = api(world.manager).get(
            "/api/organizations/", {"format": "csv", "page_size": 1, "q": "Brasserie"}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        header, *body = rows_of(response)
        assert "name" in header
        names = sorted(row[header.index("name")] for row in body)
        assert names == ["Brasserie 0", "Brasserie 1", "Brasserie 2"]

    def test_a_partner_gets_only_its_own_rows_in_xlsx(self, api, world):
        response = api(world.partner_a_user).get("/api/organizations/", {"format": "xlsx"})
        assert response.status_code == 200
        values = list(load_workbook(io.BytesIO(response.content)).active.values)
        names = [row[values[0].index("name")] for row in values[1:]]
        assert names == [world.org_a.name]

    def test_someone_elses_row_stays_hidden(self, api, world):
        response = api(world.partner_a_user).get(f"/api/organizations/{world.org_b.uuid}/", {"format": "csv"})
        assert response.status_code == 404


def test_staff_only_columns_stay_with_the_staff(client_for, world):
    partner = rows_of(client_for(world.partner_a_user).get("/deals/?export=csv", HTTP_ACCEPT_LANGUAGE="en"))[
        0
    ]
    staff = rows_of(client_for(world.manager).get("/deals/?export=csv", HTTP_ACCEPT_LANGUAGE="en"))[0]
    assert "Conflict score" in staff and "Conflict score" not in partner
    assert set(partner) < set(staff)
