"""Opening a ledger workbook: the container checks, the sheet list, and two row readers.

Rows are read with python-calamine (Rust, fast) while a sheet's XML is small enough for calamine's in-memory range;
a larger sheet (a million rows would need more than a gigabyte there) is streamed with expat from the zip member,
holding one row at a time plus the shared-string table. Both readers yield (Excel row number, [cell values]).

Before any row is read, a byte scan of each sheet's XML finds formula cells and merged ranges (calamine returns
only a formula's cached value, and merged header cells would silently lose their columns) and the sheet's extent.

Hostile files are refused before they can exhaust memory or time (docs/ledger.md, “Limits”): the zip directory's
declared sizes and compression ratios are checked on opening, every part is inflated through
socorg.core.archives.iter_member (never more than declared), a sheet whose declared dimension or whose cells reach
beyond the row / column caps is refused, and a sheet whose cells would span a large empty area (one cell at
XFD1048576) is never handed to calamine, which allocates the whole rectangle.
"""

import datetime
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import range_boundaries
from python_calamine import CalamineError, CalamineWorkbook

from socorg.core.archives import ArchiveError, ZipLimits, check_directory, iter_member

from .values import EXCEL_EPOCH

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Above this uncompressed sheet-XML size the sheet is streamed instead of loaded by calamine (memory bound).
DEFAULT_STREAM_BYTES = 150 * 1024 * 1024
CHUNK = 1 << 20
MAX_FORMULA_CELLS = 10_000
# Caps (settings SOCORG_LEDGER_MAX_ROWS, …_MAX_COLUMNS, …_MAX_UNPACKED_BYTES, …_MAX_RATIO); see docs/ledger.md.
DEFAULT_MAX_ROWS = 1_048_576  # Excel's own limit: the importer reads a million-row sheet (streamed)
DEFAULT_MAX_COLUMNS = 256  # a ledger sheet has about 15 columns; 256 leaves room for notes columns
DEFAULT_MAX_UNPACKED_BYTES = 2 * 1024 ** 3  # a million-row sheet is about 750 MB of XML
DEFAULT_MAX_RATIO = 200  # worksheet XML compresses 6–12 times; a zip bomb about 1,000 times
# Cells of the rectangle calamine allocates (rows × columns, about 32 bytes each) above which a sheet is streamed.
MAX_DENSE_CELLS = 8_000_000
_CELL_WITH_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
_REF_ATTR = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_MERGE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')
_ROOT_PREFIX = re.compile(rb"<(?:([A-Za-z_][\w.-]*):)?worksheet\b")
_DIMENSION = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s+ref="([A-Z]*)([0-9]*)(?::([A-Z]*)([0-9]*))?"')
# Cells in a column beyond O (the ledger sheets' 15th): rare, so collecting them costs nothing in a normal sheet.
_WIDE_CELL = re.compile(rb' r="([A-Z]{2,}|[P-Z])[0-9]')
_CELL_ROW = re.compile(rb' r="[A-Z]+([0-9]+)"')


class WorkbookError(Exception):
    """The file as a whole cannot be read; the message says why and what to do (in the active language)."""


@dataclass
class SheetInfo:
    name: str
    path: str  # member of the zip
    state: str  # visible / hidden / veryHidden
    xml_size: int

    @property
    def hidden(self) -> bool:
        return self.state != "visible"


@dataclass
class SheetScan:
    formula_cells: list[tuple[int, int]] = field(default_factory=list)  # (excel row, 0-based column)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    declared: tuple[int, int, str] | None = None  # the <dimension> element: rows, columns, its text
    max_row: int = 0  # the last row any row element or cell refers to
    max_column: int = 15  # 1-based; at least the ledger sheets' 15 columns (narrower sheets are not told apart)
    unaddressed: bool = False  # some rows or cells carry no r="…" reference: their position is only known by counting

    @property
    def dense_cells(self) -> int:
        """The size of the rectangle calamine would allocate for this sheet."""
        return self.max_row * self.max_column


