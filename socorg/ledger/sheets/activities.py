"""Sheet 「组织生活」: placeholder until the activities app registers its own handler.

The structure is checked like any sheet (headers, formulas, merged cells) so a workbook prepared today is known to
be importable later; the rows themselves are not written, and one warning says how many were skipped. The
activities app replaces this class by registering a handler with the same sheet_name (see base.py).
"""

from functools import partial

from django.utils.translation import gettext as _

from ..values import parse_text
from .base import Column, Row, SheetHandler, register_sheet

ACTIVITY_TYPES = ("支部党员大会", "支部委员会", "党小组会", "党课", "主题党日", "组织生活会", "民主评议党员")


@register_sheet
class ActivityPlaceholderSheet(SheetHandler):
    sheet_name = "组织生活"
    kind = "activities"
    order = 40
    supported = False
    columns = (
        Column("党组织名称", "party_org", True, partial(parse_text, max_length=200), note="须已存在"),
        Column("类型", "type", True, partial(parse_text, max_length=32), choices=ACTIVITY_TYPES),
        Column("日期", "date", True, note="日期，不晚于今天"),
        Column("主题", "topic", False),
        Column("应到人数", "expected", False),
        Column("实到人数", "attended", False, note="不大于应到人数"),
    )

    def __init__(self, run):
        super().__init__(run)
        self.skipped = 0

    def parse_row(self, row: Row) -> None:
        self.skipped += 1  # structure only: the values are checked by the activities app's handler

    def flush(self, rows: list[Row]) -> None:
        pass

    def finish(self) -> None:
        if self.skipped:
            self.run.warn(self, None, None, "", _("组织生活 records are not yet supported: %(count)d rows of sheet "
                                                  "「组织生活」 were checked for structure only and not imported.")
                          % {"count": self.skipped})
