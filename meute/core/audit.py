"""Which business records are audited (who, when, before/after) through django-auditlog.

Bulk writes (imports, demo data) bypass model signals, so they call ``log_bulk_create`` to keep the trail.
"""

import json
from json.encoder import encode_basestring_ascii

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from meute.lib.bulk import connection_for, single_value, write_columns

from .models import Organization, Person, ProductLine, Sector, Tag, Territory

auditlog.register(
    Organization, m2m_fields={"tags", "markets", "geographies", "offerings"}, exclude_fields=["search_text"]
)
auditlog.register(Person, exclude_fields=["search_text"])
for reference_model in (Territory, ProductLine, Sector, Tag):
    auditlog.register(reference_model)


def history_for(obj) -> models.QuerySet:
    """Audit entries of one record, newest first, with their actors loaded in the same query."""
    content_type = ContentType.objects.get_for_model(obj.__class__)
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


# Empty values of these types (and None) are left out of a creation entry; 0, False and Decimal 0 are kept.
_dropped_when_empty = frozenset({str, list, dict})
_TEXT_FIELDS = (models.CharField, models.TextField)  # their values are strings (checked as they are encoded)
_EXCLUDED = frozenset({"search_text", "id", "created_at", "updated_at"})
LOG_COLUMNS = [
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "timestamp",
]


def _kept(value) -> bool:
    return bool(value) or (value is not None and value.__class__ not in _dropped_when_empty)


def _changes_fragments(name: str, column: list, str_column: bool) -> list[str]:
    """``"name": ["None", "<value>"]`` for each row whose value is kept, "" for the others."""
    prefix = json.dumps(name) + ': ["None", '
    encode = encode_basestring_ascii
    if single_value(column):
        first = column[0]
        fragment = prefix + encode(str(first)) + "]" if _kept(first) else ""
        return [fragment] * len(column)
    if str_column:
        try:
            return [prefix + encode(v) + "]" if v else "" for v in column]
        except TypeError:
            pass  # not only strings after all
    return [prefix + encode(v if v.__class__ is str else str(v)) + "]" if _kept(v) else "" for v in column]


def creation_changes(model, columns: dict[str, list], exclude=()) -> list[str]:
    """The ``changes`` JSON of the CREATE entries of new rows given column by column (by attname): every
    audited field with a value, as ``{"field": ["None", "<value as text>"]}``; ``exclude`` leaves fields
    out (e.g. a large snapshot another table already holds).

    The text is what ``json.dumps`` writes for that dict; it is assembled one column at a time, which at
    import sizes costs a fraction of building and serialising one dict per row.
    """
    fragments = [
        _changes_fragments(field.name, columns[field.attname], isinstance(field, _TEXT_FIELDS))
        for field in model._meta.concrete_fields
        if field.name not in _EXCLUDED and field.name not in exclude and columns.get(field.attname)
    ]
    if not fragments:
        return []
    return ["{" + ", ".join(filter(None, row)) + "}" for row in zip(*fragments, strict=True)]


def creation_log_columns(
    model, columns: dict[str, list], reprs: list[str], actor=None, *, now=None, exclude=()
) -> list[list]:
    """Column lists (in ``LOG_COLUMNS`` order) of one CREATE entry per new row of ``model``; ``columns``
    holds the rows' values by attname, their primary keys included."""
    pks = columns[model._meta.pk.attname]
    count = len(pks)
    connection = connection_for(LogEntry)
    timestamp = LogEntry._meta.get_field("timestamp").get_db_prep_save(now or timezone.now(), connection)
    content_type_id = ContentType.objects.get_for_model(model).pk
    return [
        [content_type_id] * count,
        [str(pk) for pk in pks],
        list(pks),
        [text[:200] for text in reprs],
        [LogEntry.Action.CREATE] * count,
        [""] * count,
        creation_changes(model, columns, exclude),
        [getattr(actor, "pk", None)] * count,
        [timestamp] * count,
    ]


def write_log_columns(log_columns: list[list]) -> None:
    """Insert the entries given by ``creation_log_columns``."""
    write_columns(LogEntry, LOG_COLUMNS, log_columns)


def log_bulk_create(objects, actor=None, exclude=()) -> None:
    """Write one CREATE entry per object inserted in bulk (bulk inserts send no signals).

    Entries are built as rows, column by column, rather than as ``LogEntry`` instances: at import sizes,
    instantiating and compiling 100,000 entries cost more than the import itself.
    """
    if not objects:
        return
    model = objects[0].__class__
    attnames = [f.attname for f in model._meta.concrete_fields]
    dicts = [obj.__dict__ for obj in objects]
    columns = {name: [values.get(name) for values in dicts] for name in attnames}
    columns[model._meta.pk.attname] = [obj.pk for obj in objects]
    reprs = [str(obj) for obj in objects]
    write_log_columns(creation_log_columns(model, columns, reprs, actor, exclude=exclude))
