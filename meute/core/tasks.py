"""Background tasks of the core app (run in-process unless a Celery broker is configured)."""

from celery import shared_task

from .importing import ImportFileError, ImportValidationError, import_file
from .models import User
from .retention import purge


@shared_task
def import_file_task(kind: str, path: str, user_id: int | None = None, dry_run: bool = False) -> dict:
    """Import a file saved on shared storage; return a summary the UI can show (errors by line)."""
    user = User.objects.filter(pk=user_id).first() if user_id else None
    try:
        result = import_file(kind, path, user=user, dry_run=dry_run)
    except ImportFileError as exc:
        return {"ok": False, "created": 0, "errors": [{"line": None, "column": "", "message": str(exc)}]}
    except ImportValidationError as exc:
        errors = [{"line": e.line, "column": e.column, "message": e.message} for e in exc.errors]
        return {"ok": False, "created": 0, "errors": errors}
    return {"ok": True, "created": result.created, "dry_run": result.dry_run, "errors": []}


@shared_task
def purge_task() -> dict:
    """What the retention settings say is old enough, deleted: {kind: rows}."""
    return {result.name: result.count for result in purge()}
