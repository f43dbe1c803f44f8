"""Workbooks the ledger app writes: the export, the template, and the error report.

All three go through the platform's one workbook writer (socorg.core.xlsx): text starting with = + - @ (or a tab)
gets a leading apostrophe, so a spreadsheet never evaluates data as a formula (the import strips that apostrophe
again), and control characters are replaced. The export and the report are write-only (rows are streamed to disk,
memory stays flat).
"""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from socorg.core.audit import SYSTEM, audit_write
from socorg.core.crypto import mask
from socorg.core.scope import can, region_prefixes
from socorg.core.xlsx import SheetWriter, XlsxWriter, comment_of
from socorg.regions.models import Region

from .issues import Issue
from .sheets import NOTES_SHEET, SheetHandler, registered_sheets
from .workbook import LedgerWorkbook

DATE_FORMAT = "yyyy-mm-dd"
SENSITIVE_KEYS = {"phone", "id_number"}  # personal data: masked in exports unless revealed
REVEAL_CAPABILITY = "members.reveal"
HEADER_FONT = Font(bold=True)
REQUIRED_FONT = Font(bold=True, color="A61B1B")
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")


def _cell(sheet: SheetWriter, value):
    return sheet.new_cell(value, number_format=DATE_FORMAT if isinstance(value, datetime.date) else None)


def _header_cells(sheet: SheetWriter, handler: type[SheetHandler]) -> list:
    return [sheet.new_cell(column.header, font=REQUIRED_FONT if column.required else HEADER_FONT)
            for column in handler.columns]


def may_reveal(user, region_code: str = "") -> bool:
    """May `user` export phones in clear: the reveal capability over everything the export covers (the console
    operator, user None, may)."""
    if user is None:
        return True
    if region_code:
        return can(user, REVEAL_CAPABILITY, region_code)
    return all(can(user, REVEAL_CAPABILITY, p) for p in region_prefixes(user, "ledger.export"))


def export_ledger(path, *, user=None, region_code: str = "", reveal: bool = False) -> dict[str, int]:
    """Write every sheet the platform holds (all statuses) for the region (default: everything the user sees).
    Phones are masked (138****5678) unless `reveal` is asked by someone who may_reveal. Returns the row count per
    sheet. The export is audited, saying whether phones were revealed."""
    if reveal and not may_reveal(user, region_code):
        raise PermissionDenied(_("Exporting phone numbers in clear needs the right to reveal personal data over the "
                                 "whole export; export them masked instead."))
    prefix = ""
    if region_code:
        region = Region.objects.get(code=region_code)
        prefix = region.scope_prefix
    workbook = XlsxWriter()
    counts = {}
    for handler in registered_sheets():
        sheet = workbook.create_sheet(handler.sheet_name)
        sheet.freeze_panes = "A2"
        sheet.append(_header_cells(sheet, handler))
        count = 0
        masked = set() if reveal else {i for i, column in enumerate(handler.columns) if column.key in SENSITIVE_KEYS}
        for row in handler.export_rows(user, prefix):
            sheet.append([_cell(sheet, mask(value) if i in masked and value else value)
                          for i, value in enumerate(row)])
            count += 1
        counts[handler.sheet_name] = count
    workbook.save(path)
    audit_write(action="ledger.export", actor=user or SYSTEM, object_type="ledger.workbook",
                object_id=region_code or "*",
                object_repr=_("Ledger export %(region)s") % {"region": region_code or _("all regions")},
                after={"region": region_code, "rows": counts, "phones": "revealed" if reveal else "masked"})
    return counts


def write_template(path) -> None:
    """Headers (required ones in red), drop-down validation for enumerations, one example row, a notes sheet."""
    workbook = XlsxWriter(write_only=False)
    for handler in registered_sheets():
        sheet = workbook.create_sheet(handler.sheet_name)
        sheet.append([c.header for c in handler.columns])
        sheet.append([c.example if c.example != "" else None for c in handler.columns])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(handler.columns, start=1):
            cell = sheet.cell(row=1, column=index)
            cell.font = REQUIRED_FONT if column.required else HEADER_FONT
            letter = cell.column_letter
            sheet.column_dimensions[letter].width = max(12, len(column.header) * 2 + 4)
            if column.note:
                cell.comment = comment_of(column.note)
            if column.choices:
                validation = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"',
                                            allow_blank=not column.required, showErrorMessage=True,
                                            errorTitle=column.header,
                                            error="请从下拉列表中选择：" + " / ".join(column.choices))
                validation.add(f"{letter}2:{letter}100000")
                sheet.add_data_validation(validation)
            if column.key in ("uscc", "phone", "authority_region", "region"):
                for row in range(2, 3):
                    sheet.cell(row=row, column=index).number_format = "@"
    _notes_sheet(workbook)
    workbook.save(path)


