"""Which business records are audited (who, when, before/after) through django-auditlog.

Bulk writes (imports, demo data) bypass model signals, so they call ``log_bulk_create`` to keep the trail.
"""

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models

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


def log_bulk_create(objects, actor=None, batch_size: int = 2000) -> None:
    """Write one CREATE entry per object created by ``bulk_create`` (which sends no signals)."""
    if not objects:
        return
    model = objects[0].__class__
    content_type = ContentType.objects.get_for_model(model)
    excluded = {"search_text", "id", "created_at", "updated_at"}
    fields = [f for f in model._meta.concrete_fields if f.name not in excluded]
    entries = []
    for obj in objects:
        changes = {}
        for field in fields:
            value = field.value_from_object(obj)
            if value in (None, "", [], {}):
                continue
            changes[field.name] = ["None", str(value)]
        entries.append(
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj)[:200],
                action=LogEntry.Action.CREATE,
                changes=changes,
                actor=actor,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=batch_size)
