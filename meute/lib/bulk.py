"""Fast inserts for large batches: imports, demo data and their audit entries.

``bulk_create`` runs Django's SQL compiler on every value of every row; at 100,000 rows that per-value work
is most of an import's time. These helpers prepare each field's value once per row (or once per batch for
timestamps) and send each batch with ``executemany``. Table and column names come from the models and are
quoted; values are always query parameters.
"""

import gc
import json
import os
import time
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.db import connections, models, router
from django.db.models.base import ModelState
from django.utils import timezone
from django_countries.fields import CountryField

from .search import bulk_insert_mode

BATCH_SIZE = 2000

# Field types whose Python value (as stored in the instance's __dict__) is what the driver takes.
_PLAIN_FIELDS = (
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.IntegerField,
    models.BigIntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.OneToOneField,
    models.SlugField,
    models.EmailField,
    models.URLField,
    CountryField,  # keeps the plain country code in __dict__; its descriptor builds a Country object
)


def chunks(values: Iterable, size: int = BATCH_SIZE):
    values = values if isinstance(values, Sequence) else list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def connection_for(model):
    return connections[router.db_for_write(model)]


def insert_rows(model, columns: Sequence[str], rows: Iterable[Sequence], batch_size: int = BATCH_SIZE):
    """INSERT already-prepared ``rows`` (one value per column, in order) into ``model``'s table.

    PostgreSQL receives the rows through COPY (one stream instead of one statement per row); SQLite
    through ``executemany`` on one prepared statement.
    """
    rows = list(rows)
    if not rows:
        return
    connection = connection_for(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        for chunk in chunks(rows, batch_size):
            cursor.executemany(sql, chunk)


def reserve_ids(model, count: int) -> range | list[int]:
    """Primary keys for ``count`` new rows of ``model``, taken before inserting them.

    Must run inside the transaction that inserts the rows. PostgreSQL hands out sequence values that no
    concurrent insert can take; SQLite serialises writers (``transaction_mode`` IMMEDIATE holds the write
    lock from the start of the transaction), so the ids after the current maximum stay free until commit.
    """
    connection = connection_for(model)
    table = model._meta.db_table
    pk_column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk_column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(pk_column)}), 0) FROM {quote(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
    return range(start, start + count)


def _fast_converter(field, connection):
    """The database value of a JSON or UUID field without going through the field for every row."""
    if isinstance(field, models.JSONField) and field.encoder is None:
        return json.dumps  # JSON text: what Django sends to SQLite, and what PostgreSQL's COPY parses
    if isinstance(field, models.UUIDField):
        return (
            (lambda value: value) if connection.features.has_native_uuid_field else (lambda value: value.hex)
        )
    return None


def insert_objects(model, objects: Sequence) -> None:
    """Insert unsaved ``objects`` of ``model`` and give them their primary keys."""
    if not objects:
        return
    connection = connection_for(model)
    ids = reserve_ids(model, len(objects))
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    # (attname, convert, constant, field): exactly one way of getting each column's value.
    plans = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                setattr(obj, f.attname, now)
            plans.append((None, None, f.get_db_prep_save(now, connection), None))
        elif type(f) in _PLAIN_FIELDS:
            plans.append((f.attname, None, None, None))
        elif (convert := _fast_converter(f, connection)) is not None:
            plans.append((f.attname, convert, None, None))
        else:
            plans.append((None, None, None, f))

    def row(obj):
        values = obj.__dict__
        out = []
        for attname, convert, constant, field in plans:
            if attname is not None:
                value = values.get(attname)
                out.append(value if convert is None or value is None else convert(value))
            elif field is None:
                out.append(constant)
            else:
                out.append(field.get_db_prep_save(field.pre_save(obj, True), connection))
        return out

    with bulk_insert_mode(model, connection, min(ids), max(ids)):
        insert_rows(model, [f.column for f in fields], (row(obj) for obj in objects))
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def existing_values(model, field_name: str, values: Iterable) -> set:
    """Which of ``values`` are already in ``model.<field_name>`` (non-empty), without one query per value.

    PostgreSQL takes all of them as one array parameter; SQLite takes them by chunks of an IN list.
    The explicit "<> ''" lets PostgreSQL use the partial unique indexes of optional identifiers.
    """
    values = list(values)
    if not values:
        return set()
    connection = connection_for(model)
    field = model._meta.get_field(field_name)
    values = [field.get_db_prep_value(value, connection) for value in values]
    quote = connection.ops.quote_name
    column, table = quote(field.column), quote(model._meta.db_table)
    not_blank = f" AND {column} <> ''" if isinstance(field, models.CharField) else ""
    found = set()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} = ANY(%s){not_blank}", [values])  # noqa: S608
            found.update(row[0] for row in cursor.fetchall())
        else:
            for chunk in chunks(values):
                placeholders = ", ".join(["%s"] * len(chunk))
                sql = f"SELECT {column} FROM {table} WHERE {column} IN ({placeholders}){not_blank}"  # noqa: S608
                cursor.execute(sql, chunk)
                found.update(row[0] for row in cursor.fetchall())
    return {field.to_python(value) for value in found}


def instance_builder(model):
    """A fast ``model(**values)`` for many rows of an import.

    Django's constructor resolves and assigns every field through its descriptor for every row; here the
    defaults are computed once and each row's values land in the instance's ``__dict__`` in one update,
    which is what the constructor ends up storing. (No model of Meute listens to pre_init/post_init.)
    Unknown names in ``values`` raise ``TypeError`` like the constructor does.
    """
    fields = model._meta.concrete_fields
    names = {f.name: f.attname for f in fields}
    names.update({f.attname: f.attname for f in fields})
    callable_defaults = [
        (f.attname, f.get_default) for f in fields if f.has_default() and callable(f.default)
    ]
    constants = {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}
    new = model.__new__

    def build(values: dict):
        data = dict(constants)
        for attname, default in callable_defaults:
            if attname not in values:
                data[attname] = default()
        for key, value in values.items():
            attname = names.get(key)
            if attname is None:
                raise TypeError(f"{model.__name__} has no field {key!r}")
            if attname != key and hasattr(value, "pk"):
                value = value.pk  # a related object given by field name
            data[attname] = value
        obj = new(model)
        obj._state = ModelState()
        obj.__dict__.update(data)
        return obj

    return build


_UUID7_CLEAR = ~((0xF << 76) | (0x3 << 62))
_UUID7_SET = (0x7 << 76) | (0x2 << 62)


def new_uuid_texts(count: int) -> list[str]:
    """``count`` time-ordered UUIDs (version 7: milliseconds, then 74 random bits) as 32 hex digits.

    Time-ordered identifiers land at the end of the unique index instead of on random pages, which keeps
    inserting millions of rows fast; the random part (from the OS, read once per batch) keeps them
    unguessable. 32 hex digits is the form both PostgreSQL and Django on SQLite take.
    """
    stamp = (time.time_ns() // 1_000_000) << 80
    noise = os.urandom(10 * count)
    from_bytes = int.from_bytes
    return [
        f"{(stamp | from_bytes(noise[i : i + 10], 'big')) & _UUID7_CLEAR | _UUID7_SET:032x}"
        for i in range(0, 10 * count, 10)
    ]


def _copy_field(value) -> str:
    if value is None:
        return "\\N"
    text = value if isinstance(value, str) else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def write_rows(model, columns, rows) -> None:
    """Insert prepared rows: on PostgreSQL as one COPY stream of text lines (formatted here, which is several
    times faster than adapting each value), elsewhere through ``meute.lib.bulk.insert_rows``."""
    if not rows:
        return
    connection = connection_for(model)
    if connection.vendor != "postgresql":
        insert_rows(model, columns, rows)
        return
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    tabs = len(columns) - 1
    lines = []
    for row in rows:
        line = "\t".join([v if v.__class__ is str else ("\\N" if v is None else str(v)) for v in row])
        if line.count("\t") != tabs or "\\" in line or "\n" in line or "\r" in line:
            line = "\t".join([_copy_field(v) for v in row])  # a value that needs escaping
        lines.append(line)
    lines.append("")
    data = "\n".join(lines)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({column_list}) FROM STDIN") as copy,
    ):
        copy.write(data)


@contextmanager
def cyclic_gc_paused():
    """Pause Python's cyclic garbage collector around batch work.

    A batch that keeps hundreds of thousands of small objects alive (model instances, evaluation results,
    JSON snapshots) spends more time in the collector, scanning them again at each collection, than in
    its own work: two to three times as long for the tier evaluation of 100,000 partners. Reference
    counting still frees everything at once; reference cycles made meanwhile wait for the next collection.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
