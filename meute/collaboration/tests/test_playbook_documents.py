"""Playbook documents: uploaded files kept private (downloaded through an access check) or links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meute.collaboration import assessments as workflow
from meute.collaboration.models import PlaybookDocument, PlaybookItem
from meute.collaboration.tests.advice_helpers import advice_world_fixture  # noqa: F401
from meute.partnerships.choices import CollaborationModel as M

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(advice_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    workflow.adopt_model(advice_world.manager, advice_world.grouping, M.REFERRAL)
    return PlaybookItem.objects.filter(partnership=advice_world.grouping).order_by("pk").first()


def upload(name="contrat.pdf", content=b"%PDF-1.4 contrat"):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_member_uploads_a_file_and_members_download_it(advice_world, item, client_for):
    w = advice_world
    page = reverse("groupings:playbook-document", kwargs={"uuid": w.grouping.uuid, "item": item.uuid})
    client = client_for(w.partner_a_user)
    response = client.post(page, {f"doc-{item.pk}-title": "Contrat", f"doc-{item.pk}-file": upload()})
    assert response.status_code == 302
    document = PlaybookDocument.objects.get(item=item)
    assert document.file and document.url == ""
    download = reverse(
        "groupings:playbook-document-download", kwargs={"uuid": w.grouping.uuid, "document": document.uuid}
    )
    playbook = client.get(reverse("groupings:playbook", kwargs={"uuid": w.grouping.uuid})).content.decode()
    assert download in playbook
    fetched = client_for(w.partner_b_user).get(download)
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content) == b"%PDF-1.4 contrat"
    # Outsiders get nothing, not even through another grouping's address.
    assert client_for(w.partner_c_user).get(download).status_code == 404
    other = reverse(
        "groupings:playbook-document-download",
        kwargs={"uuid": w.other_grouping.uuid, "document": document.uuid},
    )
    assert client_for(w.partner_c_user).get(other).status_code == 404


def test_bad_uploads_are_refused_and_nothing_is_saved(advice_world, item, client_for, settings):
    w = advice_world
    page = reverse("groupings:playbook-document", kwargs={"uuid": w.grouping.uuid, "item": item.uuid})
    client = client_for(w.partner_a_user)
    prefix = f"doc-{item.pk}"
    response = client.post(
        page, {f"{prefix}-title": "Script", f"{prefix}-file": upload("run.exe")}, follow=True
    )
    assert "not accepted" in response.content.decode()
    both = client.post(
        page,
        {f"{prefix}-title": "x", f"{prefix}-file": upload(), f"{prefix}-url": "https://example.org/x"},
        follow=True,
    )
    assert "either a file to upload or a link" in both.content.decode()
    settings.MEUTE_MAX_UPLOAD_MB = 0
    client.post(page, {f"{prefix}-title": "Big", f"{prefix}-file": upload()})
    assert not PlaybookDocument.objects.exists()


def test_api_upload_and_link(advice_world, item, client_for):
    w = advice_world
    client = client_for(w.partner_a_user)
    created = client.post(
        f"/api/playbook-items/{item.uuid}/documents/",
        {"title": "Grille", "file": upload("grille.xlsx", b"xl")},
    )
    assert created.status_code == 201, created.content
    assert created.json()["download"].endswith(f"/documents/{created.json()['uuid']}/")
    assert client.get(created.json()["download"]).status_code == 200
    link = client.post(
        f"/api/playbook-items/{item.uuid}/documents/",
        {"title": "Lien", "url": "https://docs.example.org/x.pdf"},
        content_type="application/json",
    )
    assert link.status_code == 201 and link.json()["download"] is None
    neither = client.post(
        f"/api/playbook-items/{item.uuid}/documents/", {"title": "Rien"}, content_type="application/json"
    )
    assert neither.status_code == 400
    outsider = client_for(w.partner_c_user).post(
        f"/api/playbook-items/{item.uuid}/documents/", {"title": "x", "file": upload()}
    )
    assert outsider.status_code == 404
    assert PlaybookDocument.objects.count() == 2


def test_a_document_added_again_under_its_title_is_its_next_version(advice_world, item, client_for):
    from meute.collaboration import playbooks, termsheet

    w = advice_world
    first = playbooks.add_document(w.partner_a_user, item, "Contrat", file=upload(content=b"%PDF-1.4 v1"))
    second = playbooks.add_document(w.manager, item, " contrat", file=upload(content=b"%PDF-1.4 v2"))
    link = playbooks.add_document(
        w.partner_a_user, item, "Grille tarifaire", "https://docs.example.org/grille"
    )
    assert (first.version, second.version, link.version) == (1, 2, 1)
    assert second.title == "Contrat"  # the first title's spelling is kept for every version
    first.refresh_from_db()
    assert first.file.read() == b"%PDF-1.4 v1"  # the earlier file stays downloadable
    assert playbooks.document_versions(item.documents.all()) == [(second, [first]), (link, [])]

    page = client_for(w.partner_b_user).get(reverse("groupings:playbook", kwargs={"uuid": w.grouping.uuid}))
    html = page.content.decode()
    for document in (first, second):
        download = reverse(
            "groupings:playbook-document-download",
            kwargs={"uuid": w.grouping.uuid, "document": document.uuid},
        )
        assert f'href="{download}"' in html
    assert "version 2" in html and ">v1</a>" in html

    w.grouping.refresh_from_db()  # the referral model was adopted through another instance
    sheet = termsheet.build(w.grouping, "en")
    lines = [line for section in sheet.sections for i in section.items for line in i["documents"]]
    assert any(line.startswith("Contrat (version 2): ") for line in lines), lines
    assert "Grille tarifaire: https://docs.example.org/grille" in lines
    assert not any("version 1" in line for line in lines)  # the term sheet names the latest only


def test_two_versions_cannot_share_a_number(advice_world, item):
    from django.db import IntegrityError, transaction

    PlaybookDocument.objects.create(item=item, title="Contrat", url="https://example.org/1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PlaybookDocument.objects.create(item=item, title="Contrat", url="https://example.org/2")


def test_api_shows_the_version(advice_world, item, api):
    w = advice_world
    url = reverse("api:playbookitem-documents", kwargs={"uuid": item.uuid})
    client = api(w.partner_a_user)
    for _ in range(2):
        response = client.post(url, {"title": "Charte", "url": "https://example.org/charte"}, format="json")
        assert response.status_code == 201
    assert response.json()["version"] == 2
    detail = client.get(reverse("api:playbookitem-detail", kwargs={"uuid": item.uuid})).json()
    assert [(d["title"], d["version"]) for d in detail["documents"]] == [("Charte", 2), ("Charte", 1)]
    outsider = api(w.partner_c_user).post(url, {"title": "Charte", "url": "https://x.org"}, format="json")
    assert outsider.status_code == 404
    assert item.documents.count() == 2
