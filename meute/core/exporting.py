"""Exporting organisations and people to CSV, Excel (.xlsx) or JSON.

Exports only ever contain what the given user may see (``visible_to``); without a user (the operator at
the command line) they contain everything. Rows are read in chunks with their related rows prefetched, so
100,000 organisations take a handful of queries. The columns are the import's field names, so an export
can be imported again into an empty database.
"""

import json

from django.utils.translation import gettext as _

from meute.lib import exports

from .models import Organization, Person
from .progress import progress_bar

CHUNK_SIZE = 2000
FORMATS = ("csv", "xlsx", "json")
MULTI_SEPARATOR = ", "

ORGANIZATION_COLUMNS = [
    "uuid",
    "name",
    "legal_name",
    "is_operator",
    "siren",
    "siret",
    "vat_number",
    "website",
    "email_domain",
    "phone",
    "address",
    "postal_code",
    "city",
    "country",
    "region",
    "headcount",
    "sales_headcount",
    "engineer_headcount",
    "annual_revenue",
    "market_share",
    "growth_trend",
    "company_sizes",
    "partner_types",
    "tags",
    "markets",
    "geographies",
    "offerings",
    "offerings_description",
    "description",
    "created_at",
    "updated_at",
]

PERSON_COLUMNS = [
    "uuid",
    "organization_uuid",
    "organization_siren",
    "organization_name",
    "first_name",
    "last_name",
    "email",
    "phone",
    "job_title",
    "role",
    "department",
    "linkedin_url",
    "is_active",
    "notes",
    "created_at",
    "updated_at",
]

MULTI_COLUMNS = {"company_sizes", "partner_types", "tags", "markets", "geographies", "offerings"}


def _base_queryset(model, user):
    return model.objects.visible_to(user) if user is not None else model.objects.all()


def organization_records(user=None):
    """Yield one dict per organisation the user may see (lists for multi-valued fields)."""
    queryset = (
        _base_queryset(Organization, user)
        .select_related("region")
        .prefetch_related("partner_type_links", "tags", "markets", "geographies", "offerings")
        .order_by("pk")
    )
    for org in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "uuid": str(org.uuid),
            "name": org.name,
            "legal_name": org.legal_name,
            "is_operator": org.is_operator,
            "siren": org.siren,
            "siret": org.siret,
            "vat_number": org.vat_number,
            "website": org.website,
            "email_domain": org.email_domain,
            "phone": org.phone,
            "address": org.address,
            "postal_code": org.postal_code,
            "city": org.city,
            "country": org.country.code or "",
            "region": org.region.code if org.region else "",
            "headcount": org.headcount,
            "sales_headcount": org.sales_headcount,
            "engineer_headcount": org.engineer_headcount,
            "annual_revenue": org.annual_revenue,
            "market_share": org.market_share,
            "growth_trend": org.growth_trend,
            "company_sizes": list(org.company_sizes or []),
            "partner_types": sorted(link.partner_type for link in org.partner_type_links.all()),
            "tags": sorted(tag.code for tag in org.tags.all()),
            "markets": sorted(sector.code for sector in org.markets.all()),
            "geographies": sorted(territory.code for territory in org.geographies.all()),
            "offerings": sorted(line.code for line in org.offerings.all()),
            "offerings_description": org.offerings_description,
            "description": org.description,
            "created_at": org.created_at,
            "updated_at": org.updated_at,
        }


def person_records(user=None):
    queryset = _base_queryset(Person, user).select_related("organization").order_by("pk")
    for person in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "uuid": str(person.uuid),
            "organization_uuid": str(person.organization.uuid),
            "organization_siren": person.organization.siren,
            "organization_name": person.organization.name,
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "phone": person.phone,
            "job_title": person.job_title,
            "role": person.role,
            "department": person.department,
            "linkedin_url": person.linkedin_url,
            "is_active": person.is_active,
            "notes": person.notes,
            "created_at": person.created_at,
            "updated_at": person.updated_at,
        }


EXPORTS = {
    "organizations": (ORGANIZATION_COLUMNS, organization_records, Organization),
    "people": (PERSON_COLUMNS, person_records, Person),
}


def _flat(value):
    """A cell for CSV and Excel: text, numbers kept as they are, lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return MULTI_SEPARATOR.join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _json_value(value):
    if value is None or isinstance(value, bool | int | str | list):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)  # Decimal keeps its exact digits as a string


def export(kind: str, file_format: str, stream, *, user=None, progress=False) -> int:
    """Write the ``kind`` records ``user`` may see to ``stream``; return the number of rows.

    ``stream`` is a text stream for csv and json, a binary stream for xlsx.
    """
    if kind not in EXPORTS:
        raise ValueError(f"unknown export kind {kind!r}")
    if file_format not in FORMATS:
        raise ValueError(f"unknown export format {file_format!r}")
    columns, records, model = EXPORTS[kind]
    total = _base_queryset(model, user).count() if progress else None
    rows = progress_bar(records(user), total=total, desc=_("Exporting"), enabled=progress)
    writer = {"csv": _write_csv, "xlsx": _write_xlsx, "json": _write_json}[file_format]
    return writer(columns, rows, stream)


def _write_csv(columns, rows, stream) -> int:
    return exports.write_csv(stream, columns, ([_flat(row[c]) for c in columns] for row in rows))


def _write_json(columns, rows, stream) -> int:
    stream.write("[")
    count = 0
    for row in rows:
        stream.write(",\n" if count else "\n")
        stream.write(json.dumps({c: _json_value(row[c]) for c in columns}, ensure_ascii=False))
        count += 1
    stream.write("\n]\n")
    return count


# Identifiers are text in Excel: a number would lose leading zeros and show as 3.03265E+08.
_XLSX_TEXT_COLUMNS = {"siren", "siret", "postal_code", "phone"}


def _xlsx_row(columns, row) -> list:
    cells = []
    for column in columns:
        value = _flat(row[column])
        if column in _XLSX_TEXT_COLUMNS and value != "":
            value = str(value)
        cells.append(value)
    return cells


def _write_xlsx(columns, rows, stream) -> int:
    return exports.write_xlsx(stream, _("Export"), columns, (_xlsx_row(columns, row) for row in rows))
