"""Importing organisations and people from CSV, Excel (.xlsx) or JSON files: all rows or nothing.

The engine reads the file (encoding and delimiter detected), maps the column headers (English field names
or French aliases), validates every row without writing anything, and reports every error with its line
number and column. Only when the whole file is valid is anything kept: everything is written in one
transaction (``meute.lib.bulk``: executemany on SQLite, COPY on PostgreSQL, where rows are sent while the
next ones are checked and rolled back if an error turns up). The command line, the web UI and background
tasks all call ``import_file``.

Line numbers are the spreadsheet's: the header is line 1, the first record line 2.
"""

import contextlib
import csv
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from meute.lib.access import can_create
from meute.lib.bulk import (
    chunks,
    connection_for,
    copy_from_text,
    copy_stream,
    copy_text,
    db_columns,
    existing_values,
    fill_columns,
    insert_columns,
    insert_objects,
    instance_builder,
    reserve_ids,
    write_columns,
)
from meute.lib.search import bulk_insert_mode

from . import validators
from .audit import LOG_COLUMNS, creation_log_columns, log_bulk_create, write_log_columns
from .choices import CompanySize, Department, GrowthTrend, PartnerType, PersonRole
from .models import (
    Organization,
    OrganizationPartnerType,
    Person,
    ProductLine,
    Sector,
    Tag,
    Territory,
    fold,
)
from .progress import progress_bar

BATCH_SIZE = 2000

ORGANIZATIONS = "organizations"
PEOPLE = "people"
KINDS = (ORGANIZATIONS, PEOPLE)


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, encoding, empty)."""


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Line %(line)s, column “%(column)s”: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class LineChecker:
    """Reads a line's cells by field name and collects every problem, named by line and file column."""

    def __init__(self, headers, columns):
        self.headers = headers
        self.columns = columns
        self.errors = []

    def cell(self, cells, name):
        index = self.columns.get(name)
        return _cell(cells, index).strip() if index is not None else ""

    def error(self, line, name, message):
        self.errors.append(RowError(line, _column_name(self.headers, self.columns, name), str(message)))


