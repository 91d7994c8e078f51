"""Cell converters: each takes a non-empty stripped string, returns a value or raises ValidationError."""

import datetime
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import translation
from django.utils.translation import gettext as _
from django_countries import countries

from meute.core import validators
from meute.core.models import fold

SPLIT_RE = re.compile(r"\s*[,;|]\s*")
_NUMBER_NOISE_RE = re.compile(r"[\s\u00a0\u202f€%]")
_INTEGER_RE = re.compile(r"^\d+(?:[.,]0+)?$")
_TRUE_WORDS = {"1", "true", "yes", "y", "oui", "o", "vrai", "x"}
_FALSE_WORDS = {"0", "false", "no", "n", "non", "faux"}
_email_validator = EmailValidator()


def text_too_long(max_length, raw) -> str:
    return _("At most %(max)s characters (this value has %(length)s).") % {
        "max": max_length,
        "length": len(raw),
    }


def text_cell(max_length):
    def convert(raw):
        if len(raw) > max_length:
            raise ValidationError(text_too_long(max_length, raw))
        return raw

    convert.max_length = max_length  # free text: organisation imports check a column's lengths at once
    return convert


def integer_cell(raw):
    if raw.isdigit() and raw.isascii() and len(raw) < 10:  # plain digits: below the limit, nothing to clean
        return int(raw)
    text = _NUMBER_NOISE_RE.sub("", raw)
    if not _INTEGER_RE.match(text):
        raise ValidationError(_("Enter a whole number of zero or more, e.g. 12."))
    value = int(re.split(r"[.,]", text)[0])
    if value > 2_147_483_647:
        raise ValidationError(_("This number is too large."))
    return value


def decimal_cell(max_digits, places, minimum=None, maximum=None):
    quantum = Decimal(1).scaleb(-places)

    def convert(raw):
        text = _NUMBER_NOISE_RE.sub("", raw)
        if "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        else:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise ValidationError(_("Enter a number, e.g. 1250.50 or 1250,50."))
        value = value.quantize(quantum, rounding=ROUND_HALF_UP)
        if len(value.as_tuple().digits) > max_digits:
            raise ValidationError(_("This number is too large."))
        if minimum is not None and value < minimum:
            raise ValidationError(_("Must be at least %(min)s.") % {"min": minimum})
        if maximum is not None and value > maximum:
            raise ValidationError(_("Must be at most %(max)s.") % {"max": maximum})
        return value

    return convert


def boolean_cell(raw):
    word = fold(raw)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValidationError(_("Enter yes or no (true/false, oui/non, 1/0)."))


def uuid_cell(raw):
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise ValidationError(_("This is not a valid public identifier (UUID).")) from exc


def url_cell(max_length):
    def convert(raw):
        value = raw if "://" in raw else f"https://{raw}"
        validators.validate_web_url(value)
        if len(value) > max_length:
            raise ValidationError(_("At most %(max)s characters.") % {"max": max_length})
        return value

    return convert


def identifier_cell(normalize, validate, plain=None):
    def convert(raw):
        if plain is not None and plain(raw):  # already in its normal form and valid
            return raw
        value = normalize(raw)
        validate(value)
        return value

    return convert


def email_domain_cell(raw):
    value = validators.normalize_domain(raw)
    validators.validate_email_domain(value)
    return value


def phone_cell(raw):
    validators.validate_phone(raw)
    if len(raw) > 24:
        raise ValidationError(_("At most %(max)s characters.") % {"max": 24})
    return raw


def email_cell(raw):
    value = raw.lower()
    _email_validator(value)
    if len(value) > 254:
        raise ValidationError(_("At most %(max)s characters.") % {"max": 254})
    return value


def choice_lookup(choices_class) -> dict:
    lookup = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for value, label in choices_class.choices:
                lookup[fold(str(label))] = value
    for value in choices_class.values:
        lookup[fold(value)] = value
        lookup[fold(value.replace("_", " "))] = value
    return lookup


def memoized(convert):
    """Cells repeat (countries, types, tags): convert each distinct text once."""
    cache = {}

    def cached(raw):
        try:
            return cache[raw]
        except KeyError:
            value = cache[raw] = convert(raw)
            return value

    return cached


def choice_cell(choices_class):
    lookup = choice_lookup(choices_class)

    @memoized
    def convert(raw):
        value = lookup.get(fold(raw))
        if value is None:
            raise ValidationError(
                _("Unknown value “%(value)s”; expected one of: %(choices)s.")
                % {"value": raw, "choices": ", ".join(choices_class.values)}
            )
        return value

    return convert


def multi_choice_cell(choices_class):
    single = choice_cell(choices_class)

    @memoized
    def convert(raw):
        values = []
        for part in SPLIT_RE.split(raw):
            if part:
                value = single(part)
                if value not in values:
                    values.append(value)
        return values

    return convert


def country_lookup() -> dict:
    lookup = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for code, name in countries:
                lookup[fold(name)] = code
    for code, _name in countries:
        lookup[code.lower()] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            lookup[alpha3.lower()] = code
    lookup.setdefault("uk", "GB")
    return lookup


def country_cell():
    lookup = country_lookup()

    @memoized
    def convert(raw):
        code = lookup.get(fold(raw))
        if code is None:
            raise ValidationError(
                _("Unknown country “%(value)s”: use a two-letter code such as FR, BE or DE.") % {"value": raw}
            )
        return code

    return convert


def max_length(model, name):
    return model._meta.get_field(name).max_length


def message_of(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def date_cell(raw: str) -> datetime.date:
    text = raw.strip()[:10] if "T" in raw else raw.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m", "%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("Enter a date such as 2026-03-31 or 31/03/2026 (or a month, 2026-03)."))
