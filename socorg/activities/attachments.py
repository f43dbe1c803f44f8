"""Uploaded files (meeting minutes, photos, rectification evidence): limits and checks shared by the activities and
alerts apps. Files go through Django's storage API, so production can keep them in object storage.

Beyond size, type and leading bytes, a file must not be a decompression bomb for whoever opens it: zip-based
documents (.docx, .xlsx, .ofd) pass the same archive guard as ledger workbooks (socorg.core.archives: declared and
actual unpacked sizes, ratio), and photos may not declare more pixels than a camera takes (a 19 KB PNG can declare
a 100,000 × 100,000 image)."""

import os
import struct
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from socorg.core.archives import ArchiveError, ZipLimits, check_file, megabytes

# Overridable per deployment: SOCORG_ATTACHMENT_MAX_BYTES, …_MAX_UNPACKED_BYTES, …_MAX_RATIO, …_MAX_PIXELS.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
DEFAULT_MAX_RATIO = 200
DEFAULT_MAX_PIXELS = 100_000_000  # a 100-megapixel photo; phone cameras take 12–50
ZIP_BASED = {".docx", ".xlsx", ".ofd"}
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
                               % {"size": megabytes(upload.size), "limit": megabytes(limit)}})
    if upload.size == 0:
        raise ValidationError({field: _("The file is empty; upload a file with content.")})
    signatures = ALLOWED_TYPES[extension]
    if signatures is not None:
        head = _read_head(upload)
        if not any(head.startswith(signature) for signature in signatures):
            raise ValidationError({field: _("The content of “%(name)s” is not a %(ext)s file; upload the original "
                                            "document or photo.") % {"name": name, "ext": extension}})
    if extension in ZIP_BASED:
        _check_archive(upload, name, field)
    elif extension in (".png", ".jpg", ".jpeg"):
        _check_pixels(upload, name, field)
    return extension


def _check_archive(upload, name: str, field: str) -> None:
    limits = ZipLimits(
        max_total_bytes=int(getattr(settings, "SOCORG_ATTACHMENT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)),
        max_ratio=int(getattr(settings, "SOCORG_ATTACHMENT_MAX_RATIO", DEFAULT_MAX_RATIO)))
    upload.seek(0)
    try:
        check_file(upload, limits)
    except ArchiveError as error:
        raise ValidationError({field: _("“%(name)s” is refused: %(reason)s Upload the original document.")
                               % {"name": name, "reason": error}}) from None
    finally:
        upload.seek(0)


def _check_pixels(upload, name: str, field: str) -> None:
    """The image size a PNG or JPEG header declares (no decoding): a viewer allocates width × height pixels."""
    upload.seek(0)
    try:
        size = _image_size(upload)
    finally:
        upload.seek(0)
    limit = int(getattr(settings, "SOCORG_ATTACHMENT_MAX_PIXELS", DEFAULT_MAX_PIXELS))
    if size is None:
        raise ValidationError({field: _("The image “%(name)s” is damaged (its size cannot be read); upload the "
                                        "original photo.") % {"name": name}})
    width, height = size
    if width * height > limit:
        raise ValidationError({field: _(
            "The image “%(name)s” declares %(width)d × %(height)d pixels; at most %(megapixels)d megapixels are "
            "accepted. Upload the original photo or a smaller copy.")
            % {"name": name, "width": width, "height": height, "megapixels": limit // 1_000_000}})


def _image_size(stream) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk or a JPEG's start-of-frame marker; None when not found."""
    head = stream.read(26)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return struct.unpack(">II", head[16:24]) if head[12:16] == b"IHDR" else None
    if not head.startswith(b"\xff\xd8"):
        return None
    stream.seek(2)
    while True:
        marker = stream.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        kind = marker[1]
        if kind == 0xFF:  # fill byte
            stream.seek(-1, 1)
            continue
        if kind in (0xD8, 0x01) or 0xD0 <= kind <= 0xD7:  # markers without a length
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            return None
        length = struct.unpack(">H", length_bytes)[0]
        if 0xC0 <= kind <= 0xCF and kind not in (0xC4, 0xC8, 0xCC):  # start of frame: precision, height, width
            frame = stream.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        if kind == 0xDA or length < 2:  # image data before any frame header
            return None
        stream.seek(length - 2, 1)


def _read_head(upload, length: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(length)
    upload.seek(0)
    return head


def storage_name(prefix: str, extension: str) -> str:
    """A fresh, unguessable storage path: the user's file name is kept in the database, never in the path."""
    return f"{prefix}/{uuid.uuid4().hex}{extension}"


def content_type_for(extension: str) -> str:
    return CONTENT_TYPES.get(extension, "application/octet-stream")
