"""Lists as CSV or Excel files: the rows a page or an API list shows, with the filters it was given.

Pages name their columns (``FilteredListMixin.export_fields``); values are written for a spreadsheet:
choice labels and related objects by name, Yes/No, dates as dates, amounts as numbers. Headers are in the
reader's language. Rows are those of the list's queryset, so a partner exports only what it may see.

Every CSV and .xlsx file Meute writes goes through ``write_csv`` and ``write_xlsx``: what a partner typed
("=HYPERLINK(…)", "@SUM(…)", "+cmd|…") must never reach a spreadsheet as a live formula (OWASP's
CSV-injection advice). A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
written as text: with a leading apostrophe in CSV, as a string cell with Excel's quote prefix in .xlsx (the
value itself unchanged). Numbers stay numbers: a negative amount is not text, and neither is the text of a
plain number such as "-12.50" (the API's decimals), which no spreadsheet reads as a formula.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_ROWS = 100_000


def header(model, name: str) -> str:
    """The column's title: the model field's verbose name, in the reader's language."""
    try:
        return capfirst(str(model._meta.get_field(name.split("__")[0]).verbose_name))
    except FieldDoesNotExist:
        return name


def cell(obj, name: str):
    """The value of ``name`` on ``obj`` as a spreadsheet wants it."""
    for part in name.split("__"):
        if obj is None:
            return ""
        display = getattr(obj, f"get_{part}_display", None)
        obj = display() if callable(display) else getattr(obj, part, None)
        if callable(obj) and not hasattr(obj, "all"):
            obj = obj()
    return plain(obj)


def plain(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, datetime.date | Decimal | int | float):
        return value
    if hasattr(value, "all"):  # a to-many relation
        return ", ".join(str(item) for item in value.all())
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_NUMBERS = (bool, int, float, Decimal, datetime.date)


def is_formula(value) -> bool:
    """Whether a spreadsheet could read ``value`` as a formula (a text cell with a formula's first sign)."""
    if value is None or isinstance(value, _NUMBERS):
        return False
    text = str(value)
    return text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)


def csv_cell(value) -> str:
    """The CSV text of ``value``, a formula-like text behind an apostrophe."""
    text = _text(value)
    return "'" + text if is_formula(value) else text


def restore(text: str) -> str:
    """The value ``csv_cell`` wrote: importing an export gives back what was exported."""
    if text.startswith("'") and is_formula(text[1:]):
        return text[1:]
    return text


def write_csv(stream, headers, rows) -> int:
    """Write ``headers`` then ``rows`` to the text ``stream``; returns the number of rows."""
    # CRLF (RFC 4180): the writer then quotes a field holding a lone carriage return, which with "\n"
    # it would leave bare and every reader would take for the end of the row.
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in headers])
    count = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        count += 1
    return count


def write_xlsx(stream, title: str, headers, rows) -> int:
    """Write a one-sheet workbook to the binary ``stream`` in streaming mode; returns the number of rows.

    Identifiers (SIREN, phone) should be given as text: a number would lose its leading zeros.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.append([_xlsx_cell(sheet, h) for h in headers])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
        count += 1
    workbook.save(stream)
    return count


def _sheet_title(title) -> str:
    return re.sub(r"[\\/*?:\[\]]", "-", str(title))[:31] or "Export"


def _xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if value is None or isinstance(value, _NUMBERS):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))  # control characters: openpyxl refuses them
    if not is_formula(text):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def table_response(file_format: str, filename: str, headers: list, rows) -> HttpResponse:
    """An attachment holding ``headers`` then ``rows`` (iterables of cells) as CSV or .xlsx."""
    if file_format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, filename, headers, rows)
        content = buffer.getvalue()
    else:
        buffer = io.StringIO()
        write_csv(buffer, headers, rows)
        content = "\ufeff" + buffer.getvalue()  # the BOM tells Excel the file is UTF-8
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def _text(value) -> str:
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)
