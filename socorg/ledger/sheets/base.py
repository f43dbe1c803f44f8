"""The sheet-handler registry: one class per ledger sheet.

A handler declares its sheet name, its columns (header, key, required, parser) and how a chunk of validated rows is
compared with the database and written. The import engine (importer.py) does everything generic: finding the
header row, matching headers, parsing cells, collecting errors, chunking, the transaction.

Each sheet lives with its domain app, in that app's ledger.py, imported from its AppConfig.ready() (the
registration); e.g. socorg/activities/ledger.py:

    from socorg.ledger.sheets import SheetHandler, register_sheet

    @register_sheet
    class ActivitySheet(SheetHandler):
        sheet_name = "组织生活"
        kind = "activities"
        kind_label = _("Organizational life")
        order = 40
        columns = (...)
        def flush(self, rows): ...

The summary counts one entry per registered kind, in the handlers' order. Registering a handler under a sheet
name that already exists replaces the earlier one.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..values import CellError

# Values a column's own parser may hand to several rows (immutable); lists and dicts are parsed per cell.
SHAREABLE = frozenset({str, int, float, bool, datetime.date, datetime.datetime, Decimal, type(None)})
PARSED_CACHE_SIZE = 4096  # distinct cells remembered per column; columns of unique values stop adding there


@dataclass(frozen=True, eq=False)  # identity equality: columns are singletons of their handler
class Column:
    header: str  # the Chinese header, exactly as in the format
    key: str
    required: bool = False  # the cell must not be empty (see SheetHandler.check_required for conditional rules)
    # raw cell → value; raises CellError. A pure function of the cell (state of the run, such as the regions or the
    # rows read so far, is bound in SheetHandler.parsers()): the engine parses a value repeated down the column once.
    parse: Callable[[Any], Any] | None = None
    default: Any = None
    note: str = ""  # shown in the template's notes sheet
    choices: tuple[str, ...] = ()  # drop-down values in the template
    example: Any = ""


@dataclass
class Row:
    """One data row being validated: its Excel row number, parsed values and whether a cell failed."""

    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    failed: bool = False


class SheetHandler:
    sheet_name: ClassVar[str]
    kind: ClassVar[str]  # the key of the summary counts, e.g. "orgs"
    kind_label: ClassVar[str] = ""  # what the counts are of, for people (gettext_lazy), e.g. 社会组织
    order: ClassVar[int] = 100
    columns: ClassVar[tuple[Column, ...]] = ()

    # Columns the engine reads ahead, before any sheet is written (ImportRun._preread); see preread().
    preread_keys: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, run):
        self.run = run
        self._plan: tuple[dict, list, list] | None = None

    def parsers(self) -> dict[str, Callable[[Any], Any]]:
        """Column key → parser used for this run (the columns' own by default; a handler may bind run state)."""
        return {column.key: column.parse for column in self.columns if column.parse}

    def preread_parsers(self) -> dict[str, Callable[[Any], Any]]:
        """The parsers of the columns read ahead (ImportRun._preread): parsers() unless a handler can do with less."""
        return self.parsers()

    # --- per row ---------------------------------------------------------------------------------------------

    def _parse_plan(self) -> tuple[dict, list, list]:
        """What parse_row needs, worked out once per sheet (the header mapping is known by the first data row):
        per mapped column its key, whether it is required, its header, its parser and the cache of the values it
        parsed — for the column's own parser only (pure: Column.parse), not for one a handler bound to the run."""
        if self._plan is None:
            defaults = {column.key: column.default for column in self.columns}
            list_keys = [key for key, default in defaults.items() if isinstance(default, list)]
            parsers = self.parsers()
            mapped = [(column.key, column.required, column.header, parsers.get(column.key),
                       {} if column.parse is not None and parsers.get(column.key) is column.parse else None)
                      for column in self.run.mapped_columns(self)]
            self._plan = (defaults, list_keys, mapped)
        return self._plan

    def parse_row(self, row: Row) -> None:
        """Parse every mapped cell (absent columns take their default); then the handler's own checks. Hot: one
        call per row. A cell equal to one parsed before in the column (same type and value: 1, 1.0 and True are
        different cells) gets that parse's value without parsing again — the same verdict, as a column's parser
        is a pure function of the cell; failures are not remembered (each is reported on its own row)."""
        defaults, list_keys, mapped = self._parse_plan()
        values = row.values = dict(defaults)
        for key in list_keys:
            values[key] = list(defaults[key])
        raw_cells = row.raw
        for key, required, header, parse, cache in mapped:
            raw = raw_cells.get(key)
            if raw is None:  # the importer leaves blank cells out of row.raw
                if required:
                    self.run.error(self, row.number, key, raw,
                                   _("%(header)s is required; the cell is empty.") % {"header": header})
                    row.failed = True
                continue
            if parse is None:
                values[key] = raw
                continue
            if cache is not None:
                cell = raw if type(raw) is str else (type(raw), raw)
                if cell in cache:
                    values[key] = cache[cell]
                    continue
            try:
                value = values[key] = parse(raw)
            except CellError as error:
                self.run.error(self, row.number, key, raw, str(error))
                row.failed = True
                continue
            if cache is not None and len(cache) < PARSED_CACHE_SIZE and type(value) in SHAREABLE:
                cache[cell] = value
        if not row.failed:
            self.check_row(row)

    def check_row(self, row: Row) -> None:
        """Cross-field and in-file checks of one parsed row; report with self.run.error(...), set row.failed."""

    def fail(self, row: Row, key: str, message: str) -> None:
        self.run.error(self, row.number, key, row.raw.get(key), message)
        row.failed = True

    def counted(self, creates: list, updates: list) -> bool:
        """Count what a flush creates and updates; True when the run writes (not a dry run)."""
        self.run.count(self.kind, "created", len(creates))
        self.run.count(self.kind, "updated", len(updates))
        return self.run.writing

    def once(self, row: Row, seen: dict, key, field: str, message: str, **params) -> bool:
        """The one check that a row appears once in its sheet: `seen` maps each row key met so far to its row
        number. A repeated key fails the row at `field` with `message` % {"row": first row, **params}."""
        if key in seen:
            self.fail(row, field, message % {"row": seen[key], **params})
            return False
        seen[key] = row.number
        return True

    def check(self, row: Row, key: str, rule, **kwargs) -> None:
        """Apply a cross-field rule of socorg.*.rules to the row; its ValidationError fails the row at `key`."""
        try:
            rule(**kwargs)
        except ValidationError as error:
            self.fail(row, key, " ".join(error.messages))

    def preread(self, values: dict) -> None:
        """One row's `preread_keys` values, parsed by the columns' parsers (an absent cell: the column's default),
        handed over before any sheet is written — e.g. the party sheets' lists of organizations, so that new
        organizations are inserted with their final coverage flags. Only while writing; a row with a cell that
        does not parse is skipped (the import's own pass reports it, and an import with errors writes nothing)."""

    # --- per chunk and at the end ----------------------------------------------------------------------------

    def flush(self, rows: list[Row]) -> None:
        """Compare a chunk of valid rows with the database, count created / updated / unchanged, and write when
        self.run.writing (no error anywhere so far and not a dry run)."""
        raise NotImplementedError

    def finish(self) -> None:
        """After the last chunk (links between rows of the same sheet, e.g. parent party organizations)."""

    # --- export ----------------------------------------------------------------------------------------------

    @classmethod
    def export_rows(cls, user, prefix: str) -> Iterator[list]:
        """Rows for the export in the order of `columns`: what `user` may see (None = everything) under the region
        scope prefix ("" = all). The workbook writer (core.xlsx) neutralises formula text."""
        return iter(())

    @classmethod
    def column(cls, key: str) -> Column:
        return next(c for c in cls.columns if c.key == key)


_registry: dict[str, type[SheetHandler]] = {}

# The instructions sheet the template carries (ledger.writers): part of the template, so an upload skips it silently.
NOTES_SHEET = "填写说明"


def register_sheet(handler: type[SheetHandler]) -> type[SheetHandler]:
    """Class decorator: make a handler responsible for its sheet (replacing an earlier one of the same name)."""
    _registry[handler.sheet_name] = handler
    return handler


def registered_sheets() -> list[type[SheetHandler]]:
    return sorted(_registry.values(), key=lambda handler: handler.order)


def handler_for(sheet_name: str) -> type[SheetHandler] | None:
    return _registry.get(sheet_name)


def kinds() -> dict[str, str]:
    """Summary kind → its label, for every registered sheet in the handlers' order."""
    return {handler.kind: str(handler.kind_label or handler.sheet_name) for handler in registered_sheets()}
