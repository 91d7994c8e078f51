"""A workflow's refusal of a valid request, with what the caller needs to act on it.

``Refusal`` is a ``ValidationError`` (pages show its message like any other) that carries a machine-readable
``code`` and ``details`` (for a grouping's move up: the criteria still unmet; for a record that moved on: the
state it is in and the states the action needs). The API answers it with 409 in the one error format,
``{"error": {"code", "message", "fields": {}, "details": {...}}}``, wherever it is raised
(``meute.lib.api_errors``), also when an API view raises its own 400 *from* it.

Invalid input (a missing reason, a negative amount) stays a plain ``ValidationError``: 400 with the fields.
A refusal is about the data as it stands: the same request may succeed once the record or the figures change.

Each app declares the codes its workflows use (``declare``); the API schema lists them under the error's
``code`` (``meute.lib.api_schema``), so a client can rely on them.
"""

from django.core.exceptions import ValidationError

# code → what it means, in English for the API schema; filled by the workflow modules as they are imported.
CODES: dict[str, str] = {}


def declare(code: str, meaning: str) -> str:
    """Record ``code`` as one the API may answer with 409; returns the code, for a module constant."""
    CODES.setdefault(code, meaning)
    return code


class Refusal(ValidationError):
    """``message`` may be a dict (field → message) when a page should show the refusal on a field: the API
    answers it under ``fields`` of the same 409."""

    def __init__(self, message, code: str, details: dict | None = None):
        super().__init__(message, code=code)
        self.code = code
        self.details = details or {}


def wrong_state(message, current, allowed, code: str = "wrong_status", **details) -> Refusal:
    """The record is in ``current``; the action needs one of ``allowed``."""
    allowed = [allowed] if isinstance(allowed, str) else list(allowed)
    return Refusal(
        message,
        code=code,
        details={"current": str(current), "allowed": [str(value) for value in allowed], **details},
    )


def refusal_behind(exc: BaseException) -> Refusal | None:
    """The refusal an API view turned into another error (``raise … from refusal``), if any."""
    cause = exc.__cause__
    return cause if isinstance(cause, Refusal) else None


declare("wrong_status", "The record's state does not allow this action (`details.current`, `allowed`).")
