"""On PostgreSQL, a trigram GIN index serves the directory's ``search_text LIKE '%word%'`` filter.

SQLite has no such index type; there the search scans the single folded column, which stays fast enough
at the sizes the benchmarks cover.
"""

from django.db import migrations


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS organization_search_trgm_idx "
        "ON core_organization USING gin (search_text gin_trgm_ops)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_trgm_idx ON core_person USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS organization_search_trgm_idx")
    schema_editor.execute("DROP INDEX IF EXISTS person_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_index, drop_index)]
