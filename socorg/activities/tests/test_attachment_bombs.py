"""Attachments get the ledger's guards against decompression bombs (issue #10 item 1): zip-based documents by
their directory and their real unpacked size, photos by the pixel count their header declares."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from socorg.activities.attachments import validate_upload


def refusal(name: str, content: bytes) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile(name, content))
    return error.value.message_dict["file"][0]


def docx(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def png(width: int, height: int) -> bytes:
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + header
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(header)) + chunk + struct.pack(">I", zlib.crc32(chunk))


def jpeg(width: int, height: int) -> bytes:
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def test_ordinary_documents_and_photos_pass():
    assert validate_upload(SimpleUploadedFile("纪要.docx", docx({"word/document.xml": b"<w:document/>" * 100}))) \
        == ".docx"
    assert validate_upload(SimpleUploadedFile("合影.png", png(4000, 3000))) == ".png"
    assert validate_upload(SimpleUploadedFile("合影.jpg", jpeg(8000, 6000))) == ".jpg"


def test_a_zip_bomb_document_is_refused():
    bomb = docx({"word/document.xml": b" " * (64 << 20)})
    assert len(bomb) < 200_000
    assert "解压炸弹" in refusal("纪要.docx", bomb)


def test_a_document_whose_directory_understates_its_size_is_refused():
    content = b" " * (32 << 20)
    data = bytearray(docx({"word/document.xml": content}))
    crc = zlib.crc32(content[:1024])
    struct.pack_into("<LLL", data, 14, crc, struct.unpack_from("<L", data, 18)[0], 1024)  # local header
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<L", data, central + 16, crc)
    struct.pack_into("<L", data, central + 24, 1024)
    assert "多于其目录项声明的大小" in refusal("纪要.docx", bytes(data))


@pytest.mark.parametrize("name,content", [("合影.png", png(100_000, 100_000)), ("合影.jpg", jpeg(60_000, 60_000))])
def test_a_photo_declaring_a_giant_canvas_is_refused(name, content):
    assert len(content) < 100
    assert "百万像素" in refusal(name, content)


def test_a_photo_without_a_readable_size_is_refused():
    assert "无法读取其尺寸" in refusal("合影.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30)
