"""Importing organisations: identifiers checked and normalised, reference data (tags, markets, regions,
offerings) found or created, rows written by chunks in one transaction with their audit entries.

On PostgreSQL each checked chunk streams into one open COPY while the next chunk is checked; an invalid row
or an identifier already in the database rolls back to a savepoint and checking goes on, so that every
error is still reported and nothing is written.
"""

import contextlib
from dataclasses import dataclass
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meute.core import validators
from meute.core.audit import LOG_COLUMNS, creation_log_columns, log_bulk_create, write_log_columns
from meute.core.choices import CompanySize, GrowthTrend, PartnerType
from meute.core.models import (
    Organization,
    OrganizationPartnerType,
    ProductLine,
    Sector,
    Tag,
    Territory,
    fold,
)
from meute.core.progress import progress_bar
from meute.lib.bulk import (
    connection_for,
    copy_from_text,
    copy_stream,
    copy_text,
    db_columns,
    existing_values,
    fill_columns,
    insert_columns,
    reserve_ids,
    write_columns,
)
from meute.lib.search import bulk_insert_mode

from .cells import (
    SPLIT_RE,
    boolean_cell,
    choice_cell,
    country_cell,
    decimal_cell,
    email_domain_cell,
    identifier_cell,
    integer_cell,
    max_length,
    memoized,
    message_of,
    multi_choice_cell,
    phone_cell,
    text_cell,
    text_too_long,
    url_cell,
    uuid_cell,
)
from .checks import (
    ImportValidationError,
    RowError,
    column_name,
    map_columns,
)
from .tables import Table

BATCH_SIZE = 2000

ORGANIZATION_ALIASES = {
    "name": ["nom", "nom_commercial", "organisation", "organization", "entreprise", "societe", "raison"],
    "legal_name": ["raison_sociale", "denomination", "denomination_sociale", "nom_legal"],
    "siren": ["numero_siren", "n_siren"],
    "siret": ["numero_siret", "n_siret"],
    "vat_number": ["vat", "tva", "numero_tva", "n_tva", "tva_intracommunautaire", "numero_de_tva"],
    "website": ["site", "site_web", "site_internet", "url", "web"],
    "email_domain": ["domaine", "domaine_email", "domaine_e_mail", "domaine_mail", "e_mail_domain"],
    "phone": ["telephone", "tel"],
    "address": ["adresse", "rue"],
    "postal_code": ["code_postal", "cp", "postcode", "zip", "zip_code"],
    "city": ["ville", "commune", "town"],
    "country": ["pays", "country_code", "code_pays"],
    "region": ["territoire"],
    "headcount": ["effectif", "effectifs", "salaries", "employees"],
    "sales_headcount": ["effectif_commercial", "effectif_ventes", "commerciaux"],
    "engineer_headcount": ["effectif_technique", "effectif_ingenieurs", "ingenieurs", "engineers"],
    "annual_revenue": ["annual_revenue_eur", "chiffre_affaires", "chiffre_d_affaires", "ca", "revenue"],
    "market_share": ["part_de_marche", "part_marche"],
    "growth_trend": ["tendance", "croissance", "tendance_de_croissance"],
    "company_sizes": ["customer_company_sizes", "tailles_clients", "tailles_entreprises", "cibles"],
    "partner_types": ["types_partenaire", "types_de_partenaire", "typologie", "partner_type"],
    "tags": ["etiquettes", "etiquette", "tag"],
    "markets": ["marches", "secteurs", "sectors"],
    "geographies": ["territoires", "zones"],
    "offerings": ["offres", "produits", "product_lines", "lignes_de_produits"],
    "offerings_description": ["products_and_services", "produits_et_services"],
    "description": [],
    "is_operator": ["operator", "operateur"],
    "uuid": ["public_identifier", "identifiant", "id_public"],
}

ORGANIZATION_REQUIRED = ("name",)


_UNIQUE_IDENTIFIERS = (
    ("siren", gettext_lazy("SIREN")),
    ("siret", gettext_lazy("SIRET")),
    ("vat_number", gettext_lazy("VAT number")),
    ("uuid", gettext_lazy("public identifier")),
)


