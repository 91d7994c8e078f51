"""Importing revenue records and exchange rates from CSV or Excel (.xlsx): every line checked, then all rows
or nothing.

Reuses the foundation's reader and error reporting (``meute.core.importing``): the same encodings,
delimiters, column aliases, and errors by line and column.
"""

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
    map_columns,
    read_table,
)
from meute.core.importing.cells import boolean_cell, date_cell, decimal_cell
from meute.core.models import ProductLine
from meute.lib.access import can_create
from meute.lib.bulk import insert_objects
from meute.money.currencies import ISO_4217, normalize_currency
from meute.partnerships.models import Partnership

from .choices import RevenueSource
from .figures import stamp_declaration
from .models import RevenueRecord

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
_amount = decimal_cell(14, 2)


@dataclass
class RevenueImportResult:
    created: int
    dry_run: bool = False


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
            "period": date_cell,
            "amount": _amount,
            "credit_note": boolean_cell,
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
    for record in records:
        stamp_declaration(record, user)
    with transaction.atomic():
        insert_objects(RevenueRecord, records)
        log_bulk_create(records, actor=user)
    return RevenueImportResult(created=len(records))
