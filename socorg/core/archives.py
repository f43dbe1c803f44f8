"""Guards for zip containers users upload (ledger workbooks, .docx / .xlsx / .ofd attachments): decompression bombs.

The central directory is checked before anything is decompressed: the number of members, the declared uncompressed
sizes (in total) and the compression ratio. The declared sizes cannot be trusted, so a member is read through
`iter_member`, which inflates the raw stream itself and stops as soon as it yields more than declared, more than
the limit allows, or data whose checksum does not match — before another reader (python-calamine reads the
workbook with its own zip code) gets to it.
"""

import os
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

CHUNK = 1 << 20
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile.structFileHeader
_LOCAL_SIGNATURE = b"PK\x03\x04"


class ArchiveError(ValueError):
    """The container is refused; the message says why and what to do (in the active language)."""


@dataclass(frozen=True)
class ZipLimits:
    max_total_bytes: int  # all members together, uncompressed
    max_ratio: int  # uncompressed / compressed, for a member (and the whole) above ratio_floor
    max_members: int = 10_000
    ratio_floor: int = 1 << 20  # small parts compress well legitimately (XML of a few rows)


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".rstrip("0").rstrip(".")


def check_directory(archive: zipfile.ZipFile, archive_bytes: int, limits: ZipLimits) -> None:
    """The declared sizes in the central directory, before any member is decompressed."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise ArchiveError(_("The file contains %(count)d parts; at most %(max)d are accepted.")
                           % {"count": len(members), "max": limits.max_members})
    total = 0
    for info in members:
        total += info.file_size
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ArchiveError(_(
                "Part %(part)s expands from %(packed)s MB to %(size)s MB (more than %(ratio)d times): this is how "
                "a decompression bomb looks, and it is refused.")
                % {"part": info.filename, "packed": megabytes(info.compress_size), "size": megabytes(info.file_size),
                   "ratio": limits.max_ratio})
    _check_total(total, archive_bytes, limits)


def _check_total(total: int, archive_bytes: int, limits: ZipLimits) -> None:
    if total > limits.max_total_bytes:
        raise ArchiveError(_("The file expands to %(size)s MB when unpacked; at most %(max)s MB are accepted.")
                           % {"size": megabytes(total), "max": megabytes(limits.max_total_bytes)})
    if total > limits.ratio_floor and total > limits.max_ratio * max(archive_bytes, 1):
        raise ArchiveError(_(
            "The file expands from %(packed)s MB to %(size)s MB (more than %(ratio)d times): this is how a "
            "decompression bomb looks, and it is refused.")
            % {"packed": megabytes(archive_bytes), "size": megabytes(total), "ratio": limits.max_ratio})


def iter_member(source, info: zipfile.ZipInfo, limits: ZipLimits) -> Iterator[bytes]:
    """The member's uncompressed bytes in chunks, inflated from the raw stream of the archive at `source` (a path or
    a seekable binary file): never more than its declared size (nor than the limits allow), and the checksum
    verified at the end."""
    cap = min(info.file_size, limits.max_total_bytes)
    if info.file_size > limits.ratio_floor:
        cap = min(cap, limits.max_ratio * max(info.compress_size, 1))
    if info.flag_bits & 0x1:
        raise ArchiveError(_("Part %(part)s is encrypted; save the file again without a password.")
                           % {"part": info.filename})
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise ArchiveError(_("Part %(part)s uses a compression method that Office programs do not write; save the "
                             "file again from Excel, WPS or Word.") % {"part": info.filename})
    with _RawStream(source, info) as raw:
        inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        left = info.compress_size
        produced = 0
        crc = 0
        while True:
            if inflater is not None and inflater.eof:
                break
            if inflater is not None and inflater.unconsumed_tail:
                data = inflater.decompress(inflater.unconsumed_tail, CHUNK)
            elif left > 0:
                block = raw.read(min(CHUNK, left))
                if not block:
                    raise ArchiveError(_("Part %(part)s is truncated; the file is damaged.") % {"part": info.filename})
                left -= len(block)
                data = inflater.decompress(block, CHUNK) if inflater is not None else block
            elif inflater is not None:
                data = inflater.decompress(b"", CHUNK)  # output still held by the inflater
                if not data:
                    break
            else:
                break
            produced += len(data)
            if produced > cap:
                raise ArchiveError(_(
                    "Part %(part)s holds more data than its directory entry declares or than is accepted "
                    "(%(size)s MB); the file is damaged or forged and is refused.")
                    % {"part": info.filename, "size": megabytes(cap)})
            crc = zlib.crc32(data, crc)
            if data:
                yield data
        if produced != info.file_size or crc != info.CRC:
            raise ArchiveError(_("Part %(part)s does not match its checksum; the file is damaged.")
                               % {"part": info.filename})


class _RawStream:
    """The member's compressed bytes, located through its local header (as zipfile.ZipFile.open does)."""

    def __init__(self, source, info: zipfile.ZipInfo):
        self.handle = None if hasattr(source, "read") else open(source, "rb")  # noqa: SIM115 - closed in close()
        source = self.handle or source
        source.seek(info.header_offset)
        header = source.read(_LOCAL_HEADER.size)
        if len(header) != _LOCAL_HEADER.size or header[:4] != _LOCAL_SIGNATURE:
            self.close()
            raise ArchiveError(_("Part %(part)s cannot be located; the file is damaged.") % {"part": info.filename})
        fields = _LOCAL_HEADER.unpack(header)
        source.seek(fields[-2] + fields[-1], 1)  # file name and extra field
        self.source = source

    def read(self, size: int) -> bytes:
        return self.source.read(size)

    def close(self) -> None:
        if self.handle is not None:
            self.handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def check_file(source, limits: ZipLimits) -> None:
    """Every check above for an uploaded zip container (a path or a seekable file object): the directory, then every
    member inflated once and counted. Raises ArchiveError."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise ArchiveError(_("The file is damaged (the zip container cannot be opened: %(error)s).")
                           % {"error": error}) from None
    with archive:
        size = _size_of(source)
        check_directory(archive, size, limits)
        total = 0
        for info in archive.infolist():
            for chunk in iter_member(source, info, limits):
                total += len(chunk)
            _check_total(total, size, limits)


def _size_of(source) -> int:
    if not hasattr(source, "read"):
        return os.path.getsize(source)
    position = source.tell()
    source.seek(0, 2)
    size = source.tell()
    source.seek(position)
    return size
