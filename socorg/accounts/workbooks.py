"""The workbook of issued organization accounts (user names and one-time passwords, for distribution)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from socorg.ledger.values import neutralise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def org_accounts_workbook(issued) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Organization accounts"))
    header = [_("Unified social credit code"), _("Organization"), _("Region"), _("User name"),
              _("One-time password")]
    cells = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=label)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)
    for account in issued:
        org = account.organization
        sheet.append([neutralise(value) for value in (org.uscc, org.name, org.authority_region.full_name,
                                                      account.username, account.password)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
