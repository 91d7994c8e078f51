"""The address comparison of the conflict matcher: streets compared whatever their house numbers."""

import pytest
from django.utils import translation

from meute.deals import evidence
from meute.deals.choices import MatchLevel
from meute.deals.conflicts import Record, compare
from meute.deals.evidence import DEFAULT_PARAMETERS, FIELD_LEVELS, Weights, describe, level_for
from meute.deals.records import address_text, street_parts


def _address_level(a: str, b: str) -> str:
    levels = evidence.comparison_levels(
        [Record("X", address=a).prepared()], [Record("X", address=b).prepared()]
    )
    return FIELD_LEVELS["address"][int(levels[0, evidence.FIELDS.index("address")])]


@pytest.mark.parametrize(
    ("address", "parts"),
    [
        ("3rd St.", ("", ("3",), "3")),
        ("8638 W. Third St.", ("8638", ("3",), "w3")),
        ("293-B Peachtree Rd.", ("293", ("peachtree",), "peachtree")),
        ("B Peachtree Rd.", ("", ("peachtree",), "peachtree")),
        ("12 bis, r. de la Paix", ("12", ("de", "la", "paix"), "delapaix")),
        ("3e Avenue", ("", ("3",), "3")),
        ("12 troisième avenue", ("12", ("3",), "3")),
        ("40 boulevard Haussmann", ("40", ("haussmann",), "haussmann")),
        ("804 North Point St.", ("804", ("point",), "northpoint")),
        ("12 r. Saint-Denis", ("12", ("st", "denis"), "stdenis")),
        ("rue St Denis", ("", ("st", "denis"), "stdenis")),
        ("", ("", (), "")),
    ],
)
def test_street_parts_tell_the_house_number_from_the_street(address, parts):
    assert street_parts(address) == parts


def test_french_street_words_and_ordinals_read_as_one_spelling():
    assert address_text("12 r. Saint-Denis") == address_text("12 rue St Denis") == "12 rue st denis"
    assert address_text("5 troisième avenue") == address_text("5 3e av.") == "5 3 av"
    assert address_text("bd Haussmann") == address_text("boulevard Haussmann") == "bd haussmann"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("3rd St.", "8638 W. Third St."),
        ("B Peachtree Rd.", "293-B Peachtree Rd."),
        ("r. Oberkampf", "112 rue Oberkampf"),
        ("r. La Fayette", "12 rue Lafayette"),
        ("av. Jean Jaurès", "112 avenue Jean-Jaurès"),
        ("3e Avenue", "12 troisième avenue"),
        ("bd Haussmann", "40 boulevard Haussmann"),
        ("rue St-Denis", "40 rue Saint Denis"),
        ("Central Park West", "in Central Park at 67th St."),
    ],
)
def test_the_same_street_with_the_number_on_one_side_only_is_same_street(a, b):
    assert _address_level(a, b) == "same_street"
    assert _address_level(b, a) == "same_street"


@pytest.mark.parametrize(
    ("a", "b", "level"),
    [
        # The same number in the same street written differently: close, not merely the same street.
        ("804 Northpoint", "804 North Point St.", "close"),
        ("12 bis r. de la Paix", "12 rue de la Paix", "close"),
        # Another number in the same street.
        ("3201 Fillmore St.", "3127 Fillmore St.", "number_differs"),
        ("12 rue de la Paix", "14 r. de la Paix", "number_differs"),
        # Another street, or nothing but a street type to compare.
        ("rue de la Paix", "12 rue Lafayette", "different"),
        ("St.", "12 Main St.", "different"),
        # A saint's name is the street's, not a street type to leave out.
        ("rue Saint-Denis", "12 rue Denis Papin", "different"),
        ("12 rue de la Paix", "12 rue de la Paix", "exact"),
    ],
)
def test_other_address_levels_are_kept(a, b, level):
    assert _address_level(a, b) == level


def test_an_exact_name_in_the_same_city_and_street_is_the_same_customer():
    checked = Record("Locanda Veneta", city="Lyon", address="3e avenue")
    same_street = compare(checked, Record("Locanda Veneta", city="Lyon", address="8 troisième avenue"))
    elsewhere = compare(checked, Record("Locanda Veneta", city="Lyon", address="8 rue Lafayette"))
    assert level_for(same_street[0]) == MatchLevel.SAME
    assert level_for(elsewhere[0]) != MatchLevel.SAME
    street = {e.field: e for e in same_street[1]}["address"]
    assert street.level == "same_street"
    assert street.outcome == "similar"
    assert street.weight > 0
    assert street.text == "Same street, one address less precise (no house number)"


def test_the_same_street_level_is_explained_in_french():
    with translation.override("fr"):
        assert describe({"field": "address", "level": "same_street"}) == (
            "Même rue, une adresse moins précise (sans numéro)"
        )


def test_weights_learnt_before_the_level_existed_use_its_built_in_values():
    parameters = {
        f: {level: list(mu) for level, mu in levels.items()} for f, levels in DEFAULT_PARAMETERS.items()
    }
    del parameters["address"]["same_street"]
    parameters["address"]["exact"] = [0.7, 0.001]
    weights = Weights(parameters)
    row = {(r["field"], r["level"]): r for r in weights.rows()}
    assert (row[("address", "same_street")]["m"], row[("address", "same_street")]["u"]) == (0.04, 0.002)
    assert (row[("address", "exact")]["m"], row[("address", "exact")]["u"]) == (0.7, 0.001)
