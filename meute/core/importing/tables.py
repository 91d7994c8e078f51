"""Reading an import file: CSV (encoding and delimiter detected), Excel .xlsx or JSON, into a table of text.

Line numbers are the spreadsheet's: the header is line 1, the first record line 2.
"""

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from meute.lib import exports


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, encoding, empty)."""


@dataclass
class Table:
    headers: list
    rows: list  # (line number, list of cell strings)
    file_format: str


_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# An .xlsx file is a zip: its unpacked parts may not exceed this many times the upload limit (zip bombs).
XLSX_MAX_EXPANSION = 25
# Columns read from a worksheet: a sheet formatted out to column XFD would otherwise give 16,384 cells a row.
XLSX_MAX_COLUMNS = 200
# Empty rows in a row after which the rest of a worksheet is taken as empty (formatting, not data).
XLSX_MAX_EMPTY_RUN = 1000


def max_import_bytes() -> int:
    return settings.MEUTE_IMPORT_MAX_MB * 1024 * 1024


def check_size(size: int) -> None:
    """Refuse an import file larger than ``MEUTE_IMPORT_MAX_MB``."""
    if size > max_import_bytes():
        raise ImportFileError(
            _("The file is too large (%(size)s MB): import files are limited to %(max)s MB.")
            % {"size": round(size / 1024 / 1024, 1), "max": settings.MEUTE_IMPORT_MAX_MB}
        )


def read_table(source, filename: str = "") -> Table:
    """Read a CSV, .xlsx or JSON file (path, bytes or binary file object) into headers and rows."""
    if isinstance(source, str | Path):
        filename = filename or str(source)
        try:
            check_size(Path(source).stat().st_size)
            data = Path(source).read_bytes()
        except OSError as exc:
            raise ImportFileError(
                _("Cannot read the file %(name)s: %(reason)s") % {"name": source, "reason": exc.strerror}
            ) from exc
    elif isinstance(source, bytes):
        data = source
    else:
        filename = filename or getattr(source, "name", "") or ""
        size = getattr(source, "size", None)
        if size is not None:
            check_size(size)
        data = source.read(max_import_bytes() + 1)
    check_size(len(data))
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
    rows = [
        (index, [exports.restore(cell.strip()) for cell in record])  # the csv module's cells are strings
        for index, record in enumerate(records[1:], start=2)
    ]
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


def _check_zip(data: bytes) -> None:
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError(
            _("This file is not a valid Excel workbook (.xlsx): use a CSV or .xlsx file.")
        ) from exc
    if unpacked > XLSX_MAX_EXPANSION * max_import_bytes():
        raise ImportFileError(
            _("This workbook unpacks to %(size)s MB, more than an import file may hold: save it as CSV.")
            % {"size": round(unpacked / 1024 / 1024)}
        )


def _read_xlsx(data: bytes) -> Table:
    """The first worksheet, streamed (openpyxl's read-only mode): memory follows the cells, not the file."""
    from openpyxl import load_workbook

    _check_zip(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on foreign zip files
        raise ImportFileError(
            _("This file is not a valid Excel workbook (.xlsx): use a CSV or .xlsx file.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True, max_col=XLSX_MAX_COLUMNS)
        headers = None
        rows = []
        empty_run = 0
        for index, values in enumerate(rows_iter, start=1):
            cells = [_cell_text(v) for v in values]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                empty_run += 1
                if empty_run >= XLSX_MAX_EMPTY_RUN:
                    break
                continue
            empty_run = 0
            if headers is None:
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
    except RecursionError as exc:
        raise ImportFileError(
            _("This JSON file is nested too deeply: an import file holds a list of flat objects.")
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
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(v, dict | list) for v in value)
            ):
                raise ImportFileError(
                    _(
                        "Record %(number)s, field “%(field)s”: nested objects cannot be imported; "
                        "give plain values (a list of plain values is accepted)."
                    )
                    % {"number": index - 1, "field": key}
                )
            if isinstance(value, list):
                cells.append(", ".join(_cell_text(v) for v in value))
            else:
                cells.append(_cell_text(value))
        rows.append((index, cells))
    return Table(headers, rows, "json")
