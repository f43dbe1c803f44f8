"""The one writer for every workbook the platform produces (ledger export, template and error report, coverage
exports, and any export added later): a thin layer over openpyxl whose cells cannot carry a formula or a control
character, whatever the data holds.

- Formula injection (CSV/Excel injection, OWASP): text starting with = + - @ or with a tab or carriage return is
  written with a leading apostrophe, so a spreadsheet shows it as text and never evaluates it. The ledger import
  removes that apostrophe again (socorg.ledger.values.clean_text), so export → import round trips keep the text.
- Control characters (core.text.CONTROL_CHARACTERS: C0 but tab / line feed / carriage return, DEL, C1) cannot be
  stored in an xlsx cell — openpyxl refuses most of them, so one stray U+0001 in a name used to turn a whole export
  into a server error. They are written as U+FFFD “�”, so the reader sees that something was there.

Use: `book = XlsxWriter()`; `sheet = book.create_sheet(title)`; `sheet.append([value, sheet.new_cell(value, font=…),
…])`; `book.save(path)` or `book.to_bytes()`. Everything else (freeze_panes, column_dimensions, data validation) is
the openpyxl sheet's own. A test in core keeps openpyxl's Workbook out of every other module.
"""

import io

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment

from .text import CONTROL_CHARACTERS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT_MARKER = "'"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
REPLACEMENT = "\ufffd"
# Past this many rows a list export is refused (the user narrows the region or the filter); Excel itself stops at
# 1,048,576 rows, and a write-only sheet of this size stays within a request's time.
MAX_EXPORT_ROWS = 200_000


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as it is: control characters replaced, a leading formula character quoted."""
    text = CONTROL_CHARACTERS.sub(REPLACEMENT, text)
    if text[:1] in FORMULA_STARTS:
        return TEXT_MARKER + text
    return text


def safe_value(value):
    """Any cell value made safe: text through safe_text (lazy translations included), everything else as is."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str):
        return safe_text(value)
    return value


class XlsxWriter:
    """A workbook under construction. `write_only=True` (the default) streams rows to disk: memory stays flat for
    any number of rows; `write_only=False` allows what only a full workbook has (data validation on ranges, comments
    on header cells written after the rows)."""

    def __init__(self, *, write_only: bool = True):
        self.write_only = write_only
        self.book = Workbook(write_only=write_only)
        if not write_only:
            self.book.remove(self.book.active)

    def create_sheet(self, title: str) -> "SheetWriter":
        return SheetWriter(self.book.create_sheet(CONTROL_CHARACTERS.sub("", str(title))), self.write_only)

    def save(self, target) -> None:
        self.book.save(target)

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


class SheetWriter:
    """One sheet: every appended value passes safe_value, also the value of a cell made elsewhere."""

    def __init__(self, sheet, write_only: bool):
        object.__setattr__(self, "sheet", sheet)
        object.__setattr__(self, "write_only", write_only)

    def new_cell(self, value, *, font=None, fill=None, border=None, alignment=None, number_format: str | None = None,
             comment: str | None = None):
        """A styled cell for append() (write-only workbooks)."""
        cell = WriteOnlyCell(self.sheet, value=safe_value(value))
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if border is not None:
            cell.border = border
        if alignment is not None:
            cell.alignment = alignment
        if number_format:
            cell.number_format = number_format
        if comment:
            cell.comment = comment_of(comment)
        return cell

    def append(self, row) -> None:
        values = []
        for value in row:
            if isinstance(value, Cell):
                value.value = safe_value(value.value)
            else:
                value = safe_value(value)
            values.append(value)
        self.sheet.append(values)

    def __getattr__(self, name):  # freeze_panes, column_dimensions, add_data_validation, cell(row=, column=), …
        return getattr(self.sheet, name)

    def __setattr__(self, name, value):
        setattr(self.sheet, name, value)

    def __getitem__(self, key):
        return self.sheet[key]


def comment_of(text: str, author: str = "socorg", **size) -> Comment:
    """A cell comment (notes, error messages; `size`: width, height in points). Comments are never evaluated, but
    a control character would still break the file."""
    return Comment(CONTROL_CHARACTERS.sub(REPLACEMENT, str(text)), author, **size)


def header_style() -> dict:
    """The look of a list's header cells (white bold on the platform's red, centred, wrapped, thin borders)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    return {"font": Font(bold=True, color="FFFFFF"), "fill": PatternFill("solid", fgColor="A61B1B"),
            "border": thin_border(), "alignment": Alignment(horizontal="center", vertical="center", wrap_text=True)}


def thin_border():
    from openpyxl.styles import Border, Side

    thin = Side(style="thin", color="BBBBBB")
    return Border(left=thin, right=thin, top=thin, bottom=thin)


def table_workbook(*, sheet_title: str, title: str, columns, rows, freeze: str = "C3") -> bytes:
    """A one-sheet list for a person: a bold title line, a coloured header, then one row per item, thin borders.

    `columns`: (label, width) pairs; `rows`: iterables of values in column order (streamed: write-only sheet).
    Every list export (the organizations behind a number, a completion table, …) uses this, so they all look alike.
    """
    from openpyxl.styles import Font

    border, header = thin_border(), header_style()
    workbook = XlsxWriter()
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = freeze
    columns = list(columns)
    for index, (_label, width) in enumerate(columns):
        sheet.column_dimensions[_column_letter(index)].width = width
    sheet.append([sheet.new_cell(title, font=Font(bold=True))])
    sheet.append([sheet.new_cell(label, **header) for label, _width in columns])
    for row in rows:
        sheet.append([sheet.new_cell(value, border=border) for value in row])
    return workbook.to_bytes()


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
