"""Importing leads from CSV or .xlsx (``/leads/import/``): every line checked, then all rows or nothing.

Uses the core import engine's reader and column mapping (English field names or French aliases); every
error is reported with its line and column, and only a fully valid file is written, in one transaction.
"""

import re
from contextlib import nullcontext
from decimal import Decimal, InvalidOperation

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.choices import PartnerType
from meute.core.importing import (
    ImportFileError,
    ImportResult,
    ImportValidationError,
    LineChecker,
    RowError,
    map_columns,
    read_table,
)
from meute.core.models import ProductLine, Sector, Territory, fold
from meute.deals.choices import Currency

from .choices import LeadSource
from .models import Lead

LEADS = "leads"
ALIASES = {
    "company_name": ["company", "name", "nom", "entreprise", "societe", "raison_sociale", "prospect"],
    "siren": [],
    "vat_number": ["vat", "tva", "numero_tva"],
    "website": ["site", "site_web", "url", "web"],
    "address": ["adresse"],
    "postal_code": ["zip", "code_postal", "cp"],
    "city": ["ville"],
    "country": ["pays"],
    "territory": ["territoire", "region"],
    "sector": ["secteur"],
    "product_lines": ["products", "produits", "gammes", "lignes_produits"],
    "amount": ["montant", "estimated_amount", "montant_estime"],
    "currency": ["devise"],
    "contact_name": ["contact", "nom_contact"],
    "contact_email": ["email", "e_mail", "courriel"],
    "contact_phone": ["phone", "telephone", "tel"],
    "description": ["notes", "besoin"],
    "source": ["origine"],
    "required_partner_type": ["partner_type", "type_partenaire", "type_de_partenaire"],
}
TEXT_FIELDS = (
    "company_name",
    "siren",
    "vat_number",
    "website",
    "address",
    "postal_code",
    "city",
    "contact_name",
    "contact_email",
    "contact_phone",
    "description",
)
_SPLIT = re.compile(r"\s*[,;|]\s*")


def _lookup(model) -> dict:
    table = {}
    for pk, code, name in model.objects.values_list("pk", "code", "name"):
        table[fold(code)] = pk
        table.setdefault(fold(name), pk)
    return table


def _choices(choices_class) -> dict:
    from django.utils import translation

    table = {fold(value): value for value in choices_class.values}
    for language in ("en", "fr"):
        with translation.override(language):
            for value, label in choices_class.choices:
                table.setdefault(fold(str(label)), value)
    return table


def validate_leads(table) -> list[tuple[Lead, list]]:
    """Every line as an unsaved Lead with its product line ids; raises ImportValidationError."""
    columns = map_columns(table.headers, ALIASES, ("company_name",))
    territories, sectors, products = _lookup(Territory), _lookup(Sector), _lookup(ProductLine)
    sources, types, currencies = _choices(LeadSource), _choices(PartnerType), _choices(Currency)
    checker = LineChecker(table.headers, columns)
    errors = checker.errors
    rows = []
    for line, cells in table.rows:
        if not any(cells):
            continue
        values = {name: (cells[i] if i < len(cells) else "").strip() for name, i in columns.items()}
        if len(cells) > len(table.headers) and any(cells[len(table.headers) :]):
            # The organisation importer's rule: values beyond the header are junk, not data to drop.
            checker.errors.append(
                RowError(line, "", _("This line has more values than the header has columns."))
            )

        def error(name, message, line=line):
            checker.error(line, name, message)

        lead = Lead(**{name: values.get(name, "") for name in TEXT_FIELDS})
        if lead.website and "://" not in lead.website:
            lead.website = f"https://{lead.website}"
        for name, lookup_table, message in (
            ("territory", territories, _("Unknown territory “%(value)s”.")),
            ("sector", sectors, _("Unknown sector “%(value)s”.")),
        ):
            if values.get(name):
                pk = lookup_table.get(fold(values[name]))
                if pk is None:
                    error(name, message % {"value": values[name]})
                setattr(lead, f"{name}_id", pk)
        for name, lookup_table in (
            ("source", sources),
            ("required_partner_type", types),
            ("currency", currencies),
        ):
            if values.get(name):
                value = lookup_table.get(fold(values[name]))
                if value is None:
                    error(name, _("Unknown value “%(value)s”.") % {"value": values[name]})
                else:
                    setattr(lead, name, value)
        if values.get("country"):
            from django_countries import countries

            code = values["country"].upper()
            if code not in dict(countries):
                code = countries.by_name(values["country"]) or countries.by_name(
                    values["country"], language="fr"
                )
            if not code:
                error("country", _("Unknown country “%(value)s”.") % {"value": values["country"]})
            else:
                lead.country = code
        if values.get("amount"):
            text = re.sub(r"[\s\u00a0\u202f€]", "", values["amount"]).replace(",", ".")
            try:
                lead.amount = Decimal(text)
            except InvalidOperation:
                error("amount", _("Enter a number, e.g. 1250.50 or 1250,50."))
        line_ids = []
        for part in _SPLIT.split(values.get("product_lines", "")):
            if part:
                pk = products.get(fold(part))
                if pk is None:
                    error("product_lines", _("Unknown product line “%(value)s”.") % {"value": part})
                else:
                    line_ids.append(pk)
        try:
            lead.full_clean(
                exclude={"territory", "sector"}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                error(name, " ".join(messages))
        rows.append((lead, line_ids))
    if errors:
        raise ImportValidationError(errors)
    return rows


def import_leads(source, *, filename: str = "", user=None) -> ImportResult:
    if user is not None and not user.can_edit_all:
        raise PermissionDenied(_("You are not allowed to import these records."))
    table = read_table(source, filename)
    if not any(any(cells) for _line, cells in table.rows):
        raise ImportFileError(_("The file has a header but no data rows."))
    rows = validate_leads(table)
    with set_actor(user) if user is not None else nullcontext(), transaction.atomic():
        through = Lead.product_lines.through
        links = []
        for lead, line_ids in rows:
            lead.created_by = user
            lead.save()
            links.extend(through(lead_id=lead.pk, productline_id=pk) for pk in dict.fromkeys(line_ids))
        through.objects.bulk_create(links)
    result = ImportResult(LEADS, len(rows))
    result.leads = [lead for lead, _ids in rows]
    return result
