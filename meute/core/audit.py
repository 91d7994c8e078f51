"""Which business records are audited (who, when, before/after) through django-auditlog.

Bulk writes (imports, demo data) bypass model signals, so they call ``log_bulk_create`` to keep the trail.
"""

import json

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from meute.lib.bulk import connection_for, write_rows

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


def log_bulk_create(objects, actor=None, exclude=()) -> None:
    """Write one CREATE entry per object inserted in bulk (bulk inserts send no signals).

    Rows are built directly rather than as ``LogEntry`` instances: at import sizes, instantiating and
    compiling 100,000 entries cost more than the import itself. ``exclude`` leaves fields out of the entries
    (a large snapshot the record itself keeps unchanged, for instance).
    """
    if not objects:
        return
    model = objects[0].__class__
    content_type = ContentType.objects.get_for_model(model)
    connection = connection_for(LogEntry)
    excluded = {"search_text", "id", "created_at", "updated_at", *exclude}
    attnames = [(f.name, f.attname) for f in model._meta.concrete_fields if f.name not in excluded]
    timestamp = LogEntry._meta.get_field("timestamp").get_db_prep_save(timezone.now(), connection)
    actor_id = getattr(actor, "pk", None)
    content_type_id, create = content_type.pk, LogEntry.Action.CREATE
    dropped_when_empty = _dropped_when_empty
    # The changes go as JSON text, which both databases' JSON columns accept: serialising here with the
    # standard library's C encoder is several times faster than adapting 100,000 Python objects.
    dumps = json.dumps
    rows = []
    for obj in objects:
        values = obj.__dict__
        changes = {
            name: ["None", str(value)]
            for name, attname in attnames
            if (value := values.get(attname))
            or (value is not None and value.__class__ not in dropped_when_empty)
        }
        pk = obj.pk
        rows.append(
            (content_type_id, str(pk), pk, str(obj)[:200], create, "", dumps(changes), actor_id, timestamp)
        )
    columns = [
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
    write_rows(LogEntry, columns, rows)
