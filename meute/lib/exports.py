"""Lists as CSV or Excel files: the rows a page or an API list shows, with the filters it was given.

Pages name their columns (``FilteredListMixin.export_fields``); values are written for a spreadsheet:
choice labels and related objects by name, Yes/No, dates as dates, amounts as numbers. Headers are in the
reader's language. Rows are those of the list's queryset, so a partner exports only what it may see.
"""

import csv
import datetime
import io
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


def table_response(file_format: str, filename: str, headers: list, rows) -> HttpResponse:
    """An attachment holding ``headers`` then ``rows`` (iterables of cells) as CSV or .xlsx."""
    if file_format == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(title=filename[:31])
        sheet.append(headers)
        for row in rows:
            sheet.append(list(row))  # identifiers (SIREN, phone) are text already: no lost leading zero
        buffer = io.BytesIO()
        workbook.save(buffer)
        content = buffer.getvalue()
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_text(v) for v in row])
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
