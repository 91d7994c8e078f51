"""Playbook documents: uploaded files kept private (downloaded through an access check) or links."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from meute.groupings import advice_workflow as workflow
from meute.groupings.models import PlaybookDocument, PlaybookItem
from meute.partnerships.choices import CollaborationModel as M

from .advice_helpers import advice_world_fixture  # noqa: F401

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
