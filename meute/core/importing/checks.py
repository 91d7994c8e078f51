"""Checking an import's lines: column headers mapped to fields, cells converted, every error kept with its
line and column so that the whole file can be reported at once."""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from meute.core.models import fold

from .cells import message_of

# Columns that exports write for information and imports skip.
IGNORED_COLUMNS = {"created_at", "updated_at", "created", "updated", "id"}


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
        return cell_at(cells, index).strip() if index is not None else ""

    def error(self, line, name, message):
        self.errors.append(RowError(line, column_name(self.headers, self.columns, name), str(message)))


class ImportValidationError(Exception):
    """One or more rows are invalid; nothing was written."""

    def __init__(self, errors):
        self.errors = sorted(errors, key=lambda e: e.line)
        super().__init__(_("%(count)s error(s) found; nothing was imported.") % {"count": len(self.errors)})


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


def convert_row(line, cells, headers, columns, converters, errors):
    values = {}
    for field_name, index in columns.items():
        raw = cells[index] if index < len(cells) else ""
        if not raw:
            continue
        try:
            values[field_name] = converters[field_name](raw)
        except ValidationError as exc:
            errors.append(RowError(line, headers[index], message_of(exc)))
    if len(cells) > len(headers) and any(cells[len(headers) :]):
        errors.append(RowError(line, "", _("This line has more values than the header has columns.")))
    return values


def cell_at(cells, index):
    return cells[index] if index < len(cells) else ""


def required_error(line, headers, columns, field_name):
    return RowError(line, column_name(headers, columns, field_name), _("This field is required."))


def column_name(headers, columns, field_name):
    index = columns.get(field_name)
    return headers[index] if index is not None else field_name
