"""Substring search on a model's folded ``search_text`` column, served by an index on both databases.

``search_text`` holds a lower-case, accent-free copy of what people search for (names, city,
identifiers). A search matches the rows whose ``search_text`` contains every word typed.

- PostgreSQL: ``LIKE '%word%'`` served by the pg_trgm GIN index created by the migrations.
- SQLite: an FTS5 table with the trigram tokenizer mirrors ``search_text`` (kept current by triggers),
  so a word of three letters or more is looked up in the index instead of scanning every row. Shorter
  words, or an SQLite built without FTS5 trigrams, fall back to the LIKE scan.

Django's SQLite schema editor rebuilds a table to alter it, which drops its triggers: the index is
therefore (re)created after every ``migrate`` (``ensure_sqlite_indexes``), and rebuilt when its triggers
were missing.
"""

from contextlib import contextmanager

from django.db import OperationalError, connections
from django.db.models.expressions import RawSQL

# model label → the column searched; the FTS table is "<db_table>_fts".
SEARCHABLE = {"core.Organization": "search_text", "core.Person": "search_text"}
MIN_INDEXED_LENGTH = 3


def fts_table(model) -> str:
    return f"{model._meta.db_table}_fts"


def _fts_ready(connection, model) -> bool:
    cache = connection.__dict__.setdefault("_meute_fts_ready", {})
    table = fts_table(model)
    if table not in cache:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [table])
            cache[table] = cursor.fetchone() is not None
    return cache[table]


def search_words(queryset, words: list[str]):
    """Filter ``queryset`` to rows whose ``search_text`` contains every one of ``words`` (already folded)."""
    connection = connections[queryset.db]
    indexed = [w for w in words if len(w) >= MIN_INDEXED_LENGTH]
    if connection.vendor == "sqlite" and indexed and _fts_ready(connection, queryset.model):
        table = fts_table(queryset.model)
        match = " AND ".join('"{}"'.format(w.replace('"', '""')) for w in indexed)
        # The FTS table's name is ours, not user input; the search words are a query parameter.
        rowids = RawSQL(f"SELECT rowid FROM {table} WHERE {table} MATCH %s", [match])  # noqa: S611
        queryset = queryset.filter(pk__in=rowids)
        words = [w for w in words if len(w) < MIN_INDEXED_LENGTH]
    for word in words:
        queryset = queryset.filter(search_text__contains=word)
    return queryset


def _insert_trigger_sql(model) -> str:
    table, source = fts_table(model), model._meta.db_table
    column, pk = SEARCHABLE[model._meta.label], model._meta.pk.column
    return (
        f"CREATE TRIGGER IF NOT EXISTS {table}_ai AFTER INSERT ON {source} BEGIN "
        f"INSERT INTO {table}(rowid, {column}) VALUES (new.{pk}, new.{column}); END"
    )


@contextmanager
def bulk_insert_mode(model, connection, first_pk: int, last_pk: int):
    """Index rows ``first_pk..last_pk`` inserted in the block in one statement, not row by row.

    Indexing 100,000 rows through the per-row trigger costs several times one set-based INSERT. The
    trigger is dropped and re-created inside the caller's transaction: SQLite's DDL is transactional and
    the write lock keeps other connections out meanwhile, so nobody sees the index without its trigger.
    """
    if (
        connection.vendor != "sqlite"
        or model._meta.label not in SEARCHABLE
        or not _fts_ready(connection, model)
    ):
        yield
        return
    table, source = fts_table(model), model._meta.db_table
    column, pk = SEARCHABLE[model._meta.label], model._meta.pk.column
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_ai")
        try:
            yield
            cursor.execute(
                f"INSERT INTO {table}(rowid, {column}) SELECT {pk}, {column} FROM {source} "
                f"WHERE {pk} BETWEEN %s AND %s",
                [first_pk, last_pk],
            )
        finally:
            cursor.execute(_insert_trigger_sql(model))


def ensure_sqlite_indexes(using: str = "default", **kwargs) -> None:
    """Create the FTS5 mirrors and their triggers when missing (post_migrate), rebuilding their content."""
    from django.apps import apps

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    for label, column in SEARCHABLE.items():
        model = apps.get_model(label)
        source, table = model._meta.db_table, fts_table(model)
        pk = model._meta.pk.column
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
                [source, f"{table}_%"],
            )
            if len(cursor.fetchall()) == 3:
                continue
            try:
                cursor.execute(
                    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5("
                    f"{column}, content='{source}', content_rowid='{pk}', tokenize='trigram')"
                )
            except OperationalError:
                return  # no FTS5 trigram tokenizer in this SQLite: searches scan with LIKE
            cursor.execute(_insert_trigger_sql(model))
            forget_old = (
                f"INSERT INTO {table}({table}, rowid, {column}) VALUES ('delete', old.{pk}, old.{column});"
            )
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_ad AFTER DELETE ON {source} BEGIN {forget_old} END"
            )
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_au AFTER UPDATE OF {column} ON {source} BEGIN "
                f"{forget_old} INSERT INTO {table}(rowid, {column}) VALUES (new.{pk}, new.{column}); END"
            )
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        connection.__dict__.pop("_meute_fts_ready", None)
