"""Edges of the API's one error format that a schema fuzzer found: odd paths, body types, ancient dates."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_path_with_an_encoded_line_break_is_a_json_404(world, api):
    response = api(world.admin).delete("/api/labels/%0A/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_an_unread_body_type_is_a_415_in_the_error_format(world, api):
    response = api(world.admin).generic("POST", "/api/labels/", "¾", content_type="application/x-unknown")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize(
    ("expires_at", "status"),
    [("0184-04-15T17:48:12Z", 400), ("1899-12-31T23:00:00Z", 400), ("2031-04-15T17:48:12Z", 201)],
)
def test_a_date_before_1900_is_refused_and_nothing_is_written(world, api, expires_at, status):
    from meute.enablement.models import ContentItem

    response = api(world.admin).post(
        "/api/library-items/", {"kind": "document", "title": "Price list", "expires_at": expires_at}
    )
    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["error"]["fields"]["expires_at"] == ["Give a date from 1900 onwards."]
        assert not ContentItem.objects.exists()
    else:
        assert ContentItem.objects.get().expires_at.year == 2031


def test_the_refusal_of_an_ancient_date_is_french_in_french(world, api):
    response = api(world.admin).post(
        "/api/library-items/",
        {"kind": "document", "title": "Tarifs", "expires_at": "0184-04-15T17:48:12Z"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.json()["error"]["fields"]["expires_at"] == ["Indiquez une date à partir de 1900."]


def test_415_is_documented_on_writes():
    from meute.lib.api_schema import DESCRIPTIONS, WRITE_ERRORS

    assert "415" in WRITE_ERRORS and "415" in DESCRIPTIONS
