"""Content-Security-Policy on every page, and no template that the policy would break."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1] / "meute"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=\"|\sstyle='|\son[a-z]+=\"|hx-on", re.I)


def policy(response) -> dict:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_strict(response):
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_every_kind_of_answer_carries_the_policy(world, client_for):
    assert_strict(_anonymous_login_page())
    client = client_for(world.manager)
    for url in (reverse("dashboard"), reverse("organization-list"), reverse("token-list"), "/api/me/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)
        # The headers that were there before are kept.
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def _anonymous_login_page():
    from django.test import Client

    return Client().get(reverse("login"))


@pytest.mark.django_db
def test_api_docs_load_their_script_from_meute(world, client_for):
    client = client_for(world.manager)
    docs = client.get("/api/docs/")
    assert_strict(docs)
    assert not INLINE_SCRIPT.search(docs.content.decode())
    assert "<style" not in docs.content.decode()
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "SwaggerUIBundle" in script.content.decode()


def test_no_template_has_inline_script_or_style():
    offenders = []
    for template in ROOT.rglob("templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        if INLINE_SCRIPT.search(text) or INLINE_STYLE.search(text):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []
