"""Importing organisations and people from CSV, Excel (.xlsx) or JSON files: all rows or nothing.

The engine reads the file (encoding and delimiter detected), maps the column headers (English field names
or French aliases), validates every row without writing anything, and reports every error with its line
number and column. Only when the whole file is valid does it write, in one transaction, with
``bulk_create``. The command line, the web UI and background tasks all call ``import_file``.

Line numbers are the spreadsheet's: the header is line 1, the first record line 2.
"""

import csv
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries

from meute.lib.access import can_create
from meute.lib.bulk import chunks, existing_values, insert_objects, insert_rows, instance_builder

from . import validators
from .audit import log_bulk_create
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
    rows = [(index, [_strip(c) for c in record]) for index, record in enumerate(records[1:], start=2)]
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


def _text(max_length):
    def convert(raw):
        if len(raw) > max_length:
            raise ValidationError(
                _("At most %(max)s characters (this value has %(length)s).")
                % {"max": max_length, "length": len(raw)}
            )
        return raw

    return convert


def _integer(raw):
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


def _identifier(normalize, validate):
    def convert(raw):
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
# Writing
# --------------------------------------------------------------------------------------------------


def bulk_insert_pairs(through_model, column_a, column_b, pairs) -> None:
    """Insert link rows (two foreign keys) of a many-to-many table."""
    columns = [through_model._meta.get_field(name).column for name in (column_a, column_b)]
    insert_rows(through_model, columns, pairs)


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
            "siren": _identifier(validators.normalize_siren, validators.validate_siren),
            "siret": _identifier(validators.normalize_siret, validators.validate_siret),
            "vat_number": _identifier(validators.normalize_vat, validators.validate_vat_number),
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


def validate_organizations(table: Table, *, progress=False):
    """Validate every row; return (organisations, relations, tag lookup) or raise ImportValidationError."""
    headers = table.headers
    columns = map_columns(headers, ORGANIZATION_ALIASES, ORGANIZATION_REQUIRED)
    references = {
        "tags": _ReferenceLookup(Tag),
        "markets": _ReferenceLookup(Sector),
        "geographies": _ReferenceLookup(Territory),
        "offerings": _ReferenceLookup(ProductLine),
    }
    converters = _organization_converters(references)
    new_organization = instance_builder(Organization)
    errors = []
    organizations = []
    relations = []  # per organisation: {multi field: [ids or Tag objects]}
    seen = {name: {} for name, _label in _UNIQUE_IDENTIFIERS}
    seen_lines = {}
    operator_lines = []
    for line, cells in progress_bar(table.rows, desc=_("Checking"), enabled=progress):
        if not any(cells):
            continue
        values = _convert_row(line, cells, headers, columns, converters, errors)
        if "name" not in values and not _cell(cells, columns["name"]):
            errors.append(_required(line, headers, columns, "name"))
        siren, siret = values.get("siren"), values.get("siret")
        if siren and siret and not siret.startswith(siren):
            errors.append(
                RowError(
                    line,
                    _column_name(headers, columns, "siret"),
                    _("The SIRET must start with the organisation's SIREN."),
                )
            )
        headcount = values.get("headcount")
        if headcount is not None:
            for name in ("sales_headcount", "engineer_headcount"):
                if values.get(name) is not None and values[name] > headcount:
                    errors.append(
                        RowError(
                            line,
                            _column_name(headers, columns, name),
                            _("Cannot exceed the total headcount (%(headcount)s).")
                            % {"headcount": headcount},
                        )
                    )
        for name, label in _UNIQUE_IDENTIFIERS:
            value = values.get(name)
            if value:
                first = seen[name].get(value)
                if first is not None:
                    errors.append(
                        RowError(
                            line,
                            _column_name(headers, columns, name),
                            _("Same %(identifier)s as line %(line)s.") % {"identifier": label, "line": first},
                        )
                    )
                else:
                    seen[name][value] = line
        if values.get("is_operator"):
            operator_lines.append(line)
        relations.append({name: values.pop(name, []) for name in MULTI_FIELDS})
        values.setdefault("country", "FR")
        region = values.pop("region", None)
        organization = new_organization(values)
        if isinstance(region, int):
            organization.region_id = region
        elif region is not None:
            organization.region = region
        organization.search_text = organization.build_search_text()
        organizations.append(organization)
        seen_lines[id(organization)] = line

    # Duplicates against the database: one query per identifier and chunk, never one per row.
    for name, label in _UNIQUE_IDENTIFIERS:
        if not seen[name]:
            continue
        for value in existing_values(Organization, name, seen[name]):
            errors.append(
                RowError(
                    seen[name][value],
                    _column_name(headers, columns, name),
                    _("Another organisation already has this %(identifier)s (%(value)s).")
                    % {"identifier": label, "value": value},
                )
            )
    if operator_lines:
        column = _column_name(headers, columns, "is_operator")
        if Organization.objects.filter(is_operator=True).exists():
            for line in operator_lines:
                errors.append(RowError(line, column, _("There is already an operator organisation.")))
        else:
            for line in operator_lines[1:]:
                errors.append(
                    RowError(
                        line,
                        column,
                        _("Only one operator organisation is allowed (see line %(line)s).")
                        % {"line": operator_lines[0]},
                    )
                )
    if errors:
        raise ImportValidationError(errors)
    return organizations, relations, references


