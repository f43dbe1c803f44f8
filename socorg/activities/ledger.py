"""The ledger's 「组织生活」 sheet (ledger-format.md): one row per meeting, keyed by 党组织名称 + 类型 + 日期 + 主题.

Registered from ActivitiesConfig.ready(). The same rules as
activities.services apply (date not in the future nor before the founding, actual ≤ expected attendance, the
party organization inside the importer's activities.change scope); rows are matched on their key and updated, never
duplicated, so re-importing a file changes nothing."""

import dataclasses
from functools import partial

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.core.audit import AuditRecord
from socorg.core.scope import prefix_filter
from socorg.ledger.sheets import Column, Row, SheetHandler, register_sheet
from socorg.ledger.values import not_future_date, parse_choice, parse_int, parse_text
from socorg.party.ledger import PartySheetState
from socorg.party.models import PartyOrganization

from .choices import LEDGER_NAMES, TYPE_BY_LEDGER_NAME
from .models import Activity

CHANGE = "activities.change"


@dataclasses.dataclass
class ActivitySheetState:
    seen: dict[tuple, int] = dataclasses.field(default_factory=dict)  # (party organization, type, date, topic) → row


@register_sheet
class ActivitySheet(SheetHandler):
    sheet_name = "组织生活"
    kind = "activities"
    kind_label = gettext_lazy("Organizational life")
    order = 40
    columns = (
        Column("党组织名称", "party_org", True, partial(parse_text, max_length=200),
               note="须已存在（系统中或本工作簿「党组织」表）", example="中共昆明市五华区示例行业协会支部委员会"),
        Column("类型", "type", True, partial(parse_choice, labels=TYPE_BY_LEDGER_NAME),
               choices=tuple(TYPE_BY_LEDGER_NAME), example="支部党员大会"),
        Column("日期", "date", True, not_future_date, note="日期，不晚于今天", example="2025-03-28"),
        Column("主题", "topic", False, partial(parse_text, max_length=200), default="", example="学习党章"),
        Column("应到人数", "expected", False, parse_int, example=12),
        Column("实到人数", "attended", False, parse_int, note="不大于应到人数", example=11),
    )

    def check_row(self, row: Row) -> None:
        values = row.values
        values["topic"] = values.get("topic") or ""
        expected, attended = values.get("expected"), values.get("attended")
        if expected is not None and attended is not None and attended > expected:
            self.fail(row, "attended", _("The actual attendance (%(actual)d) exceeds the expected attendance "
                                         "(%(expected)d); expected at most %(expected)d.")
                      % {"actual": attended, "expected": expected})
            return
        key = (values["party_org"], values["type"], values["date"], values["topic"])
        seen = self.run.state(ActivitySheetState).seen
        if key in seen:
            self.fail(row, "topic", _("The same party organization, type, date and topic already appear in row "
                                      "%(row)d of this sheet; each meeting appears once.") % {"row": seen[key]})
            return
        seen[key] = row.number

    def flush(self, rows: list[Row]) -> None:
        rows = [row for row in rows if not row.failed]
        orgs = {p.name: p for p in PartyOrganization.objects.filter(name__in={r.values["party_org"] for r in rows})}
        in_file = self.run.state(PartySheetState).index
        existing = self._existing(orgs, rows)
        creates, updates = [], []
        for row in rows:
            values = row.values
            party_org = orgs.get(values["party_org"])
            if party_org is None:
                if values["party_org"] in in_file and not self.run.writing:
                    creates.append((row, None))  # created by the 「党组织」 sheet of this workbook
                    continue
                self.fail(row, "party_org", _("No party organization “%(name)s” exists, in the system or in this "
                                              "workbook's 「党组织」 sheet.") % {"name": values["party_org"]})
                continue
            if not self._allowed(row, party_org):
                continue
            key = (party_org.pk, values["type"], values["date"], values["topic"])
            current = existing.get(key)
            if current is None:
                creates.append((row, party_org))
            elif (current.expected_attendance, current.actual_attendance) != (values["expected"], values["attended"]):
                updates.append((row, current))
            else:
                self.run.count(self.kind, "unchanged")
        self.run.count(self.kind, "created", len(creates))
        self.run.count(self.kind, "updated", len(updates))
        if self.run.writing:
            self._write(creates, updates)

    def _allowed(self, row: Row, party_org: PartyOrganization) -> bool:
        if not self.run.can(CHANGE, party_org.region_id):
            self.fail(row, "party_org", _("“%(name)s” belongs to region %(code)s, outside the regions you may "
                                          "change.") % {"name": party_org.name, "code": party_org.region_id})
            return False
        if party_org.founded_on and row.values["date"] < party_org.founded_on:
            self.fail(row, "date", _("The date %(date)s is before %(org)s was founded (%(founded)s); expected a date "
                                     "on or after it.") % {"date": row.values["date"], "org": party_org.name,
                                                           "founded": party_org.founded_on})
            return False
        return True

    @staticmethod
    def _existing(orgs: dict, rows: list[Row]) -> dict:
        ids = [p.pk for p in orgs.values()]
        dates = {row.values["date"] for row in rows}
        if not ids:
            return {}
        return {(a.party_org_id, a.type, a.date, a.topic): a
                for a in Activity.objects.filter(party_org_id__in=ids, date__in=dates)}

    def _write(self, creates, updates) -> None:
        now = timezone.now()
        user = self.run.user if getattr(self.run.user, "pk", None) else None
        new = [Activity(party_org=party_org, type=row.values["type"], date=row.values["date"],
                        topic=row.values["topic"], expected_attendance=row.values["expected"],
                        actual_attendance=row.values["attended"], created_by=user) for row, party_org in creates]
        Activity.objects.bulk_create(new, batch_size=2000)
        for row, activity in updates:
            activity.expected_attendance, activity.actual_attendance = row.values["expected"], row.values["attended"]
            activity.updated_at = now
        Activity.objects.bulk_update([a for _row, a in updates], ["expected_attendance", "actual_attendance",
                                                                  "updated_at"], batch_size=2000)
        self.run.record_audit(
            [AuditRecord("activity.import", obj=a, after={"type": a.type, "date": a.date, "topic": a.topic})
             for a in new]
            + [AuditRecord("activity.import_update", obj=a, after={"expected_attendance": a.expected_attendance,
                                                                  "actual_attendance": a.actual_attendance})
               for _row, a in updates])

    @classmethod
    def export_rows(cls, user, prefix: str):
        activities = Activity.objects.all() if user is None else Activity.objects.visible_to(user, "view")
        condition = prefix_filter("party_org__region__code", [prefix]) if prefix else None
        if condition is not None:
            activities = activities.filter(condition)
        rows = (activities.order_by("party_org__name", "date", "type")
                .values_list("party_org__name", "type", "date", "topic", "expected_attendance", "actual_attendance"))
        for name, type_, day, topic, expected, actual in rows.iterator(chunk_size=5000):
            yield [name, LEDGER_NAMES.get(type_, type_), day, topic, expected, actual]


__all__ = ["ActivitySheet"]
