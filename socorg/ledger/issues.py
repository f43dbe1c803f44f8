"""What an import found wrong: errors (nothing is written) and warnings, each with its sheet, row and column.

The import engine and the sheet handlers report through one IssueLog; the summary, the web page, the command and
the marked workbook (writers.write_report) all read it.
"""

from dataclasses import asdict, dataclass, field

from django.utils.translation import gettext as _

from .values import clean_text, is_blank

MAX_ISSUES = 100_000  # errors beyond this are counted, not listed


@dataclass
class Issue:
    sheet: str
    row: int | None  # the row number Excel shows; None for whole-file and whole-sheet issues
    column: str  # the column's header
    value: str
    message: str
    col_index: int | None = None  # 0-based, for marking the cell in the report workbook

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("col_index")
        return data

    @classmethod
    def of_cell(cls, sheet: str, row: int | None, column: str, value, message: str,
                col_index: int | None = None) -> "Issue":
        """An issue about a raw cell value (shown cleaned, empty for a blank cell)."""
        return cls(sheet, row, column, "" if is_blank(value) else clean_text(value), message, col_index)


@dataclass
class IssueLog:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    dropped_errors: int = 0

    def error(self, issue: Issue) -> None:
        if len(self.errors) >= MAX_ISSUES:
            self.dropped_errors += 1
            return
        self.errors.append(issue)

    def warn(self, issue: Issue) -> None:
        self.warnings.append(issue)

    def file_error(self, message: str) -> None:
        """An error about the workbook as a whole (no sheet, no row)."""
        self.errors.append(Issue("", None, "", "", message))

    def close(self) -> None:
        """Called once at the end: say how many errors were left out of the list."""
        if self.dropped_errors:
            self.warnings.append(Issue("", None, "", "", _(
                "%(count)d further errors were found but not listed; correct the ones above and import again.")
                % {"count": self.dropped_errors}))
            self.dropped_errors = 0

    def as_dicts(self) -> dict[str, list[dict]]:
        return {"errors": [issue.as_dict() for issue in self.errors],
                "warnings": [issue.as_dict() for issue in self.warnings]}
