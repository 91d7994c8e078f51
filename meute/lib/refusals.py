"""A workflow's refusal of a valid request, with what the caller needs to act on it.

``Refusal`` is a ``ValidationError`` (pages show its message like any other) that carries a machine-readable
``code`` and ``details`` (for a grouping's move up: the criteria still unmet). The API answers it with 409 in
the one error format, ``{"error": {"code", "message", "fields": {}, "details": {...}}}``, wherever it is
raised (``meute.lib.api_errors``).
"""

from django.core.exceptions import ValidationError


class Refusal(ValidationError):
    def __init__(self, message, code: str, details: dict | None = None):
        super().__init__(message, code=code)
        self.details = details or {}
