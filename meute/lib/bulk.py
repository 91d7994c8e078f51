"""Fast inserts for large batches: imports, demo data and their audit entries.

``bulk_create`` runs Django's SQL compiler on every value of every row; at 100,000 rows that per-value work
is most of an import's time. These helpers prepare each field's value once per row (or once per batch for
timestamps) and send each batch with ``executemany``. Table and column names come from the models and are
quoted; values are always query parameters.
"""

from collections.abc import Iterable, Sequence

from django.db import connections, models, router
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


def chunks(values: Sequence, size: int = BATCH_SIZE):
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
    # (attname, constant, field): exactly one way of getting each column's value.
    plans = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            for obj in objects:
                setattr(obj, f.attname, now)
            plans.append((None, f.get_db_prep_save(now, connection), None))
        elif type(f) in _PLAIN_FIELDS:
            plans.append((f.attname, None, None))
        else:
            plans.append((None, None, f))

    def row(obj):
        values = obj.__dict__
        out = []
        for attname, constant, field in plans:
            if attname is not None:
                out.append(values.get(attname))
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
    """A fast ``model(**values)`` for many rows: positional construction with precomputed defaults.

    Django's keyword constructor resolves every field by name for every row; its positional path only
    assigns. Unknown names in ``values`` raise ``TypeError`` like the keyword constructor does.
    """
    fields = model._meta.concrete_fields
    names = {f.name: f.attname for f in fields}
    names.update({f.attname: f.attname for f in fields})
    plans = [
        (f.attname, f.get_default if f.has_default() and callable(f.default) else None, f) for f in fields
    ]
    constants = {f.attname: f.get_default() for f in fields if not (f.has_default() and callable(f.default))}

    def build(values: dict):
        by_attname = {}
        for key, value in values.items():
            attname = names.get(key)
            if attname is None:
                raise TypeError(f"{model.__name__} has no field {key!r}")
            if attname != key and hasattr(value, "pk"):
                value = value.pk  # a related object given by field name
            by_attname[attname] = value
        args = []
        for attname, default, _field in plans:
            if attname in by_attname:
                args.append(by_attname[attname])
            elif default is not None:
                args.append(default())
            else:
                args.append(constants[attname])
        return model(*args)

    return build
