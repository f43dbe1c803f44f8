"""Excel exports (through socorg.core.xlsx, write-only: rows streamed, bounded memory): the figures table and the
organizations behind a number. Formatted header, frozen header row (and name column), rates as percentages."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font

from socorg.core.xlsx import (
    MAX_EXPORT_ROWS,
    XLSX_TYPE,
    SheetWriter,
    XlsxWriter,
    header_style,
    table_workbook,
    thin_border,
)

from .tables import COLUMNS, figure_rows

__all__ = ["MAX_EXPORT_ROWS", "XLSX_TYPE", "figures_workbook", "orgs_workbook"]
BORDER = thin_border()
BOLD = Font(bold=True)


def _header(sheet: SheetWriter, labels: list[str]) -> list:
    style = header_style()
    return [sheet.new_cell(label, **style)
            for label in labels]


def _cell(sheet: SheetWriter, value, *, number_format: str | None = None, bold: bool = False):
    return sheet.new_cell(value, border=BORDER, number_format=number_format, font=BOLD if bold else None)


def figures_workbook(figures) -> bytes:
    workbook = XlsxWriter()
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
    return workbook.to_bytes()


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
    return table_workbook(sheet_title=_("Organizations"), title=title,
                          columns=[(label, width) for _key, label, width in ORG_COLUMNS],
                          rows=([row[key] for key, _label, _width in ORG_COLUMNS] for row in rows))
