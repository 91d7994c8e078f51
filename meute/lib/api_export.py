"""``?format=csv`` and ``?format=xlsx`` on every API list: the same rows, filters and access as JSON.

The list is not paginated in these formats (``Pagination`` steps aside, up to ``exports.MAX_ROWS``); the
columns are the serializer's fields, nested values written as text.
"""

import json

from rest_framework.renderers import BaseRenderer

from . import exports


def _flat(value):
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    if isinstance(value, list):
        return ", ".join(str(_flat(v)) for v in value)
    return value


def _table(data) -> tuple[list, list]:
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if isinstance(data, dict):  # an error or a single object
        data = [data]
    rows = list(data or [])
    columns = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns, [[_flat(row.get(column)) for column in columns] for row in rows]


class _TableRenderer(BaseRenderer):
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        columns, rows = _table(data)
        view = (renderer_context or {}).get("view")
        name = str(getattr(view, "basename", None) or "export")
        response = exports.table_response(self.format, name, columns, rows)
        if renderer_context and renderer_context.get("response") is not None:
            renderer_context["response"]["Content-Disposition"] = response["Content-Disposition"]
        return response.content


class CSVRenderer(_TableRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_TableRenderer):
    media_type = exports.CONTENT_TYPES["xlsx"]
    format = "xlsx"


def wants_table(request) -> bool:
    renderer = getattr(request, "accepted_renderer", None)
    return getattr(renderer, "format", None) in exports.FORMATS
