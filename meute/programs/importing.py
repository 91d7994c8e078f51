"""Importing revenue records and exchange rates from CSV or Excel (.xlsx): every line checked, then all rows
or nothing.

Reuses the foundation's reader and error reporting (``meute.core.importing``): the same encodings,
delimiters, column aliases, and errors by line and column.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.audit import log_bulk_create
from meute.core.importing import (
    ImportValidationError,
    LineChecker,
    RowError,
    _boolean,
    _decimal,
    map_columns,
    read_table,
)
from meute.core.models import ProductLine
from meute.lib.access import can_create
from meute.lib.bulk import insert_objects
from meute.partnerships.models import Partnership

from .choices import RevenueSource
from .currencies import ISO_4217, normalize_currency
from .models import ExchangeRate, RevenueRecord

REVENUE_ALIASES = {
    "partnership": ("partenariat", "partner", "partenaire"),
    "period": ("periode", "date", "month", "mois"),
    "amount": ("montant", "revenue", "chiffre_d_affaires", "ca"),
    "currency": ("devise", "monnaie"),
    "credit_note": ("avoir", "is_credit_note"),
    "product_line": ("gamme", "produit", "product"),
    "customer": ("client", "customer_name"),
    "reference": ("ref", "invoice", "facture"),
}
REVENUE_REQUIRED = ("partnership", "period", "amount")
_amount = _decimal(14, 2)


@dataclass
class RevenueImportResult:
    created: int
    dry_run: bool = False


def parse_period(raw: str) -> datetime.date:
    text = raw.strip()[:10] if "T" in raw else raw.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m", "%m/%Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValidationError(_("Enter a date such as 2026-03-31 or 31/03/2026 (or a month, 2026-03)."))


class _PartnershipLookup:
    """Partnerships the importing user may see, by public identifier or exact name."""

    def __init__(self, user):
        queryset = Partnership.objects.all() if user is None else Partnership.objects.visible_to(user)
        self.by_uuid, self.by_name = {}, {}
        for pk, public_id, name in queryset.values_list("pk", "uuid", "name"):
            self.by_uuid[public_id] = pk
            self.by_name.setdefault(name.strip().casefold(), []).append(pk)

    def resolve(self, raw: str) -> int:
        try:
            found = self.by_uuid.get(uuid.UUID(raw))
        except ValueError:
            matches = self.by_name.get(raw.strip().casefold(), [])
            if len(matches) > 1:
                raise ValidationError(
                    _("Several partnerships are named “%(name)s”: use its identifier (UUID).") % {"name": raw}
                ) from None
            found = matches[0] if matches else None
        if found is None:
            raise ValidationError(_("Unknown partner: no partnership “%(ref)s”.") % {"ref": raw})
        return found


def validate_revenue(table, *, user=None) -> list[RevenueRecord]:
    """Check every line; return unsaved records or raise ImportValidationError listing every problem."""
    columns = map_columns(table.headers, REVENUE_ALIASES, REVENUE_REQUIRED)
    partnerships = _PartnershipLookup(user)
    product_lines = {code.casefold(): pk for pk, code in ProductLine.objects.values_list("pk", "code")}
    product_lines.update({name.casefold(): pk for pk, name in ProductLine.objects.values_list("pk", "name")})
    records = []

    checker = LineChecker(table.headers, columns)
    cell, error, errors = checker.cell, checker.error, checker.errors

    for line, cells in table.rows:
        values = {"source": RevenueSource.IMPORT}
        row_ok = True
        for name in REVENUE_REQUIRED:
            if not cell(cells, name):
                error(line, name, _("This field is required."))
                row_ok = False
        converters = {
            "partnership": partnerships.resolve,
            "period": parse_period,
            "amount": _amount,
            "credit_note": _boolean,
        }
        converted = {}
        for name, convert in converters.items():
            raw = cell(cells, name)
            if not raw:
                continue
            try:
                converted[name] = convert(raw)
            except ValidationError as exc:
                error(line, name, " ".join(exc.messages))
                row_ok = False
        currency = normalize_currency(cell(cells, "currency")) or "EUR"
        if currency not in ISO_4217:
            error(
                line,
                "currency",
                _("Unknown currency “%(code)s”: use an ISO 4217 code such as EUR.") % {"code": currency},
            )
            row_ok = False
        product = cell(cells, "product_line")
        product_id = None
        if product:
            product_id = product_lines.get(product.casefold())
            if product_id is None:
                error(line, "product_line", _("Unknown product line “%(name)s”.") % {"name": product})
                row_ok = False
        credit_note = converted.get("credit_note", False)
        amount = converted.get("amount")
        if amount is not None and amount < 0 and not credit_note:
            error(line, "amount", _("A negative amount must be flagged as a credit note."))
            row_ok = False
        if amount is not None and amount > 0 and credit_note:
            error(line, "amount", _("A credit note has a negative (or zero) amount."))
            row_ok = False
        customer, reference = cell(cells, "customer"), cell(cells, "reference")
        if len(customer) > 200:
            error(line, "customer", _("At most 200 characters."))
            row_ok = False
        if len(reference) > 100:
            error(line, "reference", _("At most 100 characters."))
            row_ok = False
        if not row_ok:
            continue
        values.update(
            partnership_id=converted["partnership"],
            period=converted["period"],
            amount=amount,
            currency=currency,
            is_credit_note=credit_note,
            product_line_id=product_id,
            customer_name=customer,
            reference=reference,
        )
        records.append(RevenueRecord(**values))
    if not table.rows:
        errors.append(RowError(1, "", _("The file has no records.")))
    if errors:
        raise ImportValidationError(errors)
    return records


def import_revenue(source, *, filename="", user=None, dry_run=False) -> RevenueImportResult:
    """Read, validate and (unless ``dry_run``) write every revenue record of a file, in one transaction."""
    if user is not None and not can_create(user, RevenueRecord):
        raise PermissionDenied(_("You may not import revenue records."))
    table = read_table(source, filename)
    records = validate_revenue(table, user=user)
    if dry_run:
        return RevenueImportResult(created=len(records), dry_run=True)
    with transaction.atomic():
        insert_objects(RevenueRecord, records)
        log_bulk_create(records, actor=user)
    return RevenueImportResult(created=len(records))


RATE_ALIASES = {
    "from_currency": ("currency", "devise", "from_currency_code", "devise_source"),
    "to_currency": ("into", "converted_into", "to", "vers", "devise_cible", "en"),
    "rate": ("taux", "exchange_rate", "taux_de_change", "cours"),
    "valid_from": ("date", "valid_from_date", "a_partir_du", "depuis", "valable_du", "valable_a_partir_du"),
}
RATE_REQUIRED = ("from_currency", "rate", "valid_from")
_rate = _decimal(20, 10)


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
                day = parse_period(cell(cells, "valid_from"))
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
