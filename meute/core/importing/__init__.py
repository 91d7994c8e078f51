"""Importing organisations and people from CSV, Excel (.xlsx) or JSON files: all rows or nothing.

The engine reads the file (``tables``), maps the column headers (English field names or French aliases) and
converts every cell (``checks``, ``cells``), validates every row without writing anything, and reports
every error with its line number and column. Only when the whole file is valid is anything kept:
everything is written in one transaction (``meute.lib.bulk``: executemany on SQLite, COPY on PostgreSQL).
The command line, the web UI and background tasks all call ``import_file``; other apps use the same reader
and checker for their own files and add their kinds to ``meute import`` with ``register_kind``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from meute.core.models import Organization, Person
from meute.lib.access import can_create

from .checks import ImportValidationError, LineChecker, RowError, map_columns
from .organizations import OrganizationImport
from .people import validate_people, write_people
from .tables import ImportFileError, Table, read_table

__all__ = [
    "KINDS",
    "ImportFileError",
    "ImportResult",
    "ImportValidationError",
    "LineChecker",
    "RowError",
    "Table",
    "import_file",
    "map_columns",
    "read_table",
    "register_kind",
]

ORGANIZATIONS = "organizations"
PEOPLE = "people"
KINDS = (ORGANIZATIONS, PEOPLE)


@dataclass
class ImportResult:
    kind: str
    created: int
    dry_run: bool = False
    created_references: list = field(default_factory=list)  # "tag: Stratégique", ...


# Kinds of file other apps import through ``meute import KIND FILE`` (e.g. the operator's direct-sales
# accounts of deal registration), added from their AppConfig.ready(): core stays below them.
EXTRA_KINDS: dict[str, Callable] = {}


def register_kind(kind: str, importer: Callable) -> None:
    """``importer(path, *, user, dry_run)`` returns an ImportResult or raises like ``import_file``."""
    EXTRA_KINDS[kind] = importer


def import_file(
    kind: str,
    source,
    *,
    filename: str = "",
    user=None,
    dry_run: bool = False,
    progress: bool = False,
    audit: bool = True,
) -> ImportResult:
    """Import ``source`` as organisations or people: every row is checked first, then all are written.

    ``user`` (optional) is who imports: the audit trail names them, and organisation references of a
    people import are looked up among the organisations they may see. Raises ImportFileError when the
    file cannot be read, ImportValidationError (with every error) when a row is invalid, and
    PermissionDenied when ``user`` may not create such records.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    model = Organization if kind == ORGANIZATIONS else Person
    if user is not None and not can_create(user, model):
        raise PermissionDenied(_("You are not allowed to import these records."))
    table = read_table(source, filename)
    if not any(any(cells) for _line, cells in table.rows):
        raise ImportFileError(_("The file has a header but no data rows."))
    if kind == ORGANIZATIONS:
        job = OrganizationImport(table, progress=progress)
        if dry_run:
            job.check()
            return ImportResult(kind, len(job.rows), dry_run=True, created_references=job.new_references())
        with transaction.atomic():
            created = job.write(actor=user, audit=audit)
        return ImportResult(kind, len(job.rows), created_references=created)
    people = validate_people(table, user=user, progress=progress)
    if dry_run:
        return ImportResult(kind, len(people), dry_run=True)
    with transaction.atomic():
        write_people(people, actor=user, audit=audit, progress=progress)
    return ImportResult(kind, len(people))
