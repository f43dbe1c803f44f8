"""Uploaded files (meeting minutes, photos, rectification evidence): limits and checks shared by the activities and
alerts apps. Files go through Django's storage API, so production can keep them in object storage."""

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Overridable per deployment: SOCORG_ATTACHMENT_MAX_BYTES in settings.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
# Extension → the leading bytes such a file starts with (None: no reliable signature, e.g. plain text).
ALLOWED_TYPES: dict[str, tuple[bytes, ...] | None] = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".ofd": (b"PK\x03\x04",),
    ".txt": None,
}
CONTENT_TYPES = {
    ".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ofd": "application/ofd",
    ".txt": "text/plain",
}


def max_bytes() -> int:
    return int(getattr(settings, "SOCORG_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def validate_upload(upload, field: str = "file") -> str:
    """Check an uploaded file's size, extension and leading bytes; return its normalized extension.

    Raises ValidationError({field: message}) saying what is wrong and what is expected."""
    if upload is None:
        raise ValidationError({field: _("Choose a file to upload.")})
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower()
    allowed = ", ".join(sorted(ALLOWED_TYPES))
    if extension not in ALLOWED_TYPES:
        raise ValidationError({field: _("The file type “%(ext)s” is not accepted; expected one of: %(allowed)s.")
                               % {"ext": extension or _("(none)"), "allowed": allowed}})
    limit = max_bytes()
    if upload.size > limit:
        raise ValidationError({field: _("The file is %(size)s MB; files may be at most %(limit)s MB.")
                               % {"size": _megabytes(upload.size), "limit": _megabytes(limit)}})
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty; upload a file with content.")})
    signatures = ALLOWED_TYPES[extension]
    if signatures is not None:
        head = _read_head(upload)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError({field: _("The content of “%(name)s” is not a %(ext)s file; upload the original "
                                            "document or photo.") % {"name": name, "ext": extension}})
    return extension


def _read_head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def storage_name(prefix: str, extension: str) -> str:
    """A fresh, unguessable storage path: the user's file name is kept in the database, never in the path."""
    return f"{prefix}/{uuid.uuid4().hex}{extension}"


def content_type_for(extension: str) -> str:
    return CONTENT_TYPES.get(extension, "application/octet-stream")