def _organization_converters(references):
    text_fields = (
        "name",
        "legal_name",
        "address",
        "postal_code",
        "city",
    )
    converters = {name: text_cell(max_length(Organization, name)) for name in text_fields}
    converters.update(
        {
            "description": text_cell(20_000),
            "offerings_description": text_cell(20_000),
            "siren": identifier_cell(
                validators.normalize_siren, validators.validate_siren, validators.plain_siren
            ),
            "siret": identifier_cell(
                validators.normalize_siret, validators.validate_siret, validators.plain_siret
            ),
            "vat_number": identifier_cell(
                validators.normalize_vat, validators.validate_vat_number, validators.plain_french_vat
            ),
            "website": url_cell(max_length(Organization, "website")),
            "email_domain": email_domain_cell,
            "phone": phone_cell,
            "country": country_cell(),
            "region": references["geographies"].one,
            "headcount": integer_cell,
            "sales_headcount": integer_cell,
            "engineer_headcount": integer_cell,
            "annual_revenue": decimal_cell(14, 2, minimum=Decimal(0)),
            "market_share": decimal_cell(5, 2, minimum=Decimal(0), maximum=Decimal(100)),
            "growth_trend": choice_cell(GrowthTrend),
            "company_sizes": multi_choice_cell(CompanySize),
            "partner_types": multi_choice_cell(PartnerType),
            "tags": references["tags"].many,
            "markets": references["markets"].many,
            "geographies": references["geographies"].many,
            "offerings": references["offerings"].many,
            "is_operator": boolean_cell,
            "uuid": uuid_cell,
        }
    )
    return converters


class _ReferenceLookup:
    """Reference rows (tags, territories, sectors, product lines) looked up by code or name, accent- and
    case-insensitive. Values not found are created with the import (and listed in its result)."""

    def __init__(self, model):
        self.model = model
        self.lookup = {}
        self.codes = set()
        for pk, code, name in model.objects.values_list("pk", "code", "name"):
            self.lookup.setdefault(fold(name), pk)
            self.lookup[fold(code)] = pk
            self.codes.add(code)
        self.new = {}  # folded name -> unsaved row
        self.many = memoized(self._many)

    def one(self, raw):
        refs = self.many(raw)
        if len(refs) != 1:
            raise ValidationError(_("Give a single value."))
        return refs[0]

    def _many(self, raw):
        refs = []
        for part in SPLIT_RE.split(raw):
            if not part:
                continue
            if len(part) > 120:
                raise ValidationError(_("A name has at most 120 characters."))
            key = fold(part)
            ref = self.lookup.get(key)
            if ref is None:
                ref = self.new.get(key)
                if ref is None:
                    code = self._free_code(slugify(part)[:50] or "new")
                    ref = self.new[key] = self.model(code=code, name=part)
            if ref not in refs:
                refs.append(ref)
        return refs

    def _free_code(self, base):
        code, counter = base, 1
        while code in self.codes:
            counter += 1
            suffix = f"-{counter}"
            code = base[: 50 - len(suffix)] + suffix
        self.codes.add(code)
        return code


MULTI_FIELDS = ("partner_types", "tags", "markets", "geographies", "offerings")
REFERENCE_FIELDS = ("tags", "markets", "geographies", "offerings", "region")
CHUNK_SIZE = 5000

# Where an error sorts among the errors of its line: cell errors (by column) first, then the checks of the
# whole row, in the order they run.
_CELL, _EXTRA, _REQUIRED, _SIRET, _HEADCOUNT, _DUPLICATE, _EXISTING, _OPERATOR = range(8)


class _Invalid(Exception):
    """A row is invalid: stop writing, keep checking the rest of the file to report every error."""


@dataclass
class _Batch:
    """Checked rows of a chunk, column by column."""

    lines: list
    values: dict  # attname -> one value per row, None where the cell is empty (the field's default)
    region: list | None  # Territory ids or new Territory rows (saved before the organisations)
    relations: dict  # many-to-many field -> one list per row (None when empty)


