"""Organisations and people imported from the interface: all or nothing, errors by line and column."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from meute.core.models import Organization, Person

pytestmark = pytest.mark.django_db


def upload(text, name="file.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_organisations_imported_all_at_once(client_for, world):
    client = client_for(world.manager)
    assert client.get("/organizations/import/").status_code == 200
    response = client.post(
        "/organizations/import/", {"file": upload("nom,ville\nBrasserie du Port,Brest\nPerrin & Fils,Lyon\n")}
    )
    assert response.status_code == 302
    assert set(Organization.objects.filter(city__in=["Brest", "Lyon"]).values_list("name", flat=True)) >= {
        "Brasserie du Port",
        "Perrin & Fils",
    }


def test_one_wrong_line_writes_nothing_and_says_where(client_for, world):
    before = Organization.objects.count()
    response = client_for(world.manager).post(
        "/organizations/import/",
        {"file": upload("name,siren,headcount\nBrasserie du Port,,12\nPerrin & Fils,123,douze\n")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Line 3, column “siren”" in html
    assert "Line 3, column “headcount”" in html
    assert Organization.objects.count() == before


def test_people_need_their_organisation(client_for, world):
    before = Person.objects.count()
    response = client_for(world.manager).post(
        "/people/import/",
        {"file": upload("prenom,nom,organisation\nAna,Lima,Nobody Known\n")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    assert "Line 2" in response.content.decode()
    assert Person.objects.count() == before
    ok = client_for(world.manager).post(
        "/people/import/", {"file": upload(f"prenom,nom,organisation\nAna,Lima,{world.org_a.name}\n")}
    )
    assert ok.status_code == 302
    assert Person.objects.filter(last_name="Lima", organization=world.org_a).exists()


def test_partners_cannot_import(client_for, world):
    client = client_for(world.partner_a_user)
    before = Organization.objects.count()
    assert client.get("/organizations/import/").status_code == 403
    assert client.post("/people/import/", {"file": upload("prenom,nom\nAna,Lima\n")}).status_code == 403
    assert Organization.objects.count() == before
