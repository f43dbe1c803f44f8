"""Opening a ledger workbook: the container checks, the sheet list, and two row readers.

Rows are read with python-calamine (Rust, fast) while a sheet's XML is small enough for calamine's in-memory range;
a larger sheet (a million rows would need more than a gigabyte there) is streamed with expat from the zip member,
holding one row at a time plus the shared-string table. Both readers yield (Excel row number, [cell values]).

Before any row is read, a byte scan of each sheet's XML finds formula cells and merged ranges: calamine returns
only a formula's cached value, and merged header cells would silently lose their columns.
"""

import datetime
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree import ElementTree
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.cell import column_index_from_string, range_boundaries
from python_calamine import CalamineError, CalamineWorkbook

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
_CELL_WITH_FORMULA = re.compile(rb"<c\b([^>]*)>\s*<f[\s>/]")
_REF_ATTR = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_MERGE = re.compile(rb'<mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


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
        check_container(self.path)
        try:
            self.zip = zipfile.ZipFile(self.path)
            names = set(self.zip.namelist())
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise WorkbookError(_("The workbook is damaged (the .xlsx container cannot be opened: %(error)s); "
                                  "open it in Excel, repair it if asked, and save it again.")
                                % {"error": error}) from None
        if "xl/workbook.xml" not in names:
            self.zip.close()
            raise WorkbookError(_("The file is a zip archive but not an Excel workbook (no xl/workbook.xml): "
                                  "upload the .xlsx ledger workbook."))
        self.sheets = self._read_sheet_list()
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

    def _read_xml(self, member: str) -> ElementTree.Element:
        try:
            return ElementTree.fromstring(self.zip.read(member))
        except (zipfile.BadZipFile, ElementTree.ParseError, OSError, EOFError, KeyError) as error:
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
        """Formula cells and merged ranges, found by a byte scan (cheap next to parsing the XML)."""
        scan = SheetScan()
        carry = b""
        for chunk in self._chunks(sheet.path):
            buffer = carry + chunk
            # Cut after the last complete row so no cell is split between two scans.
            cut = buffer.rfind(b"</row>")
            if cut >= 0:
                cut += len(b"</row>")
            else:
                cut = len(buffer) if len(buffer) > 64 * CHUNK else 0
            self._scan_bytes(buffer[:cut], scan)
            carry = buffer[cut:]
        self._scan_bytes(carry, scan)
        return scan

    @staticmethod
    def _scan_bytes(data: bytes, scan: SheetScan) -> None:
        if b"<f" in data and len(scan.formula_cells) < MAX_FORMULA_CELLS:
            for match in _CELL_WITH_FORMULA.finditer(data):
                ref = _REF_ATTR.search(match.group(1))
                if ref:
                    column = column_index_from_string(ref.group(1).decode()) - 1
                    scan.formula_cells.append((int(ref.group(2)), column))
        if b"<mergeCell " in data:
            scan.merged.extend(range_boundaries(ref.decode()) for ref in _MERGE.findall(data))

    def _chunks(self, member: str) -> Iterator[bytes]:
        try:
            with self.zip.open(member) as stream:
                while chunk := stream.read(CHUNK):
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise WorkbookError(_("The workbook is damaged (sheet data cannot be decompressed: %(error)s); open it "
                                  "in Excel and save it again.") % {"error": error}) from None

    # --- rows -----------------------------------------------------------------------------------------------

    def streams(self, sheet: SheetInfo) -> bool:
        return sheet.xml_size > self._stream_bytes

    def total_rows(self, sheet: SheetInfo) -> int | None:
        """The sheet's row count when cheaply known (for progress bars)."""
        if self.streams(sheet):
            return None
        loaded = self._calamine_sheet(sheet)
        return loaded.total_height

    def rows(self, sheet: SheetInfo) -> Iterator[tuple[int, list]]:
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
        except expat.ExpatError as error:
            raise WorkbookError(_("The workbook is damaged (invalid XML in %(part)s: %(error)s); open it in Excel "
                                  "and save it again.") % {"part": member, "error": error}) from None

    def rows(self, sheet: SheetInfo) -> Iterator[tuple[int, list]]:
        ready: list[tuple[int, list]] = []
        state = {"row": 0, "cells": {}, "col": -1, "type": "", "style": 0, "text": [], "in_value": False}

        def start(name, attrs):
            if name == "row":
                state["row"] = int(attrs.get("r") or state["row"] + 1)
                state["cells"] = {}
                state["col"] = -1
            elif name == "c":
                ref = attrs.get("r")
                state["col"] = _column_of(ref) if ref else state["col"] + 1
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


def _column_of(ref: str) -> int:
    letters = ref.rstrip("0123456789")
    return column_index_from_string(letters) - 1


def column_letter(index: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)
