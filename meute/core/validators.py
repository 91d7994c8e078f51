"""Validators for French and European company identifiers and contact data.

Checksums come from python-stdnum; these wrappers turn its exceptions into translated messages and
normalise the value (spaces, dots and dashes removed, upper case) so duplicates are caught. The common
valid cases (plain Luhn-valid SIREN/SIRET, French VAT, plain web address) are accepted by a precompiled
check first — each a strict subset of what the library accepts — because imports check 100,000 rows.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,24}$")
_NOISE_RE = re.compile(r"[\s.\-/]")
_FR_VAT_RE = re.compile(r"^FR(\d{2})(\d{9})$")
_PLAIN_URL_RE = re.compile(
    r"^https?://(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:[/?#][^\s]*)?$", re.IGNORECASE
)
# Each digit of the doubled positions → the sum of the digits of its double (7 → 14 → 5).
_LUHN_DOUBLE = bytes.maketrans(b"0123456789", b"0246813579")
_url_validator = URLValidator(schemes=["http", "https"])


def _luhn_ok(digits: str) -> bool:
    """Luhn checksum of ASCII digits, on their bytes: summing bytes (less 48 per digit) stays in C."""
    data = digits.encode()
    return (sum(data[-1::-2]) + sum(data[-2::-2].translate(_LUHN_DOUBLE)) - 48 * len(data)) % 10 == 0


def _plain_siren(value: str) -> bool:
    return len(value) == 9 and value.isdigit() and value.isascii() and _luhn_ok(value)


def _plain_siret(value: str) -> bool:
    return (
        len(value) == 14 and value.isdigit() and value.isascii() and _luhn_ok(value) and _luhn_ok(value[:9])
    )


def _plain_french_vat(value: str) -> bool:
    match = _FR_VAT_RE.match(value)
    if match is None:
        return False
    key, siren = match.groups()
    return _plain_siren(siren) and int(key) == (12 + 3 * (int(siren) % 97)) % 97


# The normal form of a valid identifier, as it is stored: a value for which these are true needs neither
# normalising nor the full validation (imports try them first).
plain_siren = _plain_siren
plain_siret = _plain_siret
plain_french_vat = _plain_french_vat


def _compact(module, value: str) -> str:
    value = _NOISE_RE.sub("", value or "").upper()
    if not value or value.isdigit() or _FR_VAT_RE.match(value):
        return value
    try:
        return module.compact(value)
    except stdnum_errors.ValidationError:
        return value.upper().replace(" ", "")  # left for the validator to refuse with its message


def normalize_siren(value: str) -> str:
    return _compact(fr_siren, value)


def normalize_siret(value: str) -> str:
    return _compact(fr_siret, value)


def normalize_vat(value: str) -> str:
    return _compact(eu_vat, value)


def normalize_domain(value: str) -> str:
    value = (value or "").strip().lower()
    value = re.sub(r"^https?://", "", value)
    value = value.split("/")[0]
    return value.removeprefix("www.").removeprefix("@")


def validate_siren(value: str) -> None:
    if _plain_siren(value):
        return
    try:
        fr_siren.validate(value)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("A SIREN has exactly 9 digits."), code="invalid_length") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This SIREN is not valid (wrong check digit)."), code="invalid") from exc


def validate_siret(value: str) -> None:
    if _plain_siret(value):
        return
    try:
        fr_siret.validate(value)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("A SIRET has exactly 14 digits."), code="invalid_length") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This SIRET is not valid (wrong check digit)."), code="invalid") from exc


def validate_vat_number(value: str) -> None:
    if _plain_french_vat(value):
        return
    try:
        eu_vat.validate(value)
    except stdnum_errors.InvalidComponent as exc:
        raise ValidationError(
            _("A VAT number starts with a European country code, e.g. FR40303265045."), code="invalid_country"
        ) from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This VAT number is not valid."), code="invalid") from exc


def validate_email_domain(value: str) -> None:
    if not _DOMAIN_RE.match(value or ""):
        raise ValidationError(_("Enter a domain name such as example.com."), code="invalid")


def validate_phone(value: str) -> None:
    if value and not _PHONE_RE.match(value):
        raise ValidationError(
            _("Enter a phone number with digits, spaces and an optional leading +."), code="invalid"
        )


def validate_web_url(value: str) -> None:
    """Django's URL validation (http and https only)."""
    if len(value) <= 200 and _PLAIN_URL_RE.match(value):
        return
    _url_validator(value)
