"""Importing the operator's direct-sales accounts (``meute import accounts FILE``): all rows or nothing.

Reads CSV, .xlsx or JSON through the core import engine's reader, checks every line (identifiers, domains,
country, account owner) and reports every error with its line; only a fully valid file is written, in one
transaction. A line whose SIREN is already a customer turns that customer into a direct-sales account.
"""

from contextlib import nullcontext

from auditlog.context import set_actor
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_countries import countries

from meute.core import validators
from meute.core.importing import (
    ImportFileError,
    ImportResult,
    ImportValidationError,
    LineChecker,
    RowError,
    map_columns,
    read_table,
)
from meute.core.models import User

from . import conflicts
from .customers import save_customer
from .models import Customer

ACCOUNTS = "accounts"
ALIASES = {
    "name": ["company", "company_name", "nom", "raison_sociale", "societe", "entreprise", "client"],
    "siren": [],
    "siret": [],
    "vat_number": ["vat", "tva", "numero_tva", "tva_intracommunautaire"],
    "website": ["site", "site_web", "url", "web"],
    "email_domain": ["domain", "domaine", "domaine_email"],
    "address": ["adresse"],
    "postal_code": ["zip", "code_postal", "cp"],
    "city": ["ville"],
    "country": ["pays"],
    "owner": ["account_owner", "proprietaire", "commercial", "responsable"],
}
MAX_LENGTHS = {"name": 200, "address": 255, "postal_code": 12, "city": 100}


def _country(raw: str) -> str:
    code = raw.strip().upper()
    if len(code) == 2 and code in dict(countries):
        return code
    found = countries.by_name(raw.strip()) or countries.by_name(raw.strip(), language="fr")
    if not found:
        raise ValidationError(_("Unknown country: %(value)s") % {"value": raw})
    return found


def validate_accounts(table) -> list[dict]:
    columns = map_columns(table.headers, ALIASES, ("name",))
    owners = {u.username.lower(): u for u in User.objects.filter(is_active=True)}
    checker = LineChecker(table.headers, columns)
    errors = checker.errors
    rows: list[dict] = []
    seen: dict[str, int] = {}
    for line, cells in table.rows:
        if not any(cells):
            continue
        values = {
            name: (cells[index] if index < len(cells) else "").strip() for name, index in columns.items()
        }

        def error(name, message, line=line):
            checker.error(line, name, message)

        if not values.get("name"):
            error("name", _("This field is required."))
        for name, limit in MAX_LENGTHS.items():
            if len(values.get(name, "")) > limit:
                error(name, _("At most %(limit)s characters.") % {"limit": limit})
        for name, normalize, validate in (
            ("siren", validators.normalize_siren, validators.validate_siren),
            ("siret", validators.normalize_siret, validators.validate_siret),
            ("vat_number", validators.normalize_vat, validators.validate_vat_number),
        ):
            if values.get(name):
                values[name] = normalize(values[name])
                try:
                    validate(values[name])
                except ValidationError as exc:
                    error(name, " ".join(exc.messages))
        if values.get("email_domain"):
            values["email_domain"] = validators.normalize_domain(values["email_domain"])
            try:
                validators.validate_email_domain(values["email_domain"])
            except ValidationError as exc:
                error("email_domain", " ".join(exc.messages))
        try:
            values["country"] = _country(values["country"]) if values.get("country") else "FR"
        except ValidationError as exc:
            error("country", " ".join(exc.messages))
        owner = values.pop("owner", "")
        values["account_owner"] = None
        if owner:
            values["account_owner"] = owners.get(owner.lower())
            if values["account_owner"] is None:
                error("owner", _("No active user is called “%(name)s”.") % {"name": owner})
        siren = conflicts.siren_from(
            values.get("siren", ""), values.get("siret", ""), values.get("vat_number", "")
        )
        if siren:
            if siren in seen:
                errors.append(
                    RowError(line, "siren", _("Same company as line %(line)s.") % {"line": seen[siren]})
                )
            seen[siren] = line
        values["siren"] = siren
        rows.append(values)
    if errors:
        raise ImportValidationError(errors)
    return rows


def import_accounts(source, *, filename: str = "", user=None, dry_run: bool = False) -> ImportResult:
    if user is not None and not user.can_edit_all:
        raise PermissionDenied(_("You are not allowed to import these records."))
    table = read_table(source, filename)
    if not any(any(cells) for _line, cells in table.rows):
        raise ImportFileError(_("The file has a header but no data rows."))
    rows = validate_accounts(table)
    if dry_run:
        return ImportResult(ACCOUNTS, len(rows), dry_run=True)
    existing = {
        c.siren: c for c in Customer.objects.filter(siren__in=[r["siren"] for r in rows if r["siren"]])
    }
    with set_actor(user) if user is not None else nullcontext(), transaction.atomic():
        for values in rows:
            customer = existing.get(values["siren"]) if values["siren"] else None
            if customer is None:
                customer = Customer(
                    name=values["name"],
                    siren=values["siren"],
                    vat_number=values.get("vat_number", ""),
                    website_domain=conflicts.domain_of(values.get("website", "")),
                    email_domain=values.get("email_domain", ""),
                    address=values.get("address", ""),
                    postal_code=values.get("postal_code", ""),
                    city=values.get("city", ""),
                    country=values["country"],
                )
            customer.is_direct_account = True
            customer.account_owner = values["account_owner"]
            save_customer(customer)
    return ImportResult(ACCOUNTS, len(rows))
