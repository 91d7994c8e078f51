"""Fast inserts for large batches: imports, demo data and their audit entries.

``bulk_create`` runs Django's SQL compiler on every value of every row; at 100,000 rows that per-value work
is most of an import's time. These helpers prepare each field's value once per row (or once per batch for
timestamps) and send each batch with ``executemany`` on SQLite, through ``COPY`` on PostgreSQL. Table and
column names come from the models and are quoted; values are query parameters, or COPY text fields escaped
here (``copy_field``).

Column-wise helpers (``fill_columns``, ``db_columns``, ``copy_text``, ``insert_columns``) take a batch as one
list per column rather than one object per row: each column is then converted with one list comprehension
(or once for the whole column when it holds a single value), which is what makes a 100,000-row import cheap.
"""

import contextlib
import gc
import json
import os
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
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


# --------------------------------------------------------------------------------------------------
# PostgreSQL COPY, text format
# --------------------------------------------------------------------------------------------------


def copy_escape(text: str) -> str:
    """``text`` as a COPY text field: backslash, tab, newline and carriage return escaped."""
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def copy_field(value) -> str:
    """One value as a COPY text field: None is NULL (``\\N``), booleans ``t``/``f``, anything else its
    ``str()`` (int, Decimal, UUID, date and datetime print as PostgreSQL reads them), escaped when needed.
    JSON columns take their JSON text."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = value if value.__class__ is str else str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return copy_escape(text)
    return text


def _has_copy_specials(texts: Sequence[str]) -> bool:
    blob = "\x00".join(texts)  # one scan of the column instead of four tests per value
    return "\\" in blob or "\t" in blob or "\n" in blob or "\r" in blob


def single_value(values: Sequence) -> bool:
    """Whether a non-empty column holds one value throughout: the same object in every row, or equal
    plain strings (equal Decimals or datetimes may still print differently, so they must be the same)."""
    first = values[0]
    if values.count(first) != len(values):
        return False
    if first.__class__ is str:
        return all(v.__class__ is str for v in values)
    return all(v is first for v in values)


def copy_column(values: Sequence) -> list[str]:
    """A column of values as COPY text fields (see ``copy_field``)."""
    if not values:
        return []
    first = values[0]
    if single_value(values):
        return [copy_field(first)] * len(values)  # one value throughout (timestamps, defaults)
    if None in values or first.__class__ is bool:
        texts = [v if v.__class__ is str else copy_field(v) for v in values]
    else:
        texts = list(map(str, values))  # str() of a string is itself
    if _has_copy_specials(texts):
        texts = [copy_field(v) for v in values]
    return texts


def copy_text(columns: Sequence[Sequence]) -> str:
    """Rows given column by column (equal lengths) as the text a ``COPY ... FROM STDIN`` reads."""
    texts = [copy_column(column) for column in columns]
    if not texts or not texts[0]:
        return ""
    return "\n".join(map("\t".join, zip(*texts, strict=True))) + "\n"


def copy_rows_text(rows: Iterable[Sequence], width: int) -> str:
    """Rows (``width`` values each) as COPY text: each line is joined directly and only a line holding a
    character to escape is formatted again value by value."""
    tabs = width - 1
    lines = []
    for row in rows:
        line = "\t".join([v if v.__class__ is str else copy_field(v) for v in row])
        if line.count("\t") != tabs or "\\" in line or "\n" in line or "\r" in line:
            line = "\t".join([copy_field(v) for v in row])
        lines.append(line)
    if not lines:
        return ""
    lines.append("")
    return "\n".join(lines)


def _copy_sql(model, columns: Sequence[str], connection) -> str:
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(column) for column in columns)
    return f"COPY {quote(model._meta.db_table)} ({column_list}) FROM STDIN"


def copy_from_text(model, columns: Sequence[str], data: str | Iterable[str]) -> None:
    """COPY text (one string, or an iterable of strings each made of whole lines) into ``model``'s table."""
    connection = connection_for(model)
    if isinstance(data, str):
        data = [data]
    with connection.cursor() as cursor, cursor.cursor.copy(_copy_sql(model, columns, connection)) as copy:
        for text in data:
            if text:
                copy.write(text)


