"""The committed OpenAPI schema (openapi/schema.yaml) must match what the code generates.

Integrators read the committed file; this test fails when the API changes without it. The schema is
generated in English (``LANGUAGE_CODE=en``) and against the default SQLite configuration, so the committed
file depends neither on the instance language nor on the database (integer bounds differ per backend).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "openapi" / "schema.yaml"
REGENERATE = "LANGUAGE_CODE=en python manage.py spectacular --file openapi/schema.yaml"


def generate(target: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - fixed command line, no user input
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(target),
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
            "DJANGO_SETTINGS_MODULE": "meute.settings",
            "LANGUAGE_CODE": "en",
            "MEUTE_DATA_DIR": str(target.parent),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def test_schema_is_valid_and_matches_the_committed_file(tmp_path):
    generated = tmp_path / "schema.yaml"
    result = generate(generated)
    assert result.returncode == 0, f"Schema generation failed or warned:\n{result.stdout}\n{result.stderr}"
    assert COMMITTED.exists(), f"openapi/schema.yaml is missing. Generate it with: {REGENERATE}"
    assert generated.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        f"openapi/schema.yaml is out of date with the API. Regenerate it with: {REGENERATE}"
    )


def test_schema_documents_every_resource_and_token_auth():
    text = COMMITTED.read_text(encoding="utf-8")
    for path in (
        "/api/organizations/",
        "/api/organizations/{uuid}/",
        "/api/people/",
        "/api/partnerships/",
        "/api/partnership-parties/",
        "/api/territories/",
        "/api/product-lines/",
        "/api/sectors/",
        "/api/tags/",
        "/api/me/",
        "/api/auth/token/",
    ):
        assert f"  {path}:" in text, path
    assert "Authorization: Token <key>" in text
    assert "tokenAuth" in text
    assert "{id}" not in text
