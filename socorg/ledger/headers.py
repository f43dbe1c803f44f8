"""The header row of a sheet: finding it below optional title rows, and mapping its cells to the handler's columns.

Headers match when equal after removing white space, full-/half-width differences and a leading or trailing `*`;
columns may come in any order. Unknown headers are warnings; a missing required column, a duplicate header, a
merged or formula header cell are errors.
"""

import difflib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .issues import Issue, IssueLog
from .sheets import Column, SheetHandler
from .values import clean_text, is_blank
from .workbook import SheetScan

HEADER_SEARCH_ROWS = 10


def normalize_header(text) -> str:
    """Headers match ignoring white space, full-/half-width differences and required-field asterisks."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split()).strip("*")


def normalize_sheet_name(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class HeaderMapping:
    """Which column of the sheet holds which of the handler's columns."""

    number: int  # the header row's Excel row number
    by_index: dict[int, Column]  # 0-based column index → column
    keys_by_index: list[str | None]  # index → column key (None: unmapped), up to the last mapped column

    @classmethod
    def of(cls, number: int, by_index: dict[int, Column]) -> "HeaderMapping":
        width = max(by_index, default=-1) + 1
        return cls(number, by_index, [by_index[i].key if i in by_index else None for i in range(width)])

    def columns_of(self, handler: type[SheetHandler] | SheetHandler) -> list[Column]:
        """The handler's columns present in the sheet, in the handler's order."""
        present = {column.key for column in self.by_index.values()}
        return [column for column in handler.columns if column.key in present]

    def has(self, key: str) -> bool:
        return any(column.key == key for column in self.by_index.values())

    def index_of(self, key: str) -> int | None:
        return next((index for index, column in self.by_index.items() if column.key == key), None)


def find_header(handler: SheetHandler, rows: Iterator, issues: IssueLog) -> tuple[int, list] | None:
    """The header row: the first of the leading rows that names at least two known headers (title rows above it
    are allowed); `rows` is left positioned after it. Without one, the first non-empty row is reported with the
    nearest known headers."""
    known = {normalize_header(c.header) for c in handler.columns}
    leading = []
    for number, cells in rows:
        if all(is_blank(v) for v in cells):
            continue
        leading.append((number, cells))
        matches = sum(1 for v in cells if normalize_header(v) in known)
        if matches >= min(2, len(known)):
            return number, cells
        if len(leading) >= HEADER_SEARCH_ROWS:
            break
    if not leading:
        issues.warn(Issue(handler.sheet_name, None, "", "", _("Sheet “%(sheet)s” is empty and was skipped.")
                          % {"sheet": handler.sheet_name}))
        return None
    number, cells = leading[0]
    hints = []
    for value in cells:
        if is_blank(value):
            continue
        close = difflib.get_close_matches(normalize_header(value), [c.header for c in handler.columns], n=1,
                                          cutoff=0.4)
        if close:
            hints.append(f"“{clean_text(value)}” → “{close[0]}”")
    required = "、".join(c.header for c in handler.columns if c.required)
    message = _("No header row found: the first row must hold the column headers (required: %(required)s).") % {
        "required": required}
    if hints:
        message += " " + _("Did you mean: %(hints)s?") % {"hints": "; ".join(hints)}
    issues.error(Issue(handler.sheet_name, number, "", "", message))
    return None


def map_headers(handler: SheetHandler, number: int, cells: list, scan: SheetScan,
                issues: IssueLog) -> tuple[HeaderMapping, bool]:
    """The mapping of the header row, and whether the sheet's rows can be read with it (no header error)."""
    sheet = handler.sheet_name
    by_name = {normalize_header(c.header): c for c in handler.columns}
    mapping: dict[int, Column] = {}
    unknown: dict[int, str] = {}
    ok = True
    for index, value in enumerate(cells):
        if is_blank(value):
            continue
        column = by_name.get(normalize_header(value))
        if column is None:
            unknown[index] = clean_text(value)
        elif column in mapping.values():
            issues.error(Issue(sheet, number, column.header, clean_text(value), _(
                "The header “%(header)s” appears twice; keep one column per header.") % {"header": column.header},
                index))
            ok = False
        else:
            mapping[index] = column
    for (min_col, min_row, max_col, max_row) in scan.merged:
        if min_row <= number <= max_row:
            ok = False
            issues.error(Issue(sheet, number, "", "", _(
                "Header cells %(range)s are merged: every column needs its own header cell. Unmerge them and "
                "write one header per column.") % {"range": range_text(min_col, min_row, max_col, max_row)},
                min_col - 1))
    for row, col in scan.formula_cells:
        if row == number:
            ok = False
            issues.error(Issue(sheet, number, "", clean_text(cells[col]) if col < len(cells) else "",
                               _("The header cell is a formula; type the header text."), col))
    present = set(mapping.values())
    for column in handler.columns:
        if column.required and column not in present:
            ok = False
            issues.error(Issue(sheet, number, column.header, "", _missing_header_message(column, unknown)))
    for index, text in unknown.items():
        close = difflib.get_close_matches(normalize_header(text), [c.header for c in handler.columns
                                                                   if c not in present], n=1, cutoff=0.5)
        message = (_("Unknown column “%(header)s” was ignored; did you mean “%(close)s”?")
                   % {"header": text, "close": close[0]} if close else
                   _("Unknown column “%(header)s” was ignored.") % {"header": text})
        issues.warn(Issue(sheet, number, text, text, message, index))
    return HeaderMapping.of(number, mapping), ok


def _missing_header_message(column: Column, unknown: dict[int, str]) -> str:
    close = difflib.get_close_matches(normalize_header(column.header),
                                      [normalize_header(t) for t in unknown.values()], n=1, cutoff=0.4)
    if close:
        original = next(t for t in unknown.values() if normalize_header(t) == close[0])
        return _("The required column “%(header)s” is missing; the header “%(close)s” looks like a misspelling "
                 "of it: correct it to “%(header)s”.") % {"header": column.header, "close": original}
    return _("The required column “%(header)s” is missing: add a column with exactly this header.") % {
        "header": column.header}


def range_text(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    from openpyxl.utils.cell import get_column_letter

    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"
