"""Ledger sheets: the handler registry (base.py) and the handlers shipped with the ledger app."""

# Importing the modules registers their handlers.
from . import activities, orgs, party  # noqa: F401
from .base import KINDS, Column, Row, SheetHandler, handler_for, register_sheet, registered_sheets

__all__ = ["KINDS", "Column", "Row", "SheetHandler", "handler_for", "register_sheet", "registered_sheets"]
