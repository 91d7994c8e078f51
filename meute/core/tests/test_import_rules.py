"""The import rules at their edges, without a database: each cell converter's accepted forms and refusals in
words, the header mapping and the line checks. Every expected value is written out here."""

import datetime
import uuid
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from meute.core import validators
from meute.core.choices import PartnerType
from meute.core.importing import cells
from meute.core.importing.checks import (
    ImportValidationError,
    LineChecker,
    RowError,
    column_name,
    convert_row,
    header_key,
    map_columns,
    required_error,
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def refusal(convert, raw) -> str:
    with pytest.raises(ValidationError) as refused:
        convert(raw)
    return " ".join(refused.value.messages)


# --- Cells ----------------------------------------------------------------------------------------------


def test_text_at_its_length_and_one_over():
    convert = cells.text_cell(5)
    assert convert("abcde") == "abcde"
    assert refusal(convert, "abcdef") == "At most 5 characters (this value has 6)."
    assert convert.max_length == 5


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("0", 0),
        ("12", 12),
        ("999999999", 999_999_999),
        ("1 250", 1250),
        ("1\u202f250", 1250),
        ("12,00", 12),
        ("12.0", 12),
        ("2147483647", 2_147_483_647),
        ("٣", 3),  # a digit of another script is read as its value
    ],
)
def test_whole_numbers(raw, value):
    if value is None:
        assert refusal(cells.integer_cell, raw) == "Enter a whole number of zero or more, e.g. 12."
    else:
        assert cells.integer_cell(raw) == value


@pytest.mark.parametrize("raw", ["-1", "1.5", "12,50", "abc", "1e3", ""])
def test_whole_numbers_refused(raw):
    assert refusal(cells.integer_cell, raw) == "Enter a whole number of zero or more, e.g. 12."


def test_whole_numbers_too_large():
    assert refusal(cells.integer_cell, "2147483648") == "This number is too large."
    assert refusal(cells.integer_cell, "2 147 483 648") == "This number is too large."


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("1250.50", D("1250.50")),
        ("1250,50", D("1250.50")),
        ("1.250,50", D("1250.50")),
        ("1,250.50", D("1250.50")),
        ("1 250,5 €", D("1250.50")),
        ("0,005", D("0.01")),  # half up at the cent
        ("0,004", D("0.00")),
        ("-2,5", D("-2.50")),
        ("99999,99", D("99999.99")),
    ],
)
def test_amounts(raw, value):
    convert = cells.decimal_cell(7, 2)
    result = convert(raw)
    assert result == value and result.as_tuple().exponent == -2


@pytest.mark.parametrize("raw", ["abc", "1,2,3.4.5", "NaN", "Infinity", "-"])
def test_amounts_refused(raw):
    assert refusal(cells.decimal_cell(7, 2), raw) == "Enter a number, e.g. 1250.50 or 1250,50."


def test_amounts_at_their_digits_and_bounds():
    convert = cells.decimal_cell(7, 2, minimum=D("0"), maximum=D("50000"))
    assert convert("0") == D("0.00")
    assert convert("50000") == D("50000.00")
    assert refusal(convert, "-0,01") == "Must be at least 0."
    assert refusal(convert, "50000,01") == "Must be at most 50000."
    assert refusal(cells.decimal_cell(7, 2), "100000") == "This number is too large."
    assert cells.decimal_cell(7, 2)("99999.994") == D("99999.99")
    assert refusal(cells.decimal_cell(7, 2), "99999.995") == "This number is too large."
    assert cells.decimal_cell(3, 0)("999") == D("999")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("Oui", True), ("x", True), ("TRUE", True), ("y", True), ("Vrai", True), ("1", True), ("o", True)]
    + [("non", False), ("0", False), ("FAUX", False), ("n", False), ("false", False), ("No", False)],
)
def test_yes_and_no(raw, value):
    assert cells.boolean_cell(raw) is value


@pytest.mark.parametrize("raw", ["maybe", "2", "si", "-"])
def test_yes_and_no_refused(raw):
    assert refusal(cells.boolean_cell, raw) == "Enter yes or no (true/false, oui/non, 1/0)."


def test_public_identifiers():
    text = "6f1c2a3e-0b4d-4c5e-8f9a-0123456789ab"
    assert cells.uuid_cell(text) == uuid.UUID(text)
    assert refusal(cells.uuid_cell, "6f1c2a3e") == "This is not a valid public identifier (UUID)."


def test_web_addresses():
    convert = cells.url_cell(30)
    assert convert("example.fr") == "https://example.fr"
    assert convert("http://example.fr/x") == "http://example.fr/x"
    assert convert("https://" + "a" * 18 + ".fr") == "https://" + "a" * 18 + ".fr"  # 29
    assert refusal(convert, "https://" + "a" * 20 + ".fr") == "At most 30 characters."


