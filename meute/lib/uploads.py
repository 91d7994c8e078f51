"""Upload limits enforced before a request body is read.

A client that announces (``Content-Length``) a body larger than the largest file Meute accepts — imports
(``MEUTE_IMPORT_MAX_MB``) or documents (``MEUTE_MAX_UPLOAD_MB``), plus room for the form's other fields —
gets 413 at once: the body is never received, so a 300 MB upload costs nothing. A body sent without a length
(chunked) is cut by ``LimitedUploadHandler`` as soon as a file passes the limit. Each form still checks its
own file's size (an import file against the import limit).
"""

import json

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpResponse
from django.utils.translation import gettext as _

# Room for the other fields of a form that carries a file (CSRF token, options).
FORM_MARGIN_BYTES = 1024 * 1024


def limit_bytes() -> int:
    return max(settings.MEUTE_IMPORT_MAX_MB, settings.MEUTE_MAX_UPLOAD_MB) * 1024 * 1024 + FORM_MARGIN_BYTES


def too_large_response(request) -> HttpResponse:
    megabytes = max(settings.MEUTE_IMPORT_MAX_MB, settings.MEUTE_MAX_UPLOAD_MB)
    message = _("The file is too large: at most %(max)s MB.") % {"max": megabytes}
    if request.path.startswith("/api/"):
        body = {"error": {"code": "too_large", "message": message, "fields": {}}}
        return HttpResponse(json.dumps(body), status=413, content_type="application/json")
    response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    # The body was not read: the connection cannot carry another request.
    response["Connection"] = "close"
    return response


class UploadLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit_bytes():
            return too_large_response(request)
        return self.get_response(request)


class LimitedUploadHandler(FileUploadHandler):
    """Stops a multipart upload whose files pass the limit, whatever the announced length."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > limit_bytes():
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