@contextmanager
def copy_stream(model, columns: Sequence[str]):
    """Open one COPY into ``model``'s table (PostgreSQL) and yield ``write(text)`` for lines of COPY text.

    ``write`` returns at once: a psycopg worker thread sends the text while the caller prepares the next
    lines, so the server inserts rows while Python is still checking the following ones. The connection
    can run nothing else until the block ends; the server's errors (a unique index refusing a row) are
    raised when it ends, and an exception inside the block cancels the COPY. Either way the transaction is
    then unusable until rolled back (run it inside ``transaction.atomic()``).
    """
    from psycopg.copy import QueuedLibpqWriter

    connection = connection_for(model)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(_copy_sql(model, columns, connection), writer=QueuedLibpqWriter(raw)) as copy:
            yield copy.write


def write_rows(model, columns: Sequence[str], rows: Sequence[Sequence]) -> None:
    """Insert prepared rows: on PostgreSQL as one COPY of text lines formatted here (several times faster
    than adapting each value), elsewhere through ``insert_rows``. Values as ``copy_field`` takes them."""
    if not rows:
        return
    if connection_for(model).vendor != "postgresql":
        insert_rows(model, columns, rows)
        return
    copy_from_text(model, columns, copy_rows_text(rows, len(columns)))


def write_row_chunks(model, columns: Sequence[str], row_chunks: Iterable[Sequence[Sequence]]) -> None:
    """``write_rows`` for rows produced chunk by chunk (an iterable of row lists, e.g. a generator).

    On PostgreSQL every chunk goes into one open COPY (``copy_stream``) as soon as it is formatted, so the
    server stores one chunk while the caller builds the next. The chunks must not query the database
    meanwhile: the connection is busy with the COPY until the last one is written."""
    if connection_for(model).vendor != "postgresql":
        for rows in row_chunks:
            insert_rows(model, columns, rows)
        return
    width = len(columns)
    with copy_stream(model, columns) as write:
        for rows in row_chunks:
            text = copy_rows_text(rows, width)
            if text:
                write(text)


def write_columns(model, columns: Sequence[str], values: Sequence[list]) -> None:
    """Insert rows given column by column (one list per column, values as ``copy_field`` takes them):
    one COPY on PostgreSQL, ``insert_rows`` elsewhere."""
    if not values or not values[0]:
        return
    if connection_for(model).vendor == "postgresql":
        copy_from_text(model, columns, copy_text(values))
    else:
        insert_rows(model, columns, zip(*values, strict=True))


# --------------------------------------------------------------------------------------------------
# New rows given column by column
# --------------------------------------------------------------------------------------------------

_UUID_VERSION_4 = bytes((b & 0x0F) | 0x40 for b in range(256))
_UUID_VARIANT_RFC = bytes((b & 0x3F) | 0x80 for b in range(256))