class OrganizationImport:
    """Check an organisation file and write it, all rows or none.

    Rows are checked by chunks of ``CHUNK_SIZE``, column by column: each column goes through its converter
    in one list comprehension (or once per distinct cell for columns whose cells repeat), which costs much
    less than a dictionary of values per row. Every rule of a row-by-row check is kept, and every error is
    reported with its line and column.

    On PostgreSQL, ``write`` sends each chunk through one open COPY as soon as it is checked, so that the
    server inserts and indexes rows while Python checks the next ones; the speculative rows stay inside a
    savepoint, rolled back as soon as an error turns up (the checking then goes on, to report every error).
    Elsewhere the whole file is checked first, then written.
    """

    def __init__(self, table: Table, *, progress=False):
        self.headers = table.headers
        self.columns = map_columns(self.headers, ORGANIZATION_ALIASES, ORGANIZATION_REQUIRED)
        self.references = {
            "tags": _ReferenceLookup(Tag),
            "markets": _ReferenceLookup(Sector),
            "geographies": _ReferenceLookup(Territory),
            "offerings": _ReferenceLookup(ProductLine),
        }
        self.converters = _organization_converters(self.references)
        self.rows = [(line, cells) for line, cells in table.rows if any(cells)]
        self.progress = progress
        self._errors = []  # (line, stage, order, RowError)
        self.seen = {name: {} for name, _label in _UNIQUE_IDENTIFIERS}
        self.operator_lines = []
        self.operator_exists = (
            "is_operator" in self.columns and Organization.objects.filter(is_operator=True).exists()
        )
        self._finished = False

    # ---- checking ------------------------------------------------------------------------------

    @property
    def errors(self) -> list:
        return [error for *_key, error in sorted(self._errors, key=lambda item: item[:3])]

    def _error(self, line, stage, order, column, message):
        self._errors.append((line, stage, order, RowError(line, column, message)))

    def _column(self, field_name):
        return column_name(self.headers, self.columns, field_name)

    def batches(self):
        """Check the rows chunk by chunk, yielding each chunk's values (errors gather in ``errors``)."""
        bar = progress_bar(total=len(self.rows), desc=_("Checking"), enabled=self.progress)
        for start in range(0, len(self.rows), CHUNK_SIZE):
            chunk = self.rows[start : start + CHUNK_SIZE]
            batch = self._check(chunk)
            bar.update(len(chunk))
            yield batch
        bar.close()

    def _check(self, chunk) -> _Batch:
        width = len(self.headers)
        lines = [line for line, _cells in chunk]
        table = []
        for line, cells in chunk:
            if len(cells) != width:
                if len(cells) > width and any(cells[width:]):
                    self._error(
                        line, _EXTRA, 0, "", _("This line has more values than the header has columns.")
                    )
                cells = cells[:width] + [""] * (width - len(cells))
            table.append(cells)
        cells_by_column = list(zip(*table, strict=True))
        converted = {
            name: self._convert_column(name, index, cells_by_column[index], lines)
            for name, index in self.columns.items()
        }
        count = len(lines)

        for line, raw in zip(lines, cells_by_column[self.columns["name"]], strict=True):
            if not raw:
                self._error(line, _REQUIRED, 0, self._column("name"), _("This field is required."))
        siren, siret = converted.get("siren"), converted.get("siret")
        if siren and siret:
            for line, head, whole in zip(lines, siren, siret, strict=True):
                if head and whole and not whole.startswith(head):
                    self._error(
                        line,
                        _SIRET,
                        0,
                        self._column("siret"),
                        _("The SIRET must start with the organisation's SIREN."),
                    )
        headcount = converted.get("headcount")
        if headcount:
            for order, name in enumerate(("sales_headcount", "engineer_headcount")):
                for line, total, part in zip(lines, headcount, converted.get(name) or (), strict=False):
                    if total is not None and part is not None and part > total:
                        self._error(
                            line,
                            _HEADCOUNT,
                            order,
                            self._column(name),
                            _("Cannot exceed the total headcount (%(headcount)s).") % {"headcount": total},
                        )
        for order, (name, label) in enumerate(_UNIQUE_IDENTIFIERS):
            column = converted.get(name)
            if column is None:
                continue
            seen = self.seen[name]
            for line, value in zip(lines, column, strict=True):
                if value:
                    first = seen.setdefault(value, line)
                    if first != line:
                        self._error(
                            line,
                            _DUPLICATE,
                            order,
                            self._column(name),
                            _("Same %(identifier)s as line %(line)s.") % {"identifier": label, "line": first},
                        )
        operators = converted.get("is_operator")
        if operators:
            self.operator_lines.extend(line for line, value in zip(lines, operators, strict=True) if value)

        relations = {name: converted.pop(name) for name in MULTI_FIELDS if name in converted}
        region = converted.pop("region", None)
        blank = [""] * count

        def texts(name):
            column = converted.get(name)
            return blank if column is None else [value or "" for value in column]

        converted["search_text"] = Organization.search_texts(
            *(
                texts(name)
                for name in ("name", "legal_name", "city", "postal_code", "siret", "siren", "email_domain")
            )
        )
        return _Batch(lines, converted, region, relations)

    def _convert_column(self, name, index, raws, lines) -> list:
        """Convert one column of a chunk: a value per cell, None for empty cells and cells in error."""
        convert = self.converters[name]
        header = self.headers[index]
        max_length = getattr(convert, "max_length", None)
        if max_length is not None:  # free text: only its length to check, empty cells stay ""
            if max(map(len, raws)) > max_length:
                for line, raw in zip(lines, raws, strict=True):
                    if len(raw) > max_length:
                        self._error(line, _CELL, index, header, text_too_long(max_length, raw))
            return list(raws)
        distinct = set(raws)
        if len(distinct) * 4 <= len(raws):  # cells repeat: convert each distinct cell once
            values, bad = {"": None}, {}
            for raw in distinct:
                if raw:
                    try:
                        values[raw] = convert(raw)
                    except ValidationError as exc:
                        bad[raw] = message_of(exc)
            if bad:
                for line, raw in zip(lines, raws, strict=True):
                    if raw in bad:
                        self._error(line, _CELL, index, header, bad[raw])
            return [values.get(raw) for raw in raws]
        try:
            return [convert(raw) if raw else None for raw in raws]
        except ValidationError:
            pass
        converted = []
        for line, raw in zip(lines, raws, strict=True):
            value = None
            if raw:
                try:
                    value = convert(raw)
                except ValidationError as exc:
                    self._error(line, _CELL, index, header, message_of(exc))
            converted.append(value)
        return converted

    def prepare_references(self):
        """Convert every distinct cell of the reference columns (tags, markets, regions…) first, so that the
        new reference rows are all known, and can be saved, before any organisation is written."""
        for name in REFERENCE_FIELDS:
            index = self.columns.get(name)
            if index is None:
                continue
            convert = self.converters[name]
            for raw in {cells[index] for _line, cells in self.rows if index < len(cells)}:
                if raw:
                    with contextlib.suppress(ValidationError):  # reported with its line by its chunk
                        convert(raw)

    def finish(self):
        """The checks that need the whole file: a single operator organisation."""
        if self._finished or not self.operator_lines:
            return
        self._finished = True
        column = self._column("is_operator")
        if self.operator_exists:
            for line in self.operator_lines:
                self._error(line, _OPERATOR, 0, column, _("There is already an operator organisation."))
        else:
            for line in self.operator_lines[1:]:
                self._error(
                    line,
                    _OPERATOR,
                    0,
                    column,
                    _("Only one operator organisation is allowed (see line %(line)s).")
                    % {"line": self.operator_lines[0]},
                )

    def check_database(self):
        """Identifiers already taken in the database: one query per identifier, never one per row."""
        for order, (name, label) in enumerate(_UNIQUE_IDENTIFIERS):
            seen = self.seen[name]
            if not seen:
                continue
            for value in existing_values(Organization, name, seen):
                self._error(
                    seen[value],
                    _EXISTING,
                    order,
                    self._column(name),
                    _("Another organisation already has this %(identifier)s (%(value)s).")
                    % {"identifier": label, "value": value},
                )

    def check(self) -> list:
        """Check every row without writing; raise ImportValidationError, or return the checked chunks."""
        batches = list(self.batches())
        self.finish()
        self.check_database()
        if self._errors:
            raise ImportValidationError(self.errors)
        return batches

    def new_references(self) -> list[str]:
        return [
            f"{row._meta.verbose_name}: {row.name}"
            for lookup in self.references.values()
            for row in lookup.new.values()
        ]

    # ---- writing -------------------------------------------------------------------------------

    def write(self, *, actor=None, audit=True) -> list[str]:
        """Check and write every row (inside the caller's transaction); return the references created."""
        if connection_for(Organization).vendor == "postgresql":
            return self._write_streaming(actor=actor, audit=audit)
        batches = self.check()
        created = self._save_references(actor, audit)
        connection = connection_for(Organization)
        ids = reserve_ids(Organization, len(self.rows))
        now = timezone.now()
        links = {name: ([], []) for name in MULTI_FIELDS}
        bar = progress_bar(total=len(self.rows), desc=_("Writing"), enabled=self.progress)
        offset = 0
        with bulk_insert_mode(Organization, connection, min(ids), max(ids)):
            for batch in batches:
                batch_ids = ids[offset : offset + len(batch.lines)]
                offset += len(batch.lines)
                filled = self._filled(batch, batch_ids, now)
                insert_columns(Organization, filled)
                if audit:
                    write_log_columns(
                        creation_log_columns(Organization, filled, filled["name"], actor, now=now)
                    )
                self._collect_links(batch, batch_ids, links)
                bar.update(len(batch.lines))
        self._write_links(links)
        bar.close()
        return created

    def _write_streaming(self, *, actor, audit) -> list[str]:
        import psycopg

        self.prepare_references()
        ids = reserve_ids(Organization, len(self.rows))
        now = timezone.now()
        connection = connection_for(Organization)
        ContentType.objects.get_for_model(Organization)  # cached now: no query while the COPY is open
        columns = [field.column for field in Organization._meta.concrete_fields]
        batches = self.batches()
        failure = None
        try:
            with transaction.atomic():
                created = self._save_references(actor, audit)
                links = {name: ([], []) for name in MULTI_FIELDS}
                logs = []  # COPY text of the audit entries, one per chunk, sent after the organisations
                offset = 0
                with copy_stream(Organization, columns) as send:
                    for batch in batches:
                        if self._errors:
                            raise _Invalid
                        batch_ids = ids[offset : offset + len(batch.lines)]
                        offset += len(batch.lines)
                        filled = self._filled(batch, batch_ids, now)
                        send(copy_text(db_columns(Organization, filled, connection)[1]))
                        if audit:
                            log = creation_log_columns(Organization, filled, filled["name"], actor, now=now)
                            logs.append((copy_text(log), len(batch.lines)))
                        self._collect_links(batch, batch_ids, links)
                self.finish()
                if self._errors:
                    raise _Invalid
                # The unique indexes took every row: no identifier is already in the database.
                bar = progress_bar(total=len(self.rows), desc=_("Writing"), enabled=self.progress)
                self._write_links(links)
                for text, size in logs:
                    copy_from_text(LogEntry, LOG_COLUMNS, text)
                    bar.update(size)
                bar.close()
                return created
        except _Invalid:
            pass
        except (DatabaseError, psycopg.Error) as exc:
            failure = exc  # most likely an identifier already taken: the checks below say which
        for _batch in batches:  # check the rest of the file, to report every error
            pass
        self.finish()
        self.check_database()
        if self._errors:
            raise ImportValidationError(self.errors)
        raise failure

    def _save_references(self, actor, audit) -> list[str]:
        created = []
        for lookup in self.references.values():
            rows = list(lookup.new.values())
            lookup.model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            if audit and rows:
                log_bulk_create(rows, actor=actor)
            created.extend(f"{row._meta.verbose_name}: {row.name}" for row in rows)
        return created

    def _filled(self, batch, ids, now) -> dict:
        values = batch.values
        if batch.region is not None:
            values = dict(values, region_id=[_ref_id(ref) for ref in batch.region])
        return fill_columns(Organization, len(batch.lines), values, ids, now)

    @staticmethod
    def _collect_links(batch, ids, links):
        """Add the batch's many-to-many rows to ``links`` (field -> [organisation ids, target ids])."""
        for name, column in batch.relations.items():
            owners, targets = links[name]
            resolved = {}  # the converters share one list per distinct cell: resolve each list once
            for pk, refs in zip(ids, column, strict=True):
                if refs:
                    key = id(refs)
                    ref_ids = resolved.get(key)
                    if ref_ids is None:
                        ref_ids = resolved[key] = [_ref_id(ref) for ref in refs]
                    owners.extend([pk] * len(ref_ids))
                    targets.extend(ref_ids)

    @staticmethod
    def _write_links(links):
        through = {
            "partner_types": (OrganizationPartnerType, "partner_type"),
            "tags": (Organization.tags.through, "tag"),
            "markets": (Organization.markets.through, "sector"),
            "geographies": (Organization.geographies.through, "territory"),
            "offerings": (Organization.offerings.through, "productline"),
        }
        for name, (model, column) in through.items():
            columns = [model._meta.get_field(field).column for field in ("organization", column)]
            write_columns(model, columns, links[name])


def _ref_id(ref):
    """A reference as stored: an id, a choice value, or a saved reference row's id."""
    if ref is None or isinstance(ref, int | str):
        return ref
    if ref.pk is None:
        raise RuntimeError(f"{ref!r} should have been saved before the organisations that use it")
    return ref.pk
