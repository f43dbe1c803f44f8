"""Excel exports (openpyxl write-only: rows streamed, bounded memory): the figures table and the organizations
behind a number. Formatted header, frozen header row (and name column), rates as percentages."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from .tables import COLUMNS, figure_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="A61B1B")
THIN = Side(style="thin", color="BBBBBB")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(bold=True)
# Past this, an export is refused: narrow the region or the measure (Excel itself stops at 1,048,576 rows).
MAX_EXPORT_ROWS = 200_000


def _header(sheet, labels: list[str]) -> list:
    cells = []
    for label in labels:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font, cell.fill, cell.border = HEADER_FONT, HEADER_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cells.append(cell)
    return cells


def _cell(sheet, value, *, number_format: str | None = None, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    cell.border = BORDER
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = BOLD
    return cell


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def figures_workbook(figures) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Two coverages"))
    sheet.freeze_panes = "C3"
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 10
    for index in range(len(COLUMNS)):
        sheet.column_dimensions[chr(ord("C") + index)].width = 13
    title = _("%(region)s · two coverages as of %(date)s") % {"region": figures.region.full_name,
                                                               "date": figures.as_of.isoformat()}
    sheet.append([_cell(sheet, title, bold=True)])
    sheet.append(_header(sheet, [_("Unit"), _("Code"), *[column.label for column in COLUMNS]]))
    for row in figure_rows(figures):
        bold = row.kind == "total"
        cells = [_cell(sheet, row.label, bold=bold), _cell(sheet, row.code or "", bold=bold)]
        for column in COLUMNS:
            value = row.totals.get(column.key)
            cells.append(_cell(sheet, value, number_format="0.0%" if column.is_rate else "#,##0", bold=bold))
        sheet.append(cells)
    return _save(workbook)


ORG_COLUMNS = [
    ("uscc", gettext_lazy("Unified social credit code"), 22), ("name", gettext_lazy("Name"), 36),
    ("org_type", gettext_lazy("Type"), 16), ("category", gettext_lazy("Category"), 16),
    ("authority_region", gettext_lazy("Registration authority region"), 18),
    ("org_covered_formal", gettext_lazy("Org. covered (formal)"), 10),
    ("org_covered", gettext_lazy("Org. covered (incl. functional)"), 10),
    ("work_covered", gettext_lazy("Work covered"), 10),
    ("standalone", gettext_lazy("Standalone"), 10), ("full_members", gettext_lazy("Full members"), 10),
]


def orgs_workbook(rows, title: str) -> bytes:
    """rows: dicts with the ORG_COLUMNS keys (already translated display values)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Organizations"))
    sheet.freeze_panes = "C3"
    for index, (_key, _label, width) in enumerate(ORG_COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([_cell(sheet, title, bold=True)])
    sheet.append(_header(sheet, [label for _key, label, _width in ORG_COLUMNS]))
    for row in rows:
        sheet.append([_cell(sheet, row[key]) for key, _label, _width in ORG_COLUMNS])
    return _save(workbook)
