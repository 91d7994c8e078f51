from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.audit import log_bulk_create
from meute.core.importing import (
    ImportValidationError,
    LineChecker,
    RowError,
    map_columns,
    read_table,
)
from meute.core.importing.cells import date_cell, decimal_cell
from meute.lib.access import can_create
from meute.lib.bulk import insert_objects
from meute.money.currencies import ISO_4217, normalize_currency
from meute.money.models import ExchangeRate

RATE_ALIASES = {
    "from_currency": ("currency", "devise", "from_currency_code", "devise_source"),
    "to_currency": ("into", "converted_into", "to", "vers", "devise_cible", "en"),
    "rate": ("taux", "exchange_rate", "taux_de_change", "cours"),
    "valid_from": ("date", "valid_from_date", "a_partir_du", "depuis", "valable_du", "valable_a_partir_du"),
}


RATE_REQUIRED = ("from_currency", "rate", "valid_from")


_rate = decimal_cell(20, 10)


@dataclass
class RateImportResult:
    created: int
    unchanged: int = 0  # rates the file repeats exactly as they are already recorded
    dry_run: bool = False


def validate_rates(table) -> tuple[list[ExchangeRate], int]:
    """Check every line of a rates file; return the new rates (unsaved) and how many lines repeat a rate
    already recorded, or raise ImportValidationError listing every problem.

    A line gives a currency, the currency it converts into (EUR when the column is absent or empty), the
    rate (one unit of the currency in the other, greater than zero) and the date it applies from. A pair
    has one rate per day: a file giving two for the same day, or a different rate from the one recorded, is
    refused.
    """
    columns = map_columns(table.headers, RATE_ALIASES, RATE_REQUIRED)
    recorded = {
        (from_currency, to_currency, day): rate
        for from_currency, to_currency, day, rate in ExchangeRate.objects.values_list(
            "from_currency", "to_currency", "valid_from", "rate"
        )
    }
    rates, seen = [], {}
    unchanged = 0

    checker = LineChecker(table.headers, columns)
    cell, error, errors = checker.cell, checker.error, checker.errors

    for line, cells in table.rows:
        row_ok = True
        for name in RATE_REQUIRED:
            if not cell(cells, name):
                error(line, name, _("This field is required."))
                row_ok = False
        codes = {}
        for name, default in (("from_currency", ""), ("to_currency", "EUR")):
            code = normalize_currency(cell(cells, name)) or default
            if code and code not in ISO_4217:
                error(
                    line,
                    name,
                    _("Unknown currency “%(code)s”: use an ISO 4217 code such as EUR.") % {"code": code},
                )
                row_ok = False
            codes[name] = code
        if codes["from_currency"] and codes["from_currency"] == codes["to_currency"]:
            error(line, "to_currency", _("An exchange rate converts between two different currencies."))
            row_ok = False
        rate = day = None
        if cell(cells, "rate"):
            try:
                rate = _rate(cell(cells, "rate"))
            except ValidationError as exc:
                error(line, "rate", " ".join(exc.messages))
                row_ok = False
            else:
                if rate <= 0:
                    error(line, "rate", _("An exchange rate is greater than zero."))
                    row_ok = False
        if cell(cells, "valid_from"):
            try:
                day = date_cell(cell(cells, "valid_from"))
            except ValidationError as exc:
                error(line, "valid_from", " ".join(exc.messages))
                row_ok = False
        if not row_ok:
            continue
        key = (codes["from_currency"], codes["to_currency"], day)
        values = {"from": key[0], "to": key[1], "day": day.isoformat()}
        if key in seen:
            error(
                line,
                "valid_from",
                _("Line %(line)s already gives the rate of %(from)s into %(to)s from %(day)s.")
                % {**values, "line": seen[key]},
            )
            continue
        seen[key] = line
        if key in recorded:
            if recorded[key] == rate:
                unchanged += 1
                continue
            error(
                line,
                "valid_from",
                _(
                    "%(from)s into %(to)s already has the rate %(rate)s from %(day)s: "
                    "change it on the exchange rates page rather than in a file."
                )
                % {**values, "rate": f"{recorded[key].normalize():f}"},
            )
            continue
        rates.append(ExchangeRate(from_currency=key[0], to_currency=key[1], rate=rate, valid_from=day))
    if not table.rows:
        errors.append(RowError(1, "", _("The file has no rates.")))
    if errors:
        raise ImportValidationError(errors)
    return rates, unchanged


def import_rates(source, *, filename="", user=None, dry_run=False) -> RateImportResult:
    """Read, validate and (unless ``dry_run``) write every exchange rate of a file, in one transaction."""
    if user is not None and not (user.is_staff_member and can_create(user, ExchangeRate)):
        raise PermissionDenied(_("You may not import exchange rates."))
    table = read_table(source, filename)
    rates, unchanged = validate_rates(table)
    if dry_run:
        return RateImportResult(created=len(rates), unchanged=unchanged, dry_run=True)
    with transaction.atomic():
        insert_objects(ExchangeRate, rates)
        log_bulk_create(rates, actor=user)
    return RateImportResult(created=len(rates), unchanged=unchanged)
