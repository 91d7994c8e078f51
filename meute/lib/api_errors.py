"""The API's single error format: ``{"error": {"code", "message", "fields"}}``, with ``details`` added when a
refusal carries them (``meute.lib.refusals.Refusal``: 409, e.g. the unmet criteria of a move up).

Kept apart from ``meute.lib.api`` because DRF's views module imports the permission and pagination
classes named in settings, and this module imports DRF's views.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from .refusals import Refusal, refusal_behind
from .rights import FieldsNotWritable, refusal_message


class Conflict(exceptions.APIException):
    """A valid request that the current data refuses (e.g. deleting a referenced record)."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "protected"
    default_detail = _lazy("This record is referenced by other records and cannot be deleted.")

    def __init__(self, detail=None, code=None, details=None):
        super().__init__(detail, code)
        self.details = details or {}


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: invalid, field_not_writable, wrong_stage…")
    message = serializers.CharField(help_text="The reason, in the user's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text="Messages per field."
    )
    details = serializers.DictField(
        required=False, help_text="What a refusal says more, e.g. `missing`: the criteria still unmet."
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()


def error_responses(**described) -> dict:
    """``{409: OpenApiResponse(ErrorSerializer, "…")}`` for ``extend_schema(responses=…)``:
    ``error_responses(r409="…", r403="…")``."""
    return {
        int(name[1:]): OpenApiResponse(ErrorSerializer, description=description)
        for name, description in described.items()
    }


def workflow_caller(conflict_codes=frozenset()):
    """``call(function, *args, **kwargs)`` for API views that run a workflow function.

    The workflow's ValidationError becomes 400 with its field errors, or 409 when it is a ``Refusal`` or its
    code is one of ``conflict_codes`` (the record moved on: wrong stage, already decided…).
    """
    from .api_serializers import api_errors_from_django

    def call(function, *args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Refusal:
            raise  # 409 with its details, by the exception handler
        except DjangoValidationError as exc:
            if getattr(exc, "code", None) in conflict_codes:
                raise Conflict(" ".join(exc.messages), code=exc.code) from exc
            raise exceptions.ValidationError(api_errors_from_django(exc)) from exc

    return call


def _flatten(detail):
    """DRF error details → ``{"field": ["message", ...]}`` with plain strings.

    The errors of a list's items or of a nested object (``{"company_sizes": {"0": [...]}}``,
    ``{"groups": [{"name": [...]}]}``) join their field's list, named by the nested field where there is
    one ("name: This field is required."): one list of messages per field, at every depth.
    """
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    return _messages(detail)


def _messages(detail, inner: tuple = ()) -> list[str]:
    if isinstance(detail, dict):
        return [m for key, value in detail.items() for m in _messages(value, (*inner, str(key)))]
    if isinstance(detail, list):
        return [m for item in detail for m in _messages(item, inner)]
    named = ".".join(part for part in inner if not part.isdigit())
    return [f"{named}: {detail}" if named else str(detail)]


def exception_handler(exc, context):
    """Every API error has the same shape, ``{"error": {"code", "message", "fields"}}``, and is JSON even
    when the list was asked as a table (``?format=csv|xlsx``): a refusal is not a spreadsheet."""
    response = _error_response(exc, context)
    request = context.get("request")
    if response is not None and request is not None:
        renderer = getattr(request, "accepted_renderer", None)
        if renderer is None or getattr(renderer, "media_type", "") != "application/json":
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
    return response


def _error_response(exc, context):
    from .api_serializers import api_errors_from_django

    # A view that re-raised a workflow's refusal as its own 400 (``raise ValidationError(…) from exc``) still
    # answers the refusal: the code and details are the contract, not the view's wording.
    exc = refusal_behind(exc) or exc
    if isinstance(exc, Refusal):
        fields = api_errors_from_django(exc) if hasattr(exc, "error_dict") else {}
        body = {"code": exc.code, "message": " ".join(exc.messages), "fields": fields}
        if exc.details:
            body["details"] = exc.details
        set_rollback()
        return Response({"error": body}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            {
                "error": {
                    "code": "protected",
                    "message": _("This record is referenced by other records and cannot be deleted."),
                    "fields": {},
                }
            },
            status=status.HTTP_409_CONFLICT,
        )
    elif isinstance(exc, FieldsNotWritable):
        return Response(
            {
                "error": {
                    "code": "field_not_writable",
                    "message": str(exc.args[0]),
                    "fields": {name: [refusal_message(name)] for name in exc.fields},
                }
            },
            status=status.HTTP_403_FORBIDDEN,
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        if isinstance(fields, list):
            fields = {"non_field_errors": fields}
        body = {"code": "invalid", "message": _("The request contains invalid data."), "fields": fields}
    else:
        detail = getattr(exc, "detail", "")
        body = {
            "code": getattr(detail, "code", None) or getattr(exc, "default_code", "error"),
            "message": str(detail),
            "fields": {},
        }
        if getattr(exc, "details", None):
            body["details"] = exc.details
    response.data = {"error": body}
    return response