def _notes_sheet(workbook) -> None:
    notes = workbook.create_sheet(NOTES_SHEET)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 26
    notes.column_dimensions["C"].width = 10
    notes.column_dimensions["D"].width = 90
    lines = [
        ["社会组织党建台账导入模板"],
        ["• 每个工作表都是可选的；工作表名称和表头须与模板一致"
         "（列的顺序可以调整，表头前后的空格、全角半角不影响识别）。"],
        ["• 第 2 行是示例，导入前请删除或改写。红色表头为必填列。"],
        ["• 日期：Excel 日期，或 YYYY-MM-DD、YYYY/MM/DD、YYYY年M月D日。是/否 填“是”或“否”。"],
        ["• 列表（覆盖社会组织、指导社会组织）：多个统一社会信用代码用 ; ； 、 或换行分隔。"],
        ["• 请输入数值，不要使用公式；不要合并单元格；不要隐藏台账工作表。"],
        ["• 导入前会校验全部行：有任何错误时不写入任何数据，并可下载标注了错误单元格的工作簿。"],
        ["• 重复导入同一文件不会产生重复记录：按统一社会信用代码、党组织名称、指导员姓名 + 联系电话匹配并更新。"],
        ["• 本说明工作表在导入时会被忽略。"],
        [],
        ["工作表", "表头", "必填", "说明"],
    ]
    for line in lines:
        notes.append(line)
    notes["A1"].font = Font(bold=True, size=14)
    notes.cell(row=len(lines), column=1).font = HEADER_FONT
    for handler in registered_sheets():
        for column in handler.columns:
            required = "是" if column.required else ""
            detail = str(column.note) or ("可选值：" + " / ".join(column.choices) if column.choices else "")
            notes.append([handler.sheet_name, column.header, required, detail])
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def write_report(source_path, target_path, errors: Iterable[Issue], warnings: Iterable[Issue] = ()) -> int:
    """The uploaded workbook written back with every bad cell filled red and a comment saying what is wrong (a
    bad row without a known column gets its first cell marked), plus a first sheet listing every error.
    Returns the number of cells marked."""
    marks: dict[tuple[str, int, int], list[str]] = {}
    widths: dict[tuple[str, int], int] = {}  # (sheet, row) → columns needed to reach the last marked cell
    errors = list(errors)
    for issue in errors:
        if issue.row is not None:
            col = issue.col_index or 0
            marks.setdefault((issue.sheet, issue.row, col), []).append(issue.message)
            widths[issue.sheet, issue.row] = max(widths.get((issue.sheet, issue.row), 0), col + 1)
    workbook = XlsxWriter()
    _summary_sheet(workbook, errors, list(warnings))
    with LedgerWorkbook(source_path) as source:
        for info in source.sheets:
            sheet = workbook.create_sheet(info.name)
            for number, cells in _dense_rows(source.rows(info)):
                width = max(len(cells), widths.get((info.name, number), 0))
                out = []
                for col in range(width):
                    value = cells[col] if col < len(cells) else None
                    cell = _cell(sheet, value if value != "" else None)
                    messages = marks.get((info.name, number, col))
                    if messages:
                        cell.fill = ERROR_FILL
                        cell.comment = comment_of("\n".join(messages), width=300, height=150)
                    out.append(cell)
                sheet.append(out)
    workbook.save(target_path)
    return len(marks)


def _dense_rows(rows):
    """Rows with the empty ones the reader skipped filled back in, so row numbers stay those of the original."""
    expected = 1
    for number, cells in rows:
        while expected < number:
            yield expected, []
            expected += 1
        yield number, cells
        expected = number + 1


def _summary_sheet(workbook: XlsxWriter, errors: list[Issue], warnings: list[Issue]) -> None:
    sheet = workbook.create_sheet(_("Import errors"))
    headers = [_("Sheet"), _("Row"), _("Column"), _("Value"), _("Message"), _("Kind")]
    sheet.append([sheet.new_cell(h, font=HEADER_FONT) for h in headers])
    for kind, issues in ((_("error"), errors), (_("warning"), warnings)):
        for issue in issues:
            sheet.append([_cell(sheet, v) for v in (issue.sheet, issue.row, issue.column, issue.value,
                                                    issue.message, kind)])