def test_identifiers_plain_or_normalised():
    convert = cells.identifier_cell(validators.normalize_siren, validators.validate_siren)
    assert convert("732 829 320") == "732829320"
    with pytest.raises(ValidationError):
        convert("732 829 321")
    seen = []

    def plain(raw):
        seen.append(raw)
        return raw == "already"

    fast = cells.identifier_cell(lambda raw: "normal:" + raw, lambda value: None, plain)
    assert fast("already") == "already"
    assert fast("other") == "normal:other"
    assert seen == ["already", "other"]


def test_mail_domains_phones_and_addresses():
    assert cells.email_domain_cell("https://www.Example.FR/contact") == "example.fr"
    assert refusal(cells.email_domain_cell, "not a domain") == "Enter a domain name such as example.com."
    assert cells.phone_cell("+33 4 78 00 00 00") == "+33 4 78 00 00 00"
    assert cells.phone_cell("+" + "1" * 23) == "+" + "1" * 23
    assert refusal(cells.phone_cell, "+" + "1" * 24) == "At most 24 characters."
    assert refusal(cells.phone_cell, "call me") == (
        "Enter a phone number with digits, spaces and an optional leading +."
    )
    assert cells.email_cell("Jeanne.Dupont@Example.FR") == "jeanne.dupont@example.fr"
    assert refusal(cells.email_cell, "jeanne") == "Enter a valid email address."
    long_local = "a" * 64
    address = f"{long_local}@{'b' * 63}.{'c' * 63}.{'d' * 58}.fr"
    assert len(address) == 254 and cells.email_cell(address) == address
    assert refusal(cells.email_cell, f"{long_local}@{'b' * 63}.{'c' * 63}.{'d' * 59}.fr") == (
        "At most 254 characters."
    )


TYPES = (
    "reseller, referrer, technology_provider, system_integrator, distributor, software_publisher, "
    "manufacturer, var, independent"
)


def test_choices_by_value_label_and_language():
    convert = cells.choice_cell(PartnerType)
    assert convert("reseller") == "reseller"
    assert convert("System integrator") == "system_integrator"
    assert convert("system integrator") == "system_integrator"
    assert convert("Intégrateur") == "system_integrator"
    assert convert("REVENDEUR") == "reseller"
    assert refusal(convert, "Pirate") == (f"Unknown value “Pirate”; expected one of: {TYPES}.")


def test_several_choices_in_one_cell_once_each():
    convert = cells.multi_choice_cell(PartnerType)
    assert convert("reseller; Revendeur | referrer,  var") == ["reseller", "referrer", "var"]
    assert convert("reseller,,") == ["reseller"]
    assert refusal(convert, "reseller, pirate") == (f"Unknown value “pirate”; expected one of: {TYPES}.")


def test_a_converted_text_is_converted_once():
    calls = []

    @cells.memoized
    def convert(raw):
        calls.append(raw)
        return raw.upper()

    assert [convert("a"), convert("a"), convert("b")] == ["A", "A", "B"]
    assert calls == ["a", "b"]


@pytest.mark.parametrize(
    ("raw", "code"),
    [("FR", "FR"), ("fra", "FR"), ("France", "FR"), ("Allemagne", "DE"), ("germany", "DE"), ("UK", "GB")]
    + [("Royaume-Uni", "GB"), ("be", "BE"), ("Côte d'Ivoire", "CI")],
)
def test_countries(raw, code):
    assert cells.country_cell()(raw) == code


def test_unknown_country_in_words():
    assert refusal(cells.country_cell(), "Atlantide") == (
        "Unknown country “Atlantide”: use a two-letter code such as FR, BE or DE."
    )


@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("2026-03-31", datetime.date(2026, 3, 31)),
        ("31/03/2026", datetime.date(2026, 3, 31)),
        ("2026-03", datetime.date(2026, 3, 1)),
        ("03/2026", datetime.date(2026, 3, 1)),
        ("2026-03-31T23:59:00", datetime.date(2026, 3, 31)),
        (" 2026-03-31 ", datetime.date(2026, 3, 31)),
    ],
)
def test_dates(raw, day):
    assert cells.date_cell(raw) == day


@pytest.mark.parametrize("raw", ["31.03.2026", "2026-02-30", "tomorrow", "2026/03/31"])
def test_dates_refused(raw):
    assert refusal(cells.date_cell, raw) == (
        "Enter a date such as 2026-03-31 or 31/03/2026 (or a month, 2026-03)."
    )


def test_every_message_of_an_error_in_one_line():
    assert cells.message_of(ValidationError(["First.", "Second."])) == "First. Second."


def test_cells_in_french():
    with translation.override("fr"):
        assert refusal(cells.text_cell(5), "abcdef") == "Au plus 5 caractères (cette valeur en compte 6)."
        assert refusal(cells.boolean_cell, "peut-être") == "Saisissez oui ou non (oui/non, true/false, 1/0)."


# --- Headers and lines ----------------------------------------------------------------------------------

ALIASES = {"name": ["nom", "raison_sociale"], "city": ["ville"], "siren": []}


