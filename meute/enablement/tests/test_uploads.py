"""Uploaded files: refused when of a forbidden kind, disguised or too big; stored under random names;
served through access-checked views with Meute's content type."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meute.enablement.models import ContentItem, ContentVersion, ModuleFile

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload_module_file(client, module, name, content, kind="document"):
    return client.post(
        reverse("enablement:module-update", args=[module.uuid]),
        {"action": "file", "kind": kind, "title": "Doc", "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("evil.html", b"<script>alert(1)</script>", "document"),
        ("evil.exe", b"MZ\x90\x00", "document"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "document"),
        ("image.svg", b"<svg onload=alert(1)>", "image"),
        ("doc.pdf", PDF, "video"),
        ("empty.pdf", b"", "document"),
    ],
)
def test_forbidden_or_disguised_files_are_refused(course_world, client_for, name, content, kind):
    response = upload_module_file(
        client_for(course_world.world.manager), course_world.reading, name, content, kind
    )
    assert response.status_code == 422
    assert not ModuleFile.objects.exists()


def test_size_limit(course_world, client_for, settings):
    settings.MEUTE_MAX_UPLOAD_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    response = upload_module_file(
        client_for(course_world.world.manager), course_world.reading, "big.pdf", big
    )
    assert response.status_code == 422 and "larger than 1 MB" in response.content.decode()
    assert not ModuleFile.objects.exists()


def test_stored_under_a_random_name_and_served_with_access_checks(course_world, client_for, tmp_path):
    cw = course_world
    client = client_for(cw.world.manager)
    response = upload_module_file(client, cw.reading, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 302
    item = ModuleFile.objects.get()
    assert (
        item.original_name == "passwd.pdf" and "passwd" not in item.file.name and ".." not in item.file.name
    )
    assert (tmp_path / item.file.name).resolve().is_relative_to(tmp_path)
    served = client_for(cw.world.partner_a_user).get(reverse("enablement:module-file", args=[item.uuid]))
    assert served.status_code == 200
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in served["Content-Disposition"] and "sandbox" in served["Content-Security-Policy"]
    assert b"".join(served.streaming_content) == PDF
    cw.course.is_published = False
    cw.course.save()
    assert (
        client_for(cw.world.partner_a_user)
        .get(reverse("enablement:module-file", args=[item.uuid]))
        .status_code
        == 404
    )


def test_partner_cannot_upload(course_world, client_for):
    response = upload_module_file(
        client_for(course_world.world.partner_a_user), course_world.reading, "a.png", PNG, "image"
    )
    assert response.status_code == 403 and not ModuleFile.objects.exists()


def test_library_versions_and_downloads(world, client_for):
    item = ContentItem.objects.create(
        kind="document", title="Price list", publish_at=timezone.now() - datetime.timedelta(hours=1)
    )
    staff = client_for(world.manager)
    url = reverse("enablement:content-version-add", args=[item.uuid])
    staff.post(url, {"file": SimpleUploadedFile("prices.pdf", PDF)})
    staff.post(url, {"file": SimpleUploadedFile("prices-2.pdf", PDF + b"v2"), "note": "New prices"})
    assert list(ContentVersion.objects.order_by("number").values_list("number", "original_name")) == [
        (1, "prices.pdf"),
        (2, "prices-2.pdf"),
    ]
    latest = ContentVersion.objects.get(number=2)
    partner = client_for(world.partner_a_user)
    assert partner.get(reverse("enablement:content-version-download", args=[latest.uuid])).status_code == 200
    assert item.downloads.count() == 1 and item.downloads.get().organization_id == world.org_a.pk


MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 4  # 1,036 bytes


@pytest.mark.parametrize(
    ("header", "status", "content_range", "body"),
    [
        ("bytes=0-9", 206, "bytes 0-9/1036", MP4[:10]),
        ("bytes=1000-", 206, "bytes 1000-1035/1036", MP4[1000:]),
        ("bytes=-6", 206, "bytes 1030-1035/1036", MP4[-6:]),
        ("bytes=1030-5000", 206, "bytes 1030-1035/1036", MP4[1030:]),
        ("bytes=2000-", 416, "bytes */1036", b""),
        ("bytes=0-1,5-9", 200, None, MP4),  # several ranges: the whole file
        ("items=0-9", 200, None, MP4),
    ],
)
def test_videos_are_served_by_byte_range(course_world, client_for, header, status, content_range, body):
    cw = course_world
    uploaded = upload_module_file(client_for(cw.world.manager), cw.reading, "intro.mp4", MP4, "video")
    assert uploaded.status_code == 302
    item = ModuleFile.objects.get()
    url = reverse("enablement:module-file", args=[item.uuid])
    served = client_for(cw.world.partner_a_user).get(url, HTTP_RANGE=header)
    assert served.status_code == status
    assert served.get("Content-Range") == content_range
    content = b"".join(served.streaming_content) if served.streaming else served.content
    assert content == body
    assert served["X-Content-Type-Options"] == "nosniff" and "sandbox" in served["Content-Security-Policy"]
    if status == 206:
        assert served["Content-Type"] == "video/mp4" and served["Content-Length"] == str(len(body))
        assert "inline" in served["Content-Disposition"]
    # Signed out, nothing is served, range or not.
    assert Client().get(url, HTTP_RANGE=header).status_code == 302
