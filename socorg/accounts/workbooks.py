"""The workbook of issued organization accounts (user names and one-time passwords, for distribution)."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from socorg.core.xlsx import XLSX_TYPE as XLSX
from socorg.core.xlsx import XlsxWriter

__all__ = ["XLSX", "org_accounts_workbook"]


def org_accounts_workbook(issued) -> bytes:
    """Written by the platform's one workbook writer (socorg.core.xlsx: formula-like text quoted)."""
    workbook = XlsxWriter()
    sheet = workbook.create_sheet(_("Organization accounts"))
    header = [_("Unified social credit code"), _("Organization"), _("Region"), _("User name"),
              _("One-time password")]
    sheet.append([sheet.new_cell(label, font=Font(bold=True)) for label in header])
    for account in issued:
        org = account.organization
        sheet.append([org.uscc, org.name, org.authority_region.full_name, account.username, account.password])
    return workbook.to_bytes()
