"""The OpenAPI schema documents the API's one error format on every operation.

A postprocessing hook of drf-spectacular: every operation gets the answers any request may receive —
400 (invalid data or query), 401 (no or bad token), 403 (not allowed), 404 (not found or not visible to
you), 429 (rate limited or locked out) — and every write 409 (refused by the current data), 413 (too
large) and 415 (a body type it does not read), all with the ``Error`` body, unless the operation documents
its own. The error's ``code`` lists the codes a 409 may carry (``meute.lib.refusals.CODES``, declared by
the workflows the API imports).
"""

from drf_spectacular.openapi import AutoSchema as _AutoSchema
from rest_framework import serializers

from .refusals import CODES

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {}},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

DESCRIPTIONS = {
    "400": "Invalid data or query parameters.",
    "401": "No token, or a bad or expired one.",
    "403": "Not allowed for your role or organisation.",
    "404": "Not found, or not visible to you.",
    "409": "Refused by the current data (e.g. a referenced record, a record that moved on).",
    "413": "The request body is too large.",
    "415": "The request body's content type is not accepted.",
    "429": "Too many requests (rate limit or login lock-out): try again later.",
}
READ_ERRORS = ("400", "401", "403", "404", "429")
WRITE_ERRORS = READ_ERRORS + ("409", "413", "415")


def refusal_codes_text() -> str:
    lines = [f"- `{code}`: {CODES[code]}" for code in sorted(CODES)]
    return (
        "Machine-readable: `invalid` (400), `field_not_writable` (403), `protected` (409), or one of the "
        "workflow refusals (409, with `details` where they say more):\n\n" + "\n".join(lines)
    )


def document_errors(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", ERROR_SCHEMA)
    body = schemas.get("ErrorBody") or schemas["Error"]["properties"]["error"]
    code = body.setdefault("properties", {}).setdefault("code", {"type": "string"})
    code["description"] = refusal_codes_text()
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = READ_ERRORS if method in ("get", "head", "options") else WRITE_ERRORS
            for code in codes:
                content = {"application/json": {"schema": reference}}
                answer = {"description": DESCRIPTIONS[code], "content": content}
                operation["responses"].setdefault(code, answer)
    return result


def may_be_null(field) -> bool:
    """Whether a read-only serializer field can answer null: its source crosses a nullable model field.

    ``SlugRelatedField(read_only=True)`` on a nullable foreign key, or ``CharField(source="tier.name")``
    when the tier is optional, answer null; drf-spectacular cannot know it without ``allow_null``.
    """
    serializer = getattr(field, "parent", None)
    model = getattr(getattr(serializer, "Meta", None), "model", None)
    if model is None or not getattr(field, "source_attrs", None):
        return False
    for attr in field.source_attrs:
        try:
            model_field = model._meta.get_field(attr)
        except Exception:  # a property or a method: nothing to read
            return False
        if model_field.one_to_many or model_field.many_to_many:
            return False  # a list, empty rather than null
        if model_field.null:
            return True
        model = model_field.related_model
        if model is None:
            return False
    return False


class AutoSchema(_AutoSchema):
    """drf-spectacular's schema, with read-only fields that may answer null documented as nullable, and
    optional web addresses that may answer an empty string (not a URI) documented as plain strings."""

    def _map_basic_serializer(self, serializer, direction):
        """Web addresses that may be stored empty lose their ``uri`` format; fields a serializer names in
        ``schema_optional_fields`` may be absent from an answer (a partner user's reduced view of the same
        record), so they are not listed as required."""
        schema = super()._map_basic_serializer(serializer, direction)
        for name, field in serializer.fields.items():
            # Read-only fields do not carry allow_blank: an optional address stored empty answers "".
            blank = isinstance(field, serializers.URLField) and (field.allow_blank or field.read_only)
            if blank and name in schema.get("properties", {}):
                schema["properties"][name].pop("format", None)
        optional = set(getattr(serializer, "schema_optional_fields", ()))
        if optional and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in optional]
        return schema

    def _get_serializer_field_meta(self, field, direction):
        meta = super()._get_serializer_field_meta(field, direction)
        if field.read_only and not meta.get("nullable") and may_be_null(field):
            meta["nullable"] = True
        return meta
