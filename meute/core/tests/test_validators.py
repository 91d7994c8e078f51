import pytest
from django.core.exceptions import ValidationError

from meute.core import validators

VALID_SIREN = "732829320"
VALID_SIRET = "73282932000074"


class TestIdentifiers:
    def test_valid_identifiers_pass(self):
        validators.validate_siren(VALID_SIREN)
        validators.validate_siret(VALID_SIRET)
        validators.validate_vat_number("FR44732829320")
        validators.validate_vat_number("DE136695976")

    @pytest.mark.parametrize("value", ["732829321", "12345678"])
    def test_bad_siren_is_refused_with_a_message(self, value):
        with pytest.raises(ValidationError) as error:
            validators.validate_siren(value)
        assert "SIREN" in str(error.value)

    def test_bad_siret_check_digit(self):
        with pytest.raises(ValidationError, match="SIRET"):
            validators.validate_siret("73282932000075")

    def test_vat_needs_a_european_prefix(self):
        with pytest.raises(ValidationError) as error:
            validators.validate_vat_number("XX123456789")
        assert error.value.code == "invalid_country"

    def test_bad_vat_check(self):
        with pytest.raises(ValidationError):
            validators.validate_vat_number("FR45732829320")

    def test_normalisation_removes_spacing(self):
        assert validators.normalize_siren("732 829 320") == VALID_SIREN
        assert validators.normalize_siret("732 829 320 00074") == VALID_SIRET
        assert validators.normalize_vat("fr 44 732829320") == "FR44732829320"


class TestContactData:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [("https://www.Example.com/about", "example.com"), ("@acme.fr", "acme.fr"), ("acme.fr", "acme.fr")],
    )
    def test_domain_normalisation(self, raw, expected):
        assert validators.normalize_domain(raw) == expected

    @pytest.mark.parametrize("value", ["not a domain", "exa mple.com", "-bad.com", "localhost"])
    def test_bad_domains(self, value):
        with pytest.raises(ValidationError):
            validators.validate_email_domain(value)

    def test_phone(self):
        validators.validate_phone("+33 1 23 45 67 89")
        with pytest.raises(ValidationError):
            validators.validate_phone("call me maybe")
