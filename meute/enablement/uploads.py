"""Files partners and the operator upload (module images, videos and documents, library versions): the
kinds accepted, checked by name and by content, within the size limit; stored under random names; served
only through views that check access, with the content type Meute decides and headers that keep the
browser from interpreting them."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from .choices import FileKind

# extension -> (content type, what the first bytes must look like)
PDF, ZIP, OLE = (b"%PDF-",), (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
TYPES = {
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
    "mp4": ("video/mp4", None),  # "ftyp" at offset 4, checked below
    "webm": ("video/webm", (b"\x1a\x45\xdf\xa3",)),
    "pdf": ("application/pdf", PDF),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "odp": ("application/vnd.oasis.opendocument.presentation", ZIP),
    "doc": ("application/msword", OLE),
    "xls": ("application/vnd.ms-excel", OLE),
    "ppt": ("application/vnd.ms-powerpoint", OLE),
    "csv": ("text/csv", "text"),
    "txt": ("text/plain", "text"),
    "md": ("text/markdown", "text"),
}
KINDS = {
    FileKind.IMAGE: ("png", "jpg", "jpeg", "gif", "webp"),
    FileKind.VIDEO: ("mp4", "webm"),
    FileKind.DOCUMENT: (
        "pdf",
        "docx",
        "xlsx",
        "pptx",
        "odt",
        "ods",
        "odp",
        "doc",
        "xls",
        "ppt",
        "csv",
        "txt",
        "md",
        "png",
        "jpg",
        "jpeg",
    ),
}


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _looks_like(extension: str, head: bytes) -> bool:
    expected = TYPES[extension][1]
    if extension == "mp4":
        return head[4:8] == b"ftyp"
    if extension == "webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if expected == "text":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a cut multi-byte character at the end of the sample is fine
            return exc.start >= len(head) - 3
        return True
    return any(head.startswith(prefix) for prefix in expected)


def check_upload(upload, kind: str = FileKind.DOCUMENT) -> str:
    """Refuse a file of a kind not accepted here, whose content is not what its name says, or too big;
    return the content type it will be served with."""
    allowed = KINDS[kind]
    extension = extension_of(upload.name or "")
    if extension not in allowed:
        raise ValidationError(
            {
                "file": _("Files of this kind are not accepted here; use one of: %(kinds)s.")
                % {"kinds": ", ".join(allowed)}
            }
        )
    limit = settings.MEUTE_MAX_UPLOAD_MB
    if upload.size > limit * 1024 * 1024:
        raise ValidationError({"file": _("The file is larger than %(limit)s MB.") % {"limit": limit}})
    if not upload.size:
        raise ValidationError({"file": _("The file is empty.")})
    upload.seek(0)
    head = upload.read(64)
    upload.seek(0)
    if not _looks_like(extension, head):
        raise ValidationError(
            {"file": _("The content of this file does not match its name (.%(ext)s).") % {"ext": extension}}
        )
    return TYPES[extension][0]


def clean_name(name: str) -> str:
    """The uploader's file name as shown on download: no folders, no control characters, 150 at most."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name.strip()[-150:] or "file"


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


class Unsatisfiable(ValueError):
    """A byte range that starts past the end of the file."""


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The (first, last) bytes, inclusive, that one ``Range: bytes=…`` header asks of a file of ``size``
    bytes; None to send the whole file (no header, several ranges, another unit or a malformed one: HTTP
    lets a server ignore those). Raises Unsatisfiable when the range lies wholly past the end."""
    match = _RANGE.match((header or "").strip())
    if not match or match.groups() == ("", ""):
        return None
    first, last = match.groups()
    if not first:  # a suffix: the last N bytes
        if int(last) == 0:
            raise Unsatisfiable
        return max(size - int(last), 0), size - 1
    start = int(first)
    if last and int(last) < start:
        return None
    if start >= size:
        raise Unsatisfiable
    return start, min(int(last), size - 1) if last else size - 1


def _slice(handle, start: int, length: int):
    try:
        handle.seek(start)
        while length > 0:
            data = handle.read(min(CHUNK, length))
            if not data:
                break
            length -= len(data)
            yield data
    finally:
        handle.close()


def _protect(response, *, filename: str, inline: bool):
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    response["Content-Disposition"] = content_disposition_header(not inline, filename)
    return response


def private_response(
    stored, *, filename: str, content_type: str, inline: bool = False, request=None
) -> HttpResponse:
    """A stored file as a response: Meute's content type, never sniffed, never run as a page. Given the
    ``request``, one byte range is served (206) when asked: a video player seeks without downloading
    the whole file first."""
    wanted = request.META.get("HTTP_RANGE") if request is not None else None
    if wanted:
        size = stored.size
        try:
            bounds = byte_range(wanted, size)
        except Unsatisfiable:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return _protect(response, filename=filename, inline=inline)
        if bounds is not None:
            start, end = bounds
            response = StreamingHttpResponse(
                _slice(stored.open("rb"), start, end - start + 1), status=206, content_type=content_type
            )
            response["Content-Length"] = str(end - start + 1)
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Accept-Ranges"] = "bytes"
            return _protect(response, filename=filename, inline=inline)
    response = FileResponse(
        stored.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type
    )
    if request is not None:
        response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response