def test_header_keys_fold_case_accents_and_punctuation():
    assert header_key("  Raison Sociale ") == "raison_sociale"
    assert header_key("Ville / Cédex") == "ville_cedex"
    assert header_key("") == "" and header_key(None) == ""


def test_columns_by_name_or_alias_skipping_export_columns_and_blanks():
    headers = ["Nom", "", "ID", "Updated_at", "Ville", "SIREN"]
    assert map_columns(headers, ALIASES, ("name",)) == {"name": 0, "city": 4, "siren": 5}


def test_every_header_problem_at_once():
    headers = ["Nom", "Pays", "Raison sociale"]
    with pytest.raises(ImportValidationError) as refused:
        map_columns(headers, ALIASES, ("name", "city"), line=3)
    assert [str(e) for e in refused.value.errors] == [
        "Line 3, column “Pays”: Unknown column.",
        "Line 3, column “Raison sociale”: This column repeats column “Nom”.",
        "Line 3, column “city”: Required column missing (expected a column “city”).",
    ]
    assert str(refused.value) == "3 error(s) found; nothing was imported."


def test_errors_are_sorted_by_line():
    error = ImportValidationError([RowError(5, "", "b"), RowError(2, "x", "a")])
    assert [e.line for e in error.errors] == [2, 5]
    assert str(error.errors[1]) == "Line 5: b"


def test_a_line_converted_cell_by_cell_with_every_error_kept():
    headers = ["Nom", "Effectif", "Ville"]
    columns = {"name": 0, "staff": 1, "city": 2}
    converters = {"name": str.upper, "staff": cells.integer_cell, "city": str.lower}
    errors = []
    values = convert_row(7, ["Dupont", "douze", ""], headers, columns, converters, errors)
    assert values == {"name": "DUPONT"}
    assert [str(e) for e in errors] == [
        "Line 7, column “Effectif”: Enter a whole number of zero or more, e.g. 12."
    ]
    errors = []
    values = convert_row(8, ["Dupont"], headers, columns, converters, errors)
    assert values == {"name": "DUPONT"} and errors == []
    values = convert_row(9, ["Dupont", "12", "Lyon", "", "extra"], headers, columns, converters, errors)
    assert values == {"name": "DUPONT", "staff": 12, "city": "lyon"}
    assert [str(e) for e in errors] == ["Line 9: This line has more values than the header has columns."]
    errors = []
    convert_row(10, ["Dupont", "12", "Lyon", "", ""], headers, columns, converters, errors)
    assert errors == []


def test_the_line_checker_names_the_file_column():
    checker = LineChecker(["Raison sociale", "Ville"], {"name": 0, "city": 1})
    assert checker.cell(["  Dupont  ", "Lyon"], "name") == "Dupont"
    assert checker.cell(["Dupont"], "city") == ""
    assert checker.cell(["Dupont"], "siren") == ""
    checker.error(4, "city", "Unknown city.")
    checker.error(5, "siren", ValidationError("Bad."))
    assert [str(e) for e in checker.errors] == [
        "Line 4, column “Ville”: Unknown city.",
        "Line 5, column “siren”: ['Bad.']",
    ]
    assert column_name(["Ville"], {"city": 0}, "city") == "Ville"
    assert str(required_error(6, ["Ville"], {"city": 0}, "city")) == (
        "Line 6, column “Ville”: This field is required."
    )


def test_an_empty_cell_is_skipped_and_the_next_ones_read():
    headers = ["Nom", "Effectif", "Ville"]
    columns = {"name": 0, "staff": 1, "city": 2}
    converters = {"name": str.upper, "staff": cells.integer_cell, "city": str.lower}
    errors = []
    assert convert_row(2, ["", "12", "Lyon"], headers, columns, converters, errors) == {
        "staff": 12,
        "city": "lyon",
    }
    convert_row(3, ["A", "1", "B", "extra"], headers, columns, converters, errors)
    assert errors == [RowError(3, "", "This line has more values than the header has columns.")]


@pytest.mark.parametrize("raw", ["1.250,000.50", "1,250.000,50"])
def test_amounts_with_separators_in_no_order_are_refused(raw):
    assert refusal(cells.decimal_cell(12, 2), raw) == "Enter a number, e.g. 1250.50 or 1250,50."


def test_a_web_address_of_exactly_its_length():
    address = "https://" + "a" * 19 + ".fr"
    assert len(address) == 30 and cells.url_cell(30)(address) == address


def test_choices_by_their_english_and_french_labels():
    convert = cells.choice_cell(PartnerType)
    assert convert("Independent professional") == "independent"
    assert convert("Value-added reseller (VAR)") == "var"
    with translation.override("fr"):
        french = str(PartnerType.INDEPENDENT.label)
    assert french != "Independent professional"
    assert convert(french) == "independent"


def test_a_date_with_a_time_after_a_space_is_refused():
    assert refusal(cells.date_cell, "2026-03-31 12:00") == (
        "Enter a date such as 2026-03-31 or 31/03/2026 (or a month, 2026-03)."
    )
