"""The ledger's sheet framework: the handler registry and base class (base.py).

The handlers live with their domain apps and register themselves from their AppConfig.ready():
socorg/registry/ledger.py (「社会组织」), socorg/party/ledger.py (「党组织」, 「党建工作指导员」),
socorg/activities/ledger.py (「组织生活」).
"""

from .base import NOTES_SHEET, Column, Row, SheetHandler, handler_for, kinds, register_sheet, registered_sheets

__all__ = ["NOTES_SHEET", "Column", "Row", "SheetHandler", "handler_for", "kinds", "register_sheet",
           "registered_sheets"]
