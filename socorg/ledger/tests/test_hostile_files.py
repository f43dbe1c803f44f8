"""Hostile workbooks (issue #10 item 1): each is built here, in the test, and must be refused or read within bounded
memory and time — never kill the importer or leave an upload "validating" for ever."""

import datetime
import io
import re
import struct
import zipfile
import zlib

import pytest
from billiard.exceptions import WorkerLostError
from celery.exceptions import TimeLimitExceeded
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from openpyxl import Workbook

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.ledger import services, tasks
from socorg.ledger.importer import ImportRun, ImportTimeout, import_ledger
from socorg.ledger.models import ImportStatus, LedgerImport
from socorg.ledger.workbook import LedgerWorkbook, WorkbookError
from socorg.registry.models import SocialOrganization

from .helpers import ORG_HEADERS, org_row, standard

pytestmark = pytest.mark.django_db
SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def messages(run) -> str:
    return " | ".join(issue.message for issue in run.errors)


def one_far_cell(path, ref: str = "XFD1048576"):
    """The issue's 19 KB workbook: a valid 「社会组织」 sheet plus one cell at `ref`."""
    book = Workbook()
    sheet = book.active
    sheet.title = "社会组织"
    sheet.append(ORG_HEADERS)
    sheet.append(org_row(1))
    sheet[ref] = "x"
    book.save(path)
    return path


def rewrite(path, member: str, change) -> None:
    """Rewrite one part of a zip (the others copied as they are)."""
    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info.filename, change(data) if info.filename == member else data)


def raw_workbook(path, sheet_xml_parts, shared_strings: bytes | None = None):
    """A minimal .xlsx written part by part; the sheet XML is streamed from `sheet_xml_parts` (bytes chunks)."""
    content_types = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                     b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxml'
                     b'formats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
                     b'<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocu'
                     b'ment.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentTyp'
                     b'e="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
                'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                'relationships"><sheets><sheet name="社会组织" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
    workbook_rels = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                     b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                     b'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings)
        with archive.open(SHEET, "w") as sheet:
            for part in sheet_xml_parts:
                sheet.write(part)
    return path


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
              b'spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def inline_row(number: int, values) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


# --- declared and actual extent -----------------------------------------------------------------------------------

def test_a_19_kb_workbook_with_one_cell_at_xfd1048576_is_refused_before_reading(tmp_path):
    path = one_far_cell(tmp_path / "far.xlsx")
    assert path.stat().st_size < 20_000
    run = import_ledger(path)
    assert not run.ok and "A1:XFD1048576" in messages(run)
    assert "1048576" in messages(run) and "256" in messages(run)  # says what is allowed
    assert not SocialOrganization.objects.exists()


def test_the_message_is_chinese(tmp_path):
    with translation.override("zh-hans"):
        run = import_ledger(one_far_cell(tmp_path / "far.xlsx"))
    assert "工作表「社会组织」" in messages(run) or "社会组织" in messages(run)
    assert "声明的范围 A1:XFD1048576" in messages(run)


