"""Validators for French and European company identifiers and contact data.

Checksums come from python-stdnum; these wrappers turn its exceptions into translated messages and
normalise the value (spaces, dots and dashes removed, upper case) so duplicates are caught.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren as fr_siren
from stdnum.fr import siret as fr_siret

_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?!-)([a-z0-9-]{1,63}(?<!-)\.)+[a-z]{2,63}$")
_PHONE_RE = re.compile(r"^\+?[0-9 ().-]{6,24}$")


def _compact(module, value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
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
    try:
        fr_siren.validate(value)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("A SIREN has exactly 9 digits."), code="invalid_length") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This SIREN is not valid (wrong check digit)."), code="invalid") from exc


def validate_siret(value: str) -> None:
    try:
        fr_siret.validate(value)
    except stdnum_errors.InvalidLength as exc:
        raise ValidationError(_("A SIRET has exactly 14 digits."), code="invalid_length") from exc
    except stdnum_errors.ValidationError as exc:
        raise ValidationError(_("This SIRET is not valid (wrong check digit)."), code="invalid") from exc


def validate_vat_number(value: str) -> None:
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
