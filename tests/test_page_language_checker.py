"""The checker behind the demo-page language test finds what it is meant to find, and only that."""

from .page_language import foreign_words, unformatted


def test_english_words_on_a_french_page():
    html = '<main><span class="badge">Update</span><p>Trier par <option>Last name</option></p></main>'
    assert foreign_words(html, "fr") == ["Update", "Last name"]


def test_french_words_on_an_english_page_and_what_is_not_checked():
    html = (
        "<main><p>Name (décroissant)</p><td>Secteur public</td>"
        '<button lang="fr">Français</button><span translate="no">partner</span>'
        "<textarea>Texte saisi</textarea><p>Meute</p></main>"
    )
    assert foreign_words(html, "en") == ["Name (décroissant) [%s (décroissant)]", "Secteur public"]


def test_own_language_passes():
    assert foreign_words("<main><p>Nom</p><p>Mettre à jour</p></main>", "fr") == []
    assert foreign_words("<main><p>Last name</p></main>", "en") == []


def test_raw_numbers_and_dates():
    html = "<p>1233900.64 EUR</p><p>2026-12-05 03:49:04.435519</p><p>1,233,900.64</p><p>0,889</p>"
    found = unformatted(html, "fr")
    assert any("1233900.64" in f for f in found)
    assert any("timestamp" in f for f in found)
    assert any("English number" in f for f in found)
    assert not any("0,889" in f for f in found)
    assert unformatted("<p>1\u202f233\u202f900,64\xa0€ · 5 décembre 2026</p>", "fr") == []
    assert unformatted("<p>€1,233,900.64 · 5 December 2026</p>", "en") == []
