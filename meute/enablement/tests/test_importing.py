"""Certified people imported from a learning platform: list (partners see their own), removal and
all-or-nothing import by staff editors, at the addresses the programme pages always had."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meute.core.factories import PersonFactory
from meute.core.importing import ImportValidationError
from meute.enablement.importing import import_certified
from meute.enablement.models import PersonCertification

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    world.person_a.email = "alice@alpha.example"
    world.person_a.save()
    world.person_b.email = "bruno@beta.example"
    world.person_b.save()
    return world


def csv(text):
    return ("\ufeff" + text).encode("utf-8")


def test_import_with_french_headers_and_role_labels(people):
    source = csv(
        "courriel;certification;role;expiration\n"
        "alice@alpha.example;Meute Sales 2026;Sales;31/12/2027\n"
        "bruno@beta.example;Meute Consultant;consultant;\n"
    )
    result = import_certified(source, filename="c.csv", user=people.manager)
    assert result.created == 2
    alice = PersonCertification.objects.get(person=people.person_a)
    assert alice.role == "sales" and alice.valid_until.isoformat() == "2027-12-31"
    assert alice.source == "imported" and alice.name == "Meute Sales 2026"


def test_bad_lines_are_all_reported_and_nothing_is_written(people):
    PersonCertification.objects.create(person=people.person_a, name="Existing", role="sales")
    source = csv(
        "email,certification,role,valid_until\n"
        "alice@alpha.example,Fine,sales,\n"
        "nobody@example.org,X,sales,\n"
        "bruno@beta.example,Y,wizard,\n"
        "bruno@beta.example,Z,sales,someday\n"
        "alice@alpha.example,Existing,sales,\n"
        "alice@alpha.example,Fine,sales,\n"
        ",,,\n"
    )
    with pytest.raises(ImportValidationError) as refused:
        import_certified(source, filename="c.csv", user=people.manager)
    messages = [str(e) for e in refused.value.errors]
    assert len(messages) == 5
    joined = " ".join(messages)
    for fragment in ("nobody@example.org", "wizard", "2026-03-31", "already holds", "line 2"):
        assert fragment in joined
    assert PersonCertification.objects.count() == 1


def test_same_email_in_two_organisations_is_ambiguous(people):
    PersonFactory(organization=people.org_b, email="alice@alpha.example")
    with pytest.raises(ImportValidationError) as refused:
        import_certified(csv("email,certification,role\nalice@alpha.example,C,sales\n"), filename="c.csv")
    assert "Several people" in str(refused.value.errors[0])


def test_pages_partner_sees_own_only_and_cannot_import_or_remove(people, client_for):
    own = PersonCertification.objects.create(person=people.person_a, name="Mine", role="sales")
    other = PersonCertification.objects.create(person=people.person_b, name="Theirs", role="sales")
    client = client_for(people.partner_a_user)
    page = client.get(reverse("certified-list")).content.decode()
    assert "Mine" in page and "Theirs" not in page and "Import a file" not in page
    assert client.get(reverse("certified-import")).status_code == 403
    assert client.post(reverse("certified-delete", args=[other.uuid])).status_code == 403
    assert client.post(reverse("certified-delete", args=[own.uuid])).status_code == 403
    assert PersonCertification.objects.count() == 2


def test_staff_import_page_and_removal(people, client_for):
    client = client_for(people.manager)
    bad = SimpleUploadedFile("c.csv", csv("email,certification,role\nnobody@x.org,C,sales\n"))
    response = client.post(reverse("certified-import"), {"file": bad})
    assert response.status_code == 422 and "nobody@x.org" in response.content.decode()
    good = SimpleUploadedFile("c.csv", csv("email,certification,role\nalice@alpha.example,C,sales\n"))
    assert client.post(reverse("certified-import"), {"file": good}).status_code == 302
    row = PersonCertification.objects.get()
    page = client.get(reverse("certified-list") + "?role=sales&q=alpha").content.decode()
    assert "alice" in page.lower() or "Alice" in page
    assert client.post(reverse("certified-delete", args=[row.uuid])).status_code == 302
    assert not PersonCertification.objects.exists()
    assert client_for(people.reader).get(reverse("certified-import")).status_code == 403


def test_api_keeps_the_programmes_path_and_fields(people, api):
    payload = {
        "person": str(people.person_a.uuid),
        "certification": "Meute Sales 2026",
        "role": "sales",
        "valid_until": "2027-12-31",
    }
    created = api(people.manager).post("/api/certified-people/", payload, format="json")
    assert created.status_code == 201
    body = created.json()
    assert (body["certification"], body["role"], body["valid_until"]) == (
        "Meute Sales 2026",
        "sales",
        "2027-12-31",
    )
    again = api(people.manager).post("/api/certified-people/", payload, format="json")
    assert again.status_code == 400 and "certification" in again.json()["error"]["fields"]
    assert api(people.partner_b_user).get(f"/api/certified-people/{body['uuid']}/").status_code == 404
    assert PersonCertification.objects.count() == 1


def test_cli_import(people, tmp_path, capsys):
    from meute.cli import main

    good = tmp_path / "certified.csv"
    good.write_bytes(
        csv("email,certification,role,issued_on\nalice@alpha.example,Platform,sales,2026-01-05\n")
    )
    assert main(["certifications", "import", str(good), "--dry-run"]) == 0
    assert not PersonCertification.objects.exists()
    assert main(["certifications", "import", str(good)]) == 0
    assert PersonCertification.objects.get().issued_on.isoformat() == "2026-01-05"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv("email,certification,role\nnobody@x.org,C,sales\n"))
    assert main(["certifications", "import", str(bad)]) == 1
    assert "nobody@x.org" in capsys.readouterr().err
    assert PersonCertification.objects.count() == 1