def test_a_far_cell_is_found_even_when_the_declared_dimension_lies(tmp_path):
    path = one_far_cell(tmp_path / "far.xlsx")
    rewrite(path, SHEET, lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:G2"', xml))
    with zipfile.ZipFile(path) as archive:
        assert b'ref="A1:G2"' in archive.read(SHEET)
    run = import_ledger(path)
    assert not run.ok and "XFD" in messages(run) and "1048576" in messages(run)


def test_cells_without_references_are_counted_against_the_column_cap(tmp_path):
    path = raw_workbook(tmp_path / "wide.xlsx", [SHEET_HEAD, inline_row(1, ORG_HEADERS),
                                                 inline_row(2, ["x"] * 300), SHEET_TAIL])
    run = import_ledger(path)
    assert not run.ok and "256" in messages(run)


def test_a_sparse_sheet_reaching_far_down_is_streamed_not_loaded_whole(tmp_path):
    # Within the caps (column O, row 1,048,576) but calamine would allocate 15.7 million cells for three rows.
    path = one_far_cell(tmp_path / "sparse.xlsx", "O1048576")
    with LedgerWorkbook(path) as workbook:
        sheet = workbook.sheets[0]
        assert workbook.scan(sheet).dense_cells > 8_000_000 and workbook.streams(sheet)
        assert [number for number, _cells in workbook.rows(sheet)] == [1, 2, 1048576]
    run = import_ledger(path, dry_run=True)
    assert run.summary()["created"]["orgs"] == 1  # the far row is reported, the sheet is read


@pytest.mark.parametrize("stream_bytes", [0, 150 * 1024 * 1024])
def test_every_reader_enforces_the_caps_even_without_the_importer_scan(tmp_path, settings, stream_bytes):
    # The marked-report writer reads every sheet (also ignored ones) without the importer's scan first.
    settings.SOCORG_LEDGER_STREAM_BYTES = stream_bytes
    with LedgerWorkbook(one_far_cell(tmp_path / "far.xlsx")) as workbook, pytest.raises(WorkbookError):
        list(workbook.rows(workbook.sheets[0]))


# --- zip bombs ----------------------------------------------------------------------------------------------------

def padded_sheet(megabytes: int):
    yield SHEET_HEAD + inline_row(1, ORG_HEADERS)
    for _ in range(megabytes):
        yield b" " * (1 << 20)  # white space between rows: valid XML, compresses about 1,000 times
    yield SHEET_TAIL


def test_a_zip_bomb_sheet_is_refused_from_the_zip_directory(tmp_path):
    path = raw_workbook(tmp_path / "bomb.xlsx", padded_sheet(64))
    assert path.stat().st_size < 200_000
    run = import_ledger(path)
    assert not run.ok and SHEET in messages(run) and "200" in messages(run)


def test_the_total_unpacked_size_is_capped(tmp_path, settings):
    settings.SOCORG_LEDGER_MAX_UNPACKED_BYTES = 4096
    run = import_ledger(standard(tmp_path / "l.xlsx"))
    assert not run.ok and "MB" in messages(run)


def lie_about_size(path, member: str, declared: int) -> None:
    """Make the zip directory (local header and central directory) claim `member` unpacks to `declared` bytes,
    with the checksum of those first bytes: zipfile alone would read only them and find nothing wrong."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(member)
        crc = zlib.crc32(archive.read(member)[:declared])
    data = bytearray(path.read_bytes())
    local = info.header_offset
    struct.pack_into("<L", data, local + 14, crc)
    struct.pack_into("<L", data, local + 22, declared)
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if data[position + 46:position + 46 + name_length] == member.encode():
            struct.pack_into("<L", data, position + 16, crc)
            struct.pack_into("<L", data, position + 24, declared)
        position += 4
    path.write_bytes(bytes(data))


def test_a_part_that_unpacks_to_more_than_its_directory_declares_is_refused(tmp_path):
    shared = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + \
        b" " * (32 << 20) + b"</sst>"
    path = raw_workbook(tmp_path / "liar.xlsx", [SHEET_HEAD, inline_row(1, ORG_HEADERS), SHEET_TAIL], shared)
    lie_about_size(path, "xl/sharedStrings.xml", 1024)
    with zipfile.ZipFile(path) as archive:  # the lie holds up for the standard library …
        assert archive.getinfo("xl/sharedStrings.xml").file_size == 1024
        assert len(archive.read("xl/sharedStrings.xml")) == 1024
    run = import_ledger(path)  # … but not for the guard, before calamine opens the shared strings
    assert not run.ok and "xl/sharedStrings.xml" in messages(run)


# --- wall time and imports that died ------------------------------------------------------------------------------

def test_an_inline_import_stops_at_its_time_limit_and_writes_nothing(tmp_path):
    run = ImportRun(standard(tmp_path / "l.xlsx"), time_limit=1e-9)
    with pytest.raises(ImportTimeout):
        run.run()
    assert not SocialOrganization.objects.exists()


def upload(client, path):
    return client.post("/ledger/", {"file": SimpleUploadedFile(path.name, path.read_bytes())})


def test_a_web_import_past_its_time_limit_is_marked_failed_with_a_message(tmp_path, monkeypatch):
    monkeypatch.setattr(services, "time_limit", lambda: 1e-9)
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    with translation.override("zh-hans"):
        upload(client, standard(tmp_path / "l.xlsx"))
    item = LedgerImport.objects.get()
    assert item.status == ImportStatus.FAILED and "时间上限" in item.progress_note


def test_the_tasks_carry_celery_time_limits(settings):
    assert tasks.validate_import.soft_time_limit == services.time_limit()
    assert tasks.apply_import.time_limit == services.time_limit() + services.HARD_LIMIT_MARGIN


@pytest.mark.parametrize(("error", "expected"), [(TimeLimitExceeded(1860), "时间上限"),
                                                 (WorkerLostError("signal 9"), "意外终止")])
def test_a_killed_worker_process_marks_its_import_failed(error, expected):
    item = LedgerImport.objects.create(uploaded_by=make_user((Role.BUREAU_STAFF, "530102")), original_name="l.xlsx",
                                       status=ImportStatus.IMPORTING, started_at=timezone.now())
    with translation.override("zh-hans"):
        tasks.apply_import.on_failure(error, "task-id", (item.pk,), {}, None)
    item.refresh_from_db()
    assert item.status == ImportStatus.FAILED and expected in item.progress_note


def test_an_import_left_validating_by_a_dead_process_is_shown_failed(tmp_path):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    long_ago = timezone.now() - datetime.timedelta(seconds=services.time_limit() + 3600)
    stale = LedgerImport.objects.create(uploaded_by=user, original_name="old.xlsx", started_at=long_ago)
    fresh = LedgerImport.objects.create(uploaded_by=user, original_name="new.xlsx", started_at=timezone.now())
    client = client_as(user)
    with translation.override("zh-hans"):
        page = client.get(f"/ledger/imports/{stale.pk}/status/").content.decode()
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == ImportStatus.FAILED and "未写入任何数据" in page
    assert fresh.status == ImportStatus.VALIDATING
    assert tasks.fail_stale_imports() == 0  # the periodic task finds nothing more


def test_a_hostile_upload_ends_invalid_with_its_message_and_no_report(tmp_path):
    client = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    upload(client, one_far_cell(tmp_path / "far.xlsx"))
    item = LedgerImport.objects.get()
    assert item.status == ImportStatus.INVALID and not item.report
    assert "XFD1048576" in client.get(f"/ledger/imports/{item.pk}/").content.decode()


def test_the_zip_guard_reads_normal_parts_exactly_as_zipfile_does(tmp_path):
    from socorg.core.archives import ZipLimits, iter_member

    path = standard(tmp_path / "l.xlsx")
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            assert b"".join(iter_member(path, info, ZipLimits(1 << 30, 200))) == archive.read(info.filename)
            buffer = io.BytesIO(path.read_bytes())
            assert b"".join(iter_member(buffer, info, ZipLimits(1 << 30, 200))) == archive.read(info.filename)