@dataclass
class Limits:
    max_rows: int
    max_columns: int
    archive: ZipLimits

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_rows=int(getattr(settings, "SOCORG_LEDGER_MAX_ROWS", DEFAULT_MAX_ROWS)),
            max_columns=int(getattr(settings, "SOCORG_LEDGER_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)),
            archive=ZipLimits(
                max_total_bytes=int(getattr(settings, "SOCORG_LEDGER_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)),
                max_ratio=int(getattr(settings, "SOCORG_LEDGER_MAX_RATIO", DEFAULT_MAX_RATIO))),
        )


def check_container(path) -> None:
    """Refuse what is not an .xlsx before any parser sees it, each case with its own message."""
    with open(path, "rb") as handle:
        head = handle.read(8)
        if not head:
            raise WorkbookError(_("The file is empty (0 bytes): upload the .xlsx ledger workbook."))
        if head.startswith(OLE_MAGIC):
            handle.seek(0)
            if ENCRYPTED_PACKAGE in handle.read(64 * 1024 * 1024):
                raise WorkbookError(_("The workbook is protected by a password (encrypted): open it in Excel, "
                                      "remove the password (File → Info → Protect Workbook) and save it again as "
                                      ".xlsx."))
            raise WorkbookError(_("This is an old-format Excel file (.xls) or another Office file, not an .xlsx "
                                  "workbook: open it in Excel and save it as “Excel Workbook (*.xlsx)”."))
    if not head.startswith(ZIP_MAGICS):
        raise WorkbookError(_("The file is not an Excel workbook (.xlsx): save the ledger from Excel or WPS as "
                              "“Excel Workbook (*.xlsx)” and upload that file."))


class LedgerWorkbook:
    """An opened .xlsx: its sheets, scans and rows. Use as a context manager."""

    def __init__(self, path):
        self.path = str(path)
        self.limits = Limits.from_settings()
        check_container(self.path)
        try:
            self.zip = zipfile.ZipFile(self.path)
            names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise WorkbookError(_("The workbook is damaged (the .xlsx container cannot be opened: %(error)s); "
                                  "open it in Excel, repair it if asked, and save it again.")
                                % {"error": error}) from None
        try:
            if "xl/workbook.xml" not in names:
                raise WorkbookError(_("The file is a zip archive but not an Excel workbook (no xl/workbook.xml): "
                                      "upload the .xlsx ledger workbook."))
            self._check_archive()
            self.sheets = self._read_sheet_list()
            self._verify_parts()
        except WorkbookError:
            self.zip.close()
            raise
        self._scans: dict[str, SheetScan] = {}
        self._calamine: CalamineWorkbook | None = None
        # Sheet name → calamine sheet, parsed once: total_rows() and rows() share it; rows() releases it at the end.
        self._loaded: dict[str, object] = {}
        self._stream_bytes = getattr(settings, "SOCORG_LEDGER_STREAM_BYTES", DEFAULT_STREAM_BYTES)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self._loaded.clear()
        if self._calamine is not None:
            self._calamine.close()
            self._calamine = None
        self.zip.close()

    # --- structure ------------------------------------------------------------------------------------------

    def _check_archive(self) -> None:
        """The zip directory's declared sizes, before anything is inflated."""
        try:
            check_directory(self.zip, os.path.getsize(self.path), self.limits.archive)
        except ArchiveError as error:
            raise WorkbookError(_("The workbook is refused: %(reason)s") % {"reason": error}) from None

    def _verify_parts(self) -> None:
        """Every part but the worksheets (checked by scan() before a sheet is read) inflated once through the guard,
        so calamine, which opens the shared strings and styles with its own zip code, only sees honest parts."""
        worksheets = {sheet.path for sheet in self.sheets}
        for info in self.zip.infolist():
            if info.filename not in worksheets and not info.is_dir():
                for _chunk in self._chunks(info.filename):
                    pass

    def _read_xml(self, member: str) -> ElementTree.Element:
        try:
            return ElementTree.fromstring(b"".join(self._chunks(member)))
        except (ElementTree.ParseError, KeyError) as error:
            raise WorkbookError(_("The workbook is damaged (part %(part)s cannot be read: %(error)s); open it in "
                                  "Excel and save it again.") % {"part": member, "error": error}) from None

    def _read_sheet_list(self) -> list[SheetInfo]:
        workbook = self._read_xml("xl/workbook.xml")
        targets = {}
        if "xl/_rels/workbook.xml.rels" in self.zip.namelist():
            for rel in self._read_xml("xl/_rels/workbook.xml.rels").iter(f"{NS_PKG_REL}Relationship"):
                targets[rel.get("Id")] = rel.get("Target", "")
        sheets = []
        for node in workbook.iter(f"{NS_MAIN}sheet"):
            target = targets.get(node.get(f"{NS_REL}id"), "")
            path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
            try:
                size = self.zip.getinfo(path).file_size
            except KeyError:
                continue  # chart sheets and dialog sheets have no worksheet part we could read
            sheets.append(SheetInfo(node.get("name", ""), path, node.get("state", "visible"), size))
        return sheets

    def scan(self, sheet: SheetInfo) -> SheetScan:
        """Formula cells, merged ranges and the sheet's extent, found by a byte scan (cheap next to parsing the
        XML; done once per sheet). Raises WorkbookError when the sheet reaches beyond the caps."""
        if sheet.name in self._scans:
            return self._scans[sheet.name]
        scan = SheetScan()
        carry = b""
        patterns = None
        for chunk in self._chunks(sheet.path):
            buffer = carry + chunk
            if patterns is None:
                patterns = _ScanPatterns.of(buffer)
                self._check_declared(sheet, buffer, scan)
            # Cut after the last complete row so no cell is split between two scans.
            cut = buffer.rfind(patterns.row_end)
            if cut >= 0:
                cut += len(patterns.row_end)
            else:
                cut = len(buffer) if len(buffer) > 64 * CHUNK else 0
            self._scan_bytes(buffer[:cut], scan, patterns)
            self._check_extent(sheet, scan)
            carry = buffer[cut:]
        if carry:
            self._scan_bytes(carry, scan, patterns or _ScanPatterns.of(carry))
            self._check_extent(sheet, scan)
        self._scans[sheet.name] = scan
        return scan

    @staticmethod
    def _scan_bytes(data: bytes, scan: SheetScan, patterns: "_ScanPatterns") -> None:
        if patterns.formula_open in data:
            for match in _CELL_WITH_FORMULA.finditer(data):
                if len(scan.formula_cells) >= MAX_FORMULA_CELLS:
                    break
                ref = _REF_ATTR.search(match.group(1))
                if ref:
                    scan.formula_cells.append((int(ref.group(2)), _column_number(ref.group(1)) - 1))
        if b"mergeCell " in data:
            for ref in _MERGE.findall(data):
                try:
                    scan.merged.append(range_boundaries(ref.decode()))
                except ValueError:
                    raise WorkbookError(_("The workbook is damaged (the merged range %(range)s is not valid); open it "
                                          "in Excel and save it again.") % {"range": ref.decode()}) from None
        # Extent: the highest row element, then only cells that lie below it (none in a well-formed sheet) or
        # beyond column O are looked at one by one.
        rows = patterns.row_ref.findall(data)
        if rows:
            scan.max_row = max(scan.max_row, max(int(number) for number in rows))
        below = _greater_than(scan.max_row)
        if below.search(data):
            scan.max_row = max(scan.max_row, max(int(number) for number in _CELL_ROW.findall(data)))
        for letters in set(_WIDE_CELL.findall(data)):
            scan.max_column = max(scan.max_column, _column_number(letters))
        if not scan.unaddressed:
            scan.unaddressed = (data.count(patterns.row_open) != data.count(patterns.row_with_ref)
                                or data.count(patterns.cell_open) != data.count(patterns.cell_with_ref)
                                or patterns.bare_cell in data or patterns.empty_cell in data
                                or patterns.bare_row in data)

    def _check_declared(self, sheet: SheetInfo, head: bytes, scan: SheetScan) -> None:
        """The <dimension> element near the top of the sheet: what the writer says the sheet spans."""
        match = _DIMENSION.search(head, 0, 64 * 1024)
        if not match:
            return
        first_col, first_row, last_col, last_row = (part.decode() for part in match.groups(b""))
        rows = int(last_row or first_row or 0)
        columns = _column_number((last_col or first_col or "A").encode())
        scan.declared = (rows, columns, match.group(0).decode().split('"')[1])
        if rows > self.limits.max_rows or columns > self.limits.max_columns:
            raise WorkbookError(_(
                "Sheet “%(sheet)s” declares the range %(range)s, beyond what a ledger sheet may span (at most "
                "%(rows)d rows and %(columns)d columns, up to column %(last)s). Delete the empty rows and columns "
                "after the data (select them, right-click → Delete) and save the workbook again.")
                % {"sheet": sheet.name, "range": scan.declared[2], **self._cap_text()})

    def _check_extent(self, sheet: SheetInfo, scan: SheetScan) -> None:
        if scan.max_row > self.limits.max_rows or scan.max_column > self.limits.max_columns:
            raise WorkbookError(_(
                "Sheet “%(sheet)s” has cells up to row %(row)d, column %(column)s, beyond what a ledger sheet may "
                "span (at most %(rows)d rows and %(columns)d columns, up to column %(last)s). Delete the rows and "
                "columns after the data (select them, right-click → Delete) and save the workbook again.")
                % {"sheet": sheet.name, "row": scan.max_row, "column": column_letter(min(scan.max_column, 16384) - 1),
                   **self._cap_text()})

    def _cap_text(self) -> dict:
        return {"rows": self.limits.max_rows, "columns": self.limits.max_columns,
                "last": column_letter(self.limits.max_columns - 1)}

    def _chunks(self, member: str) -> Iterator[bytes]:
        """A part's bytes, inflated through the archive guard (never more than its directory entry declares)."""
        try:
            yield from iter_member(self.path, self.zip.getinfo(member), self.limits.archive)
        except ArchiveError as error:
            raise WorkbookError(_("The workbook is refused: %(reason)s") % {"reason": error}) from None
        except (zlib.error, OSError, EOFError) as error:
            raise WorkbookError(_("The workbook is damaged (part %(part)s cannot be decompressed: %(error)s); open "
                                  "it in Excel and save it again.") % {"part": member, "error": error}) from None

    # --- rows -----------------------------------------------------------------------------------------------

    def streams(self, sheet: SheetInfo) -> bool:
        """Whether the sheet is read with the streaming reader: large XML, cells spread over a large rectangle
        (calamine would allocate all of it), or positions that only counting reveals (the streaming reader
        enforces the caps on those as it goes)."""
        if sheet.xml_size > self._stream_bytes:
            return True
        scan = self.scan(sheet)
        return scan.unaddressed or scan.dense_cells > MAX_DENSE_CELLS

    def total_rows(self, sheet: SheetInfo) -> int | None:
        """The sheet's row count when cheaply known (for progress bars)."""
        if self.streams(sheet):
            return None
        loaded = self._calamine_sheet(sheet)
        return loaded.total_height

    def rows(self, sheet: SheetInfo, keep: bool = False) -> Iterator[tuple[int, list]]:
        """The sheet's rows; a sheet read with calamine is released after its last row unless `keep` (a first of
        two passes)."""
        if self.streams(sheet):
            yield from StreamingSheetReader(self).rows(sheet)
            return
        loaded = self._calamine_sheet(sheet)
        if loaded.start is None:
            return
        first_row, first_col = loaded.start
        padding = [None] * first_col
        try:
            for offset, row in enumerate(loaded.iter_rows()):
                yield first_row + offset + 1, padding + row if first_col else row
        except CalamineError as error:
            raise WorkbookError(_("The workbook is damaged (%(error)s); open it in Excel and save it again.")
                                % {"error": error}) from None
        if not keep:
            self._loaded.pop(sheet.name, None)

    def _calamine_sheet(self, sheet: SheetInfo):
        if sheet.name in self._loaded:
            return self._loaded[sheet.name]
        try:
            if self._calamine is None:
                self._calamine = CalamineWorkbook.from_path(self.path)
            # Parsing is the expensive part (the whole sheet XML): keep the result for the next caller.
            self._loaded[sheet.name] = self._calamine.get_sheet_by_name(sheet.name)
            return self._loaded[sheet.name]
        except (CalamineError, OSError, ValueError) as error:
            raise WorkbookError(_("The workbook is damaged (%(error)s); open it in Excel and save it again.")
                                % {"error": error}) from None


class StreamingSheetReader:
    """Reads a worksheet part with expat, one row at a time (bounded memory for very large sheets)."""

    def __init__(self, workbook: LedgerWorkbook):
        self.workbook = workbook
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.workbook.zip.namelist():
            return []
        strings: list[str] = []
        parts: list[str] = []
        depth = {"t": False, "rph": 0}

        def start(name, attrs):
            if name == "si":
                parts.clear()
            elif name == "rPh":
                depth["rph"] += 1  # phonetic guide text is not part of the value
            elif name == "t" and not depth["rph"]:
                depth["t"] = True

        def end(name):
            if name == "si":
                strings.append("".join(parts))
            elif name == "rPh":
                depth["rph"] -= 1
            elif name == "t":
                depth["t"] = False

        def text(data):
            if depth["t"]:
                parts.append(data)

        for _step in self._parse_steps("xl/sharedStrings.xml", start, end, text):
            pass
        return strings

    def _date_styles(self) -> set[int]:
        if "xl/styles.xml" not in self.workbook.zip.namelist():
            return set()
        root = self.workbook._read_xml("xl/styles.xml")
        custom = {int(n.get("numFmtId")): n.get("formatCode", "") for n in root.iter(f"{NS_MAIN}numFmt")}
        cell_xfs = root.find(f"{NS_MAIN}cellXfs")
        dates = set()
        for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
            fmt_id = int(xf.get("numFmtId", "0"))
            code = custom.get(fmt_id, BUILTIN_FORMATS.get(fmt_id, "General"))
            if is_date_format(code):
                dates.add(index)
        return dates

    def _parse_steps(self, member, start, end, text) -> Iterator[None]:
        """Parse a zip member with expat, yielding after each decompressed chunk."""
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
        try:
            for chunk in self.workbook._chunks(member):
                parser.Parse(chunk, False)
                yield
            parser.Parse(b"", True)
            yield
        except (expat.ExpatError, ValueError, IndexError) as error:
            raise WorkbookError(_("The workbook is damaged (invalid XML in %(part)s: %(error)s); open it in Excel "
                                  "and save it again.") % {"part": member, "error": error}) from None

    def rows(self, sheet: SheetInfo) -> Iterator[tuple[int, list]]:
        ready: list[tuple[int, list]] = []
        state = {"row": 0, "cells": {}, "col": -1, "type": "", "style": 0, "text": [], "in_value": False}
        max_rows, max_columns = self.workbook.limits.max_rows, self.workbook.limits.max_columns

        def start(name, attrs):
            if name == "row":
                state["row"] = int(attrs.get("r") or state["row"] + 1)
                state["cells"] = {}
                state["col"] = -1
                if state["row"] > max_rows:
                    self._beyond(sheet, state["row"], 0)
            elif name == "c":
                ref = attrs.get("r")
                state["col"] = _column_of(ref) if ref else state["col"] + 1
                if state["col"] >= max_columns:
                    self._beyond(sheet, state["row"], state["col"])
                state["type"] = attrs.get("t", "n")
                state["style"] = int(attrs.get("s", "0"))
                state["text"] = []
            elif name in ("v", "t"):
                state["in_value"] = True

        def end(name):
            if name in ("v", "t"):
                state["in_value"] = False
            elif name == "c":
                value = self._value(state["type"], "".join(state["text"]), state["style"])
                if value is not None:
                    state["cells"][state["col"]] = value
            elif name == "row":
                cells = state["cells"]
                if cells:
                    row = [None] * (max(cells) + 1)
                    for column, value in cells.items():
                        row[column] = value
                    ready.append((state["row"], row))

        def text(data):
            if state["in_value"]:
                state["text"].append(data)

        for _step in self._parse_steps(sheet.path, start, end, text):
            yield from ready
            ready.clear()

    def _beyond(self, sheet: SheetInfo, row: int, column: int):
        scan = SheetScan(max_row=row, max_column=column + 1)
        self.workbook._check_extent(sheet, scan)  # raises WorkbookError with the caps in the message

    def _value(self, kind: str, raw: str, style: int):
        if kind == "s":
            return self.shared[int(raw)] if raw else None
        if kind in ("inlineStr", "str", "e"):
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "d":
            return raw[:10]
        if raw == "":
            return None
        number = float(raw)
        if style in self.date_styles and 1 <= number < 2958466:
            return EXCEL_EPOCH + datetime.timedelta(days=int(number))
        return int(number) if number.is_integer() else number


@dataclass(frozen=True)
class _ScanPatterns:
    """Byte patterns of one sheet, for its namespace prefix (most writers use none; some write <x:row …>)."""

    row_end: bytes
    formula_open: bytes
    row_open: bytes
    row_with_ref: bytes
    bare_row: bytes
    cell_open: bytes
    cell_with_ref: bytes
    bare_cell: bytes
    empty_cell: bytes
    row_ref: re.Pattern

    @classmethod
    def of(cls, head: bytes) -> "_ScanPatterns":
        match = _ROOT_PREFIX.search(head)
        prefix = (match.group(1) + b":") if match and match.group(1) else b""
        return cls(row_end=b"</" + prefix + b"row>", formula_open=b"<" + prefix + b"f",
                   row_open=b"<" + prefix + b"row ", row_with_ref=b"<" + prefix + b'row r="',
                   bare_row=b"<" + prefix + b"row>",
                   cell_open=b"<" + prefix + b"c ", cell_with_ref=b"<" + prefix + b'c r="',
                   bare_cell=b"<" + prefix + b"c>", empty_cell=b"<" + prefix + b"c/>",
                   row_ref=re.compile(b"<" + re.escape(prefix) + rb'row\b[^>]*?\sr="([0-9]+)"'))


def _greater_than(number: int) -> re.Pattern:
    """A pattern for cell references whose row number is greater than `number` (built digit by digit, so the regex
    engine does the comparison: no Python work per cell)."""
    digits = str(number)
    length = len(digits)
    options = [b"[1-9][0-9]{%d,}" % length]  # more digits
    for index, digit in enumerate(digits):
        if digit != "9":
            rest = length - index - 1
            options.append(digits[:index].encode() + b"[%d-9]" % (int(digit) + 1) + (b"[0-9]{%d}" % rest if rest
                                                                                       else b""))
    return _greater_than_cache(b"|".join(options))


_compiled: dict[bytes, re.Pattern] = {}


def _greater_than_cache(alternatives: bytes) -> re.Pattern:
    if alternatives not in _compiled:
        if len(_compiled) > 256:
            _compiled.clear()
        _compiled[alternatives] = re.compile(rb' r="[A-Z]+(?:' + alternatives + rb')"')
    return _compiled[alternatives]


def _column_number(letters: bytes) -> int:
    """1-based column number of column letters; anything longer than three letters is beyond every sheet."""
    if len(letters) > 3:
        return 1 << 20
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _column_of(ref: str) -> int:
    return _column_number(ref.rstrip("0123456789").upper().encode()) - 1


def column_letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)
