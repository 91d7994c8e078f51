"""The French catalogue is complete: every message marked for translation has a French text."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parent.parent / "meute" / "locale" / "fr" / "LC_MESSAGES"


@pytest.fixture(scope="module")
def catalogue():
    return polib.pofile(str(LOCALE / "django.po"))


def test_every_message_is_translated(catalogue):
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    assert not missing, f"{len(missing)} messages without French translation, e.g. {missing[:10]}"


def test_no_fuzzy_translation_is_left(catalogue):
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries() if not entry.obsolete]
    assert not fuzzy, f"fuzzy translations to review: {fuzzy[:10]}"


def test_placeholders_are_kept(catalogue):
    import re

    pattern = re.compile(r"%\(\w+\)[sd]|\{\w*\}")

    def pairs(entry):
        if entry.msgid_plural:
            return [(entry.msgid, entry.msgstr_plural[0]), (entry.msgid_plural, entry.msgstr_plural[1])]
        return [(entry.msgid, entry.msgstr)]

    broken = [
        source
        for entry in catalogue.translated_entries()
        for source, translation in pairs(entry)
        if sorted(pattern.findall(source)) != sorted(pattern.findall(translation))
    ]
    assert not broken, f"placeholders differ in: {broken[:10]}"


def test_compiled_catalogue_is_shipped():
    assert (LOCALE / "django.mo").exists(), "run `python manage.py compilemessages`"


def test_french_is_served(client, settings):
    from django.utils import translation

    with translation.override("fr"):
        from meute.partnerships.choices import LifecycleStage

        assert str(LifecycleStage.EXTENDED_ENTERPRISE.label) == "Entreprise étendue"