class ImportValidationError(Exception):
    """One or more rows are invalid; nothing was written."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__(_("%(count)s error(s) found; nothing was imported.") % {"count": len(self.errors)})


@dataclass
class ImportResult:
    kind: str
    created: int
    dry_run: bool = False
    created_references: list = field(default_factory=list)  # "tag: Stratégique", ...


# --------------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list
    rows: list  # (line number, list of cell strings)
    file_format: str


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def read_table(source, filename: str = "") -> Table:
    """Read a CSV, .xlsx or JSON file (path, bytes or binary file object) into headers and rows."""
    if isinstance(source, str | Path):
        filename = filename or str(source)
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImportFileError(
                _("Cannot read the file %(name)s: %(reason)s") % {"name": source, "reason": exc.strerror}
            ) from exc
    elif isinstance(source, bytes):
        data = source
    else:
        filename = filename or getattr(source, "name", "") or ""
        data = source.read()
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) are not supported: save the file as .xlsx or as CSV and try again.")
        )
    if head.startswith(b"%PDF"):
        raise ImportFileError(_("This is a PDF document, not a spreadsheet: use a CSV or .xlsx file."))
    text = _decode(data)
    sample = text[:8192]
    if _CONTROL_CHARS.search(sample):
        raise ImportFileError(
            _("This file is not a spreadsheet (binary content): use a CSV, .xlsx or JSON file.")
        )
    if sample.lstrip().startswith(("[", "{")):
        return _read_json(text)
    return _read_csv(text)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file claims to be UTF-16 but cannot be decoded.")) from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV" in Windows-1252 (a superset of Latin-1 for printable characters).
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _strip(value) -> str:
    return value.strip() if value else ""


def _read_csv(text: str) -> Table:
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise ImportFileError(_("This CSV file is malformed: %(reason)s") % {"reason": exc}) from exc
    if not records:
        raise ImportFileError(_("The file is empty."))
    headers = [_strip(h) for h in records[0]]
    strip = str.strip  # the csv module's cells are always strings
    rows = [(index, list(map(strip, record))) for index, record in enumerate(records[1:], start=2)]
    return Table(headers, rows, "csv")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on foreign zip files
        raise ImportFileError(
            _("This file is not a valid Excel workbook (.xlsx): use a CSV or .xlsx file.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        headers = None
        rows = []
        for index, values in enumerate(rows_iter, start=1):
            cells = [_cell_text(v) for v in values]
            if headers is None:
                if not any(cells):
                    continue
                while cells and not cells[-1]:
                    cells.pop()
                headers = cells
                continue
            rows.append((index, cells))
    finally:
        workbook.close()
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    return Table(headers, rows, "xlsx")


def _read_json(text: str) -> Table:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("This JSON file is malformed (line %(line)s): %(reason)s")
            % {"line": exc.lineno, "reason": exc.msg}
        ) from exc
    if isinstance(records, dict):
        records = records.get("results", records.get("items"))
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFileError(_("A JSON import file must hold a list of objects."))
    headers = []
    for record in records:
        for key in record:
            if key not in headers:
                headers.append(key)
    rows = []
    for index, record in enumerate(records, start=2):
        cells = []
        for key in headers:
            value = record.get(key)
            if isinstance(value, list):
                cells.append(", ".join(_cell_text(v) for v in value))
            else:
                cells.append(_cell_text(value))
        rows.append((index, cells))
    return Table(headers, rows, "json")


# --------------------------------------------------------------------------------------------------
# Column headers
# --------------------------------------------------------------------------------------------------

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

PERSON_ALIASES = {
    "organization": ["organisation", "entreprise", "societe", "company"],
    "organization_uuid": ["organisation_uuid"],
    "organization_siren": ["organisation_siren", "siren"],
    "organization_name": ["organisation_name", "nom_organisation", "nom_entreprise"],
    "first_name": ["prenom"],
    "last_name": ["nom", "nom_de_famille", "surname"],
    "email": ["e_mail", "mail", "courriel", "adresse_email", "adresse_e_mail"],
    "phone": ["telephone", "tel", "mobile"],
    "job_title": ["fonction", "poste", "titre", "intitule_de_poste", "title"],
    "role": [],
    "department": ["service", "departement"],
    "linkedin_url": ["linkedin", "linkedin_profile", "profil_linkedin"],
    "is_active": ["active", "actif"],
    "notes": ["remarques", "commentaires"],
    "uuid": ["public_identifier", "identifiant", "id_public"],
}

# Columns that exports write for information and imports skip.
IGNORED_COLUMNS = {"created_at", "updated_at", "created", "updated", "id"}

ORGANIZATION_REQUIRED = ("name",)
PERSON_REQUIRED = ("first_name", "last_name")


def header_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", fold(text or "")).strip("_")


def _alias_map(aliases: dict) -> dict:
    mapping = {}
    for field_name, names in aliases.items():
        mapping[field_name] = field_name
        for name in names:
            mapping[name] = field_name
    return mapping


def map_columns(headers: list, aliases: dict, required: tuple, line: int = 1):
    """Return ``{field: column index}``, or raise ImportValidationError listing every header problem."""
    mapping = _alias_map(aliases)
    columns = {}
    errors = []
    for index, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        if key in IGNORED_COLUMNS:
            continue
        field_name = mapping.get(key)
        if field_name is None:
            errors.append(RowError(line, header, _("Unknown column.")))
        elif field_name in columns:
            errors.append(
                RowError(
                    line,
                    header,
                    _("This column repeats column “%(other)s”.") % {"other": headers[columns[field_name]]},
                )
            )
        else:
            columns[field_name] = index
    for field_name in required:
        if field_name not in columns:
            errors.append(
                RowError(
                    line,
                    field_name,
                    _("Required column missing (expected a column “%(name)s”).") % {"name": field_name},
                )
            )
    if errors:
        raise ImportValidationError(errors)
    return columns


# --------------------------------------------------------------------------------------------------
# Cell converters: each takes a non-empty stripped string, returns a value or raises ValidationError
# --------------------------------------------------------------------------------------------------

_SPLIT_RE = re.compile(r"\s*[,;|]\s*")
_NUMBER_NOISE_RE = re.compile(r"[\s\u00a0\u202f€%]")
_INTEGER_RE = re.compile(r"^\d+(?:[.,]0+)?$")
_TRUE_WORDS = {"1", "true", "yes", "y", "oui", "o", "vrai", "x"}
_FALSE_WORDS = {"0", "false", "no", "n", "non", "faux"}
_email_validator = EmailValidator()


def _text_too_long(max_length, raw) -> str:
    return _("At most %(max)s characters (this value has %(length)s).") % {
        "max": max_length,
        "length": len(raw),
    }


def _text(max_length):
    def convert(raw):
        if len(raw) > max_length:
            raise ValidationError(_text_too_long(max_length, raw))
        return raw

    convert.max_length = max_length  # free text: organisation imports check a column's lengths at once
    return convert


def _integer(raw):
    if raw.isdigit() and raw.isascii() and len(raw) < 10:  # plain digits: below the limit, nothing to clean
        return int(raw)
    text = _NUMBER_NOISE_RE.sub("", raw)
    if not _INTEGER_RE.match(text):
        raise ValidationError(_("Enter a whole number of zero or more, e.g. 12."))
    value = int(re.split(r"[.,]", text)[0])
    if value > 2_147_483_647:
        raise ValidationError(_("This number is too large."))
    return value


def _decimal(max_digits, places, minimum=None, maximum=None):
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


def _boolean(raw):
    word = fold(raw)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    raise ValidationError(_("Enter yes or no (true/false, oui/non, 1/0)."))


def _uuid(raw):
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise ValidationError(_("This is not a valid public identifier (UUID).")) from exc


def _url(max_length):
    def convert(raw):
        value = raw if "://" in raw else f"https://{raw}"
        validators.validate_web_url(value)
        if len(value) > max_length:
            raise ValidationError(_("At most %(max)s characters.") % {"max": max_length})
        return value

    return convert


def _identifier(normalize, validate, plain=None):
    def convert(raw):
        if plain is not None and plain(raw):  # already in its normal form and valid
            return raw
        value = normalize(raw)
        validate(value)
        return value

    return convert


def _email_domain(raw):
    value = validators.normalize_domain(raw)
    validators.validate_email_domain(value)
    return value


def _phone(raw):
    validators.validate_phone(raw)
    if len(raw) > 24:
        raise ValidationError(_("At most %(max)s characters.") % {"max": 24})
    return raw


def _email(raw):
    value = raw.lower()
    _email_validator(value)
    if len(value) > 254:
        raise ValidationError(_("At most %(max)s characters.") % {"max": 254})
    return value


def _choice_lookup(choices_class) -> dict:
    lookup = {}
    for language in ("en", "fr"):
        with translation.override(language):
            for value, label in choices_class.choices:
                lookup[fold(str(label))] = value
    for value in choices_class.values:
        lookup[fold(value)] = value
        lookup[fold(value.replace("_", " "))] = value
    return lookup


def _memoized(convert):
    """Cells repeat (countries, types, tags): convert each distinct text once."""
    cache = {}

    def cached(raw):
        try:
            return cache[raw]
        except KeyError:
            value = cache[raw] = convert(raw)
            return value

    return cached


def _choice(choices_class):
    lookup = _choice_lookup(choices_class)

    @_memoized
    def convert(raw):
        value = lookup.get(fold(raw))
        if value is None:
            raise ValidationError(
                _("Unknown value “%(value)s”; expected one of: %(choices)s.")
                % {"value": raw, "choices": ", ".join(choices_class.values)}
            )
        return value

    return convert


def _multi_choice(choices_class):
    single = _choice(choices_class)

    @_memoized
    def convert(raw):
        values = []
        for part in _SPLIT_RE.split(raw):
            if part:
                value = single(part)
                if value not in values:
                    values.append(value)
        return values

    return convert


def _country_lookup() -> dict:
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


def _country():
    lookup = _country_lookup()

    @_memoized
    def convert(raw):
        code = lookup.get(fold(raw))
        if code is None:
            raise ValidationError(
                _("Unknown country “%(value)s”: use a two-letter code such as FR, BE or DE.") % {"value": raw}
            )
        return code

    return convert


def _max_length(model, name):
    return model._meta.get_field(name).max_length


def _message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --------------------------------------------------------------------------------------------------
# Validation helpers shared by both kinds
# --------------------------------------------------------------------------------------------------


def _convert_row(line, cells, headers, columns, converters, errors):
    values = {}
    for field_name, index in columns.items():
        raw = cells[index] if index < len(cells) else ""
        if not raw:
            continue
        try:
            values[field_name] = converters[field_name](raw)
        except ValidationError as exc:
            errors.append(RowError(line, headers[index], _message(exc)))
    if len(cells) > len(headers) and any(cells[len(headers) :]):
        errors.append(RowError(line, "", _("This line has more values than the header has columns.")))
    return values


def _cell(cells, index):
    return cells[index] if index < len(cells) else ""


def _required(line, headers, columns, field_name):
    return RowError(line, _column_name(headers, columns, field_name), _("This field is required."))


def _column_name(headers, columns, field_name):
    index = columns.get(field_name)
    return headers[index] if index is not None else field_name


# --------------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------------

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
    converters = {name: _text(_max_length(Organization, name)) for name in text_fields}
    converters.update(
        {
            "description": _text(20_000),
            "offerings_description": _text(20_000),
            "siren": _identifier(
                validators.normalize_siren, validators.validate_siren, validators.plain_siren
            ),
            "siret": _identifier(
                validators.normalize_siret, validators.validate_siret, validators.plain_siret
            ),
            "vat_number": _identifier(
                validators.normalize_vat, validators.validate_vat_number, validators.plain_french_vat
            ),
            "website": _url(_max_length(Organization, "website")),
            "email_domain": _email_domain,
            "phone": _phone,
            "country": _country(),
            "region": references["geographies"].one,
            "headcount": _integer,
            "sales_headcount": _integer,
            "engineer_headcount": _integer,
            "annual_revenue": _decimal(14, 2, minimum=Decimal(0)),
            "market_share": _decimal(5, 2, minimum=Decimal(0), maximum=Decimal(100)),
            "growth_trend": _choice(GrowthTrend),
            "company_sizes": _multi_choice(CompanySize),
            "partner_types": _multi_choice(PartnerType),
            "tags": references["tags"].many,
            "markets": references["markets"].many,
            "geographies": references["geographies"].many,
            "offerings": references["offerings"].many,
            "is_operator": _boolean,
            "uuid": _uuid,
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
        self.many = _memoized(self._many)

    def one(self, raw):
        refs = self.many(raw)
        if len(refs) != 1:
            raise ValidationError(_("Give a single value."))
        return refs[0]

    def _many(self, raw):
        refs = []
        for part in _SPLIT_RE.split(raw):
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
        return _column_name(self.headers, self.columns, field_name)

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
                        self._error(line, _CELL, index, header, _text_too_long(max_length, raw))
            return list(raws)
        distinct = set(raws)
        if len(distinct) * 4 <= len(raws):  # cells repeat: convert each distinct cell once
            values, bad = {"": None}, {}
            for raw in distinct:
                if raw:
                    try:
                        values[raw] = convert(raw)
                    except ValidationError as exc:
                        bad[raw] = _message(exc)
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
                    self._error(line, _CELL, index, header, _message(exc))
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


# --------------------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------------------


def _person_converters():
    converters = {name: _text(_max_length(Person, name)) for name in ("first_name", "last_name", "job_title")}
    converters.update(
        {
            "organization": _text(200),
            "organization_uuid": _text(200),
            "organization_siren": _text(200),
            "organization_name": _text(200),
            "email": _email,
            "phone": _phone,
            "role": _choice(PersonRole),
            "department": _choice(Department),
            "linkedin_url": _url(_max_length(Person, "linkedin_url")),
            "is_active": _boolean,
            "notes": _text(20_000),
            "uuid": _uuid,
        }
    )
    return converters


_ORGANIZATION_REF_FIELDS = ("organization_uuid", "organization_siren", "organization", "organization_name")
_SIREN_LIKE = re.compile(r"^[0-9 .]{9,11}$")


class _OrganizationResolver:
    """Resolve organisation references (UUID, SIREN or exact name) with a few set-based queries."""

    def __init__(self, queryset, refs):
        self.by_uuid, self.by_siren, self.by_name = {}, {}, {}
        uuids, sirens, want_names = set(), set(), False
        for ref in refs:
            kind, value = self.classify(ref)
            if kind == "uuid":
                uuids.add(value)
            elif kind == "siren":
                sirens.add(value)
            want_names = want_names or kind in ("name", "siren")
        for chunk in chunks(uuids):
            self.by_uuid.update(queryset.filter(uuid__in=chunk).values_list("uuid", "pk"))
        for chunk in chunks(sirens):
            self.by_siren.update(queryset.filter(siren__in=chunk).values_list("siren", "pk"))
        if want_names:
            for pk, name in queryset.values_list("pk", "name").iterator(chunk_size=10_000):
                self.by_name.setdefault(fold(name).strip(), []).append(pk)

    @staticmethod
    def classify(ref):
        try:
            return "uuid", uuid.UUID(ref)
        except ValueError:
            pass
        if _SIREN_LIKE.match(ref):
            return "siren", validators.normalize_siren(ref)
        return "name", ref

    def resolve(self, ref):
        """Return (organisation id, None) or (None, error message)."""
        kind, value = self.classify(ref)
        if kind == "uuid":
            pk = self.by_uuid.get(value)
        elif kind == "siren":
            pk = self.by_siren.get(value)
            if pk is None and len(self.by_name.get(fold(ref), [])) == 1:
                pk = self.by_name[fold(ref)][0]
        else:
            matches = self.by_name.get(fold(value).strip(), [])
            if len(matches) > 1:
                return None, _(
                    "Several organisations are named “%(name)s”: give its SIREN or public identifier instead."
                ) % {"name": ref}
            pk = matches[0] if matches else None
        if pk is None:
            return None, _(
                "No organisation matches “%(ref)s” (looked up by public identifier, SIREN or name)."
            ) % {"ref": ref}
        return pk, None


def validate_people(table: Table, *, user=None, progress=False):
    headers = table.headers
    columns = map_columns(headers, PERSON_ALIASES, PERSON_REQUIRED)
    ref_fields = [name for name in _ORGANIZATION_REF_FIELDS if name in columns]
    if not ref_fields:
        raise ImportValidationError(
            [
                RowError(
                    1,
                    "organization",
                    _("Required column missing: the organisation (by SIREN, name or public identifier)."),
                )
            ]
        )
    converters = _person_converters()
    new_person = instance_builder(Person)
    errors = []
    rows = []
    for line, cells in progress_bar(table.rows, desc=_("Checking"), enabled=progress):
        if not any(cells):
            continue
        values = _convert_row(line, cells, headers, columns, converters, errors)
        for name in PERSON_REQUIRED:
            if name not in values and not _cell(cells, columns[name]):
                errors.append(_required(line, headers, columns, name))
        ref_field = next((name for name in ref_fields if values.get(name)), None)
        ref = values.pop(ref_field) if ref_field else None
        for name in ref_fields:
            values.pop(name, None)
        rows.append((line, values, ref, ref_field))

    organizations = Organization.objects.visible_to(user) if user is not None else Organization.objects.all()
    resolver = _OrganizationResolver(organizations, {ref for _line, _values, ref, _field in rows if ref})
    people = []
    seen_emails = {}
    seen_uuids = {}
    org_column = _column_name(headers, columns, ref_fields[0])
    for line, values, ref, ref_field in rows:
        column = _column_name(headers, columns, ref_field) if ref_field else org_column
        if not ref:
            errors.append(RowError(line, column, _("This field is required.")))
            continue
        organization_id, message = resolver.resolve(ref)
        if message:
            errors.append(RowError(line, column, message))
            continue
        email = values.get("email")
        if email:
            first = seen_emails.get((organization_id, email))
            if first is not None:
                errors.append(
                    RowError(
                        line,
                        _column_name(headers, columns, "email"),
                        _("Same e-mail in the same organisation as line %(line)s.") % {"line": first},
                    )
                )
            else:
                seen_emails[(organization_id, email)] = line
        if values.get("uuid"):
            first = seen_uuids.get(values["uuid"])
            if first is not None:
                errors.append(
                    RowError(
                        line,
                        _column_name(headers, columns, "uuid"),
                        _("Same %(identifier)s as line %(line)s.")
                        % {"identifier": _("public identifier"), "line": first},
                    )
                )
            else:
                seen_uuids[values["uuid"]] = line
        values["organization_id"] = organization_id
        person = new_person(values)
        person.search_text = person.build_search_text()
        people.append(person)

    if seen_emails:
        emails = {email for _org, email in seen_emails}
        for chunk in chunks(emails):
            existing = Person.objects.filter(email__in=chunk).values_list("organization_id", "email")
            for key in existing:
                if key in seen_emails:
                    errors.append(
                        RowError(
                            seen_emails[key],
                            _column_name(headers, columns, "email"),
                            _("This organisation already has a person with this e-mail."),
                        )
                    )
    if seen_uuids:
        for value in existing_values(Person, "uuid", seen_uuids):
            errors.append(
                RowError(
                    seen_uuids[value],
                    _column_name(headers, columns, "uuid"),
                    _("Another person already has this public identifier."),
                )
            )
    if errors:
        raise ImportValidationError(errors)
    return people


def _write_people(people, *, actor, audit, progress):
    bar = progress_bar(total=len(people), desc=_("Writing"), enabled=progress)
    for chunk in chunks(people):
        insert_objects(Person, chunk)
        bar.update(len(chunk))
    bar.close()
    if audit:
        log_bulk_create(people, actor=actor)


# --------------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------------


def import_file(
    kind: str,
    source,
    *,
    filename: str = "",
    user=None,
    dry_run: bool = False,
    progress: bool = False,
    audit: bool = True,
) -> ImportResult:
    """Import ``source`` as organisations or people: every row is checked first, then all are written.

    ``user`` (optional) is who imports: the audit trail names them, and organisation references of a
    people import are looked up among the organisations they may see. Raises ImportFileError when the
    file cannot be read, ImportValidationError (with every error) when a row is invalid, and
    PermissionDenied when ``user`` may not create such records.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    model = Organization if kind == ORGANIZATIONS else Person
    if user is not None and not can_create(user, model):
        raise PermissionDenied(_("You are not allowed to import these records."))
    table = read_table(source, filename)
    if not any(any(cells) for _line, cells in table.rows):
        raise ImportFileError(_("The file has a header but no data rows."))
    if kind == ORGANIZATIONS:
        job = OrganizationImport(table, progress=progress)
        if dry_run:
            job.check()
            return ImportResult(kind, len(job.rows), dry_run=True, created_references=job.new_references())
        with transaction.atomic():
            created = job.write(actor=user, audit=audit)
        return ImportResult(kind, len(job.rows), created_references=created)
    people = validate_people(table, user=user, progress=progress)
    if dry_run:
        return ImportResult(kind, len(people), dry_run=True)
    with transaction.atomic():
        _write_people(people, actor=user, audit=audit, progress=progress)
    return ImportResult(kind, len(people))