def uuid4_texts(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs in their canonical text form, from one read of the OS's random
    source: the same values as ``str(uuid.uuid4())``, several times cheaper for a large batch."""
    raw = bytearray(os.urandom(16 * count))
    raw[6::16] = bytes(raw[6::16]).translate(_UUID_VERSION_4)
    raw[8::16] = bytes(raw[8::16]).translate(_UUID_VARIANT_RFC)
    h = raw.hex()
    return [
        f"{h[i : i + 8]}-{h[i + 8 : i + 12]}-{h[i + 12 : i + 16]}-{h[i + 16 : i + 20]}-{h[i + 20 : i + 32]}"
        for i in range(0, 32 * count, 32)
    ]


def fill_columns(model, count: int, values: dict[str, list], ids: Sequence[int], now) -> dict[str, list]:
    """Every concrete column (by attname) of ``count`` new rows of ``model``.

    ``values`` maps attnames to lists of Python values, where None stands for "not given": it becomes the
    field's default, as the model's constructor would set it. Columns not given take their default; the
    primary key takes ``ids``; ``auto_now``/``auto_now_add`` timestamps take ``now``; random UUID defaults
    are drawn with ``uuid4_texts`` (their text form, which both databases and the audit trail take).
    """
    filled = {}
    for field in model._meta.concrete_fields:
        name = field.attname
        if field.primary_key:
            filled[name] = list(ids)
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            filled[name] = [now] * count
            continue
        column = values.get(name)
        if field.has_default() and field.default is uuid.uuid4:
            if column is None:
                filled[name] = uuid4_texts(count)
            else:
                fresh = iter(uuid4_texts(column.count(None)))
                filled[name] = [next(fresh) if v is None else v for v in column]
            continue
        # One default object per batch, shared by the rows that take it (an empty list, "FR"…): these
        # values are only read to be written, never modified.
        default = field.get_default()
        if column is None:
            filled[name] = [default] * count
        elif default is not None and None in column:
            filled[name] = [default if v is None else v for v in column]
        else:
            filled[name] = list(column)
    return filled


def _same_object_memo(convert: Callable) -> Callable:
    """``convert`` applied once per distinct object (by identity) of a column: imports share the value
    objects of cells that repeat, such as one list of company sizes per distinct cell."""
    cache = {}

    def converted(value):
        key = id(value)
        try:
            return cache[key][1]
        except KeyError:
            result = convert(value)
            cache[key] = (value, result)  # keeps ``value`` alive, so its id stays its own
            return result

    return converted


def db_columns(model, filled: dict[str, list], connection) -> tuple[list[str], list[list]]:
    """The column names and values (as the database driver takes them) of rows given by ``fill_columns``."""
    names, columns = [], []
    for field in model._meta.concrete_fields:
        column = filled[field.attname]
        if isinstance(field, models.UUIDField):
            if not connection.features.has_native_uuid_field:
                column = [
                    v if v is None else (v.hex if isinstance(v, uuid.UUID) else v.replace("-", ""))
                    for v in column
                ]
        elif isinstance(field, models.JSONField) and field.encoder is None:
            dumps = _same_object_memo(json.dumps)
            column = [None if v is None else dumps(v) for v in column]
        elif type(field) in _PLAIN_FIELDS or isinstance(field, models.DecimalField):
            pass
        elif column and single_value(column):
            column = [field.get_db_prep_save(column[0], connection)] * len(column)
        else:
            column = [field.get_db_prep_save(v, connection) for v in column]
        names.append(field.column)
        columns.append(column)
    return names, columns


def insert_columns(model, filled: dict[str, list]) -> None:
    """Insert rows given by ``fill_columns`` (their primary keys included)."""
    names, columns = db_columns(model, filled, connection_for(model))
    write_columns(model, names, columns)


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


@contextlib.contextmanager
def indexes_built_after(model, *, maintenance_memory="256MB"):
    """Load ``model``'s table without its secondary indexes, then build them again in one pass each.

    On PostgreSQL, inserting millions of rows into a table with several B-tree indexes updates every index
    row by row, in random places; building an index from a sorted pass over the loaded table costs a
    fraction of that. The unique constraints and the plain (non-partial) secondary indexes are dropped on
    entry and created again, with their names and definitions, when the block ends, inside the caller's
    transaction: a duplicate loaded meanwhile fails the rebuild and rolls everything back. Dropping takes
    an exclusive lock on the table until the transaction ends, so that nobody reads it half-indexed:
    callers use this only for loads that dwarf what the table already holds. Elsewhere it does nothing.
    """
    connection = connection_for(model)
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'u' ORDER BY conname",
            [model._meta.db_table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND x.indpred IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "ORDER BY i.relname",
            [model._meta.db_table],
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [maintenance_memory])
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in constraints:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


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
