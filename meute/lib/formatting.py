"""Amounts, numbers and dates written the reader's way: one format per language, through babel's CLDR data.

``money(Decimal("1233900.64"), "EUR")`` reads "1 233 900,64 €" in French and "€1,233,900.64" in English.
The language is the active one (the reader's), never the language of whoever saved the value.
"""

from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_currency, format_decimal
from django.utils import formats, timezone
from django.utils.translation import get_language, to_locale

DEFAULT_CURRENCY = "EUR"


def _locale() -> str:
    return to_locale(get_language() or "en")


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def money(value, currency: str | None = None, *, whole: bool = False) -> str:
    """An amount with its currency in the reader's format; whole units when ``whole``; "—" for nothing."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    currency = (currency or DEFAULT_CURRENCY).upper()
    if whole:
        pattern = Locale.parse(_locale()).currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(
            amount.quantize(Decimal(1)), currency, format=pattern, locale=_locale(), currency_digits=False
        )
    return format_currency(amount, currency, locale=_locale())


def number(value, digits: int | None = None) -> str:
    """A number in the reader's format, grouped; exactly ``digits`` decimals when given, else as it is."""
    amount = _decimal(value)
    if amount is None:
        return "—"
    if digits is not None:
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(amount, format=pattern, locale=_locale())
    return format_decimal(amount, locale=_locale(), decimal_quantization=False)


def date(value) -> str:
    """A date (or the date of a moment, in local time) in the reader's one date format."""
    if value is None:
        return "—"
    if hasattr(value, "hour") and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


def datetime(value) -> str:
    """A moment in local time, to the minute, in the reader's format."""
    if value is None:
        return "—"
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATETIME_FORMAT")
