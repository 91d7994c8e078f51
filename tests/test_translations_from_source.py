"""Every message of the source reaches French users in French.

The messages are extracted from the source itself (``makemessages`` over a copy of the code, into a
throw-away folder), not read from the catalogue: a message added or changed in the code without its French
entry fails here, as does one whose entry is empty or fuzzy. Then pages rendered in French are checked for
a few of those messages in English.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "meute" / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def _key(entry) -> tuple:
    return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    copy = tmp_path_factory.mktemp("messages") / "meute"
    shutil.copytree(
        ROOT / "meute",
        copy,
        ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc", "tests", "migrations"),
    )
    (copy / "locale").mkdir()
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="meute.settings_test", PYTHONPATH=str(ROOT))
    result = subprocess.run(  # noqa: S603
        # -P: the copy's own ``celery.py`` must not shadow the celery package.
        [sys.executable, "-P", "-m", "django", "makemessages", "-l", "fr", "--no-location", "--no-obsolete"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return polib.pofile(str(copy / "locale" / "fr" / "LC_MESSAGES" / "django.po"))


def test_every_source_message_has_a_french_translation(extracted):
    catalogue = {_key(entry): entry for entry in polib.pofile(str(CATALOGUE)) if not entry.obsolete}
    missing, empty, fuzzy = [], [], []
    for entry in extracted:
        if not entry.msgid:
            continue
        found = catalogue.get(_key(entry))
        if found is None:
            missing.append(entry.msgid)
        elif "fuzzy" in found.flags:
            fuzzy.append(entry.msgid)
        elif not (found.msgstr or all(found.msgstr_plural.values()) if found.msgid_plural else found.msgstr):
            empty.append(entry.msgid)
    assert len(extracted) > 1000  # the extraction really read the code
    assert not missing, f"{len(missing)} source messages missing from the French catalogue: {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy French translations: {fuzzy[:10]}"
    assert not empty, f"{len(empty)} empty French translations: {empty[:10]}"


@pytest.mark.django_db
def test_pages_in_french_show_no_english_message(world, client_for, extracted):
    """The main pages, rendered in French, contain the French text of the messages of their templates."""
    from django.utils import translation

    client = client_for(world.admin)
    client.cookies["django_language"] = "fr"
    english = {
        entry.msgid
        for entry in extracted
        if entry.msgid
        and len(entry.msgid) > 12
        and " " in entry.msgid
        and "%" not in entry.msgid
        and "{" not in entry.msgid
        and "<" not in entry.msgid
    }
    leaks = []
    for url in ["/", "/organizations/", "/partnerships/", "/deals/", "/leads/", "/programs/", "/groupings/"]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'lang="fr"' in html, url
        with translation.override("fr"):
            leaks += [(url, m) for m in english if f">{m}<" in html and translation.gettext(m) != m]
    assert not leaks, leaks[:10]