def _write_organizations(organizations, relations, references, *, actor, audit, progress):
    created = []
    for lookup in references.values():
        rows = list(lookup.new.values())
        lookup.model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        if audit and rows:
            log_bulk_create(rows, actor=actor)
        created.extend(f"{row._meta.verbose_name}: {row.name}" for row in rows)
    _link_new_regions(organizations)
    bar = progress_bar(total=len(organizations), desc=_("Writing"), enabled=progress)
    for chunk in chunks(organizations):
        insert_objects(Organization, chunk)
        bar.update(len(chunk))
    bar.close()
    through = {
        "tags": (Organization.tags.through, "tag"),
        "markets": (Organization.markets.through, "sector"),
        "geographies": (Organization.geographies.through, "territory"),
        "offerings": (Organization.offerings.through, "productline"),
    }
    links = {name: [] for name in through}
    types = []
    for organization, related in zip(organizations, relations, strict=True):
        pk = organization.pk
        types.extend((pk, partner_type) for partner_type in related["partner_types"])
        for name in through:
            links[name].extend((pk, ref if isinstance(ref, int) else ref.pk) for ref in related[name])
    bulk_insert_pairs(OrganizationPartnerType, "organization", "partner_type", types)
    for name, (model, column) in through.items():
        bulk_insert_pairs(model, "organization", column, links[name])
    if audit:
        log_bulk_create(organizations, actor=actor)
    return created


def _link_new_regions(organizations) -> None:
    """Point organisations at the regions this import creates (saved after the rows referenced them)."""
    for organization in organizations:
        region = organization._state.fields_cache.get("region")
        if region is not None and organization.region_id is None:
            organization.region_id = region.pk


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
        organizations, relations, references = validate_organizations(table, progress=progress)
        if dry_run:
            created = [
                f"{row._meta.verbose_name}: {row.name}"
                for lookup in references.values()
                for row in lookup.new.values()
            ]
            return ImportResult(kind, len(organizations), dry_run=True, created_references=created)
        with transaction.atomic():
            created = _write_organizations(
                organizations, relations, references, actor=user, audit=audit, progress=progress
            )
        return ImportResult(kind, len(organizations), created_references=created)
    people = validate_people(table, user=user, progress=progress)
    if dry_run:
        return ImportResult(kind, len(people), dry_run=True)
    with transaction.atomic():
        _write_people(people, actor=user, audit=audit, progress=progress)
    return ImportResult(kind, len(people))
