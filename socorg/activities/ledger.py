"""The ledger's 「组织生活」 sheet (ledger-format.md): one row per meeting, keyed by 党组织名称 + 类型 + 日期 + 主题,
with the list of members who attended (出席党员); and the 「党费缴纳」 sheet: one row per member and month.

Registered from ActivitiesConfig.ready(). The same rules as
activities.services apply (date not in the future nor before the founding, actual ≤ expected attendance, the
party organization inside the importer's activities.change scope; attendees members of the branch on the day and
visible to the importer; dues need members.change); rows are matched on their key and updated, never
duplicated, so re-importing a file changes nothing.

Members are named as in the branch: by name, or `姓名#编号` (the member's number in the system) when two members of
the branch share a name — the export writes that form only then, so no ID number travels in a workbook."""

import dataclasses
import datetime
import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from functools import partial

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from socorg.core.audit import AuditRecord
from socorg.core.scope import prefix_filter, region_prefixes
from socorg.ledger.sheets import Column, Row, SheetHandler, register_sheet
from socorg.ledger.values import CellError, clean_text, not_future_date, parse_choice, parse_int, parse_text, split_list
from socorg.party.ledger import PartySheetState, queryset_batches
from socorg.party.models import PartyMember, PartyOrganization

from .choices import LEDGER_NAMES, TYPE_BY_LEDGER_NAME
from .models import Activity, Attendance, DuesPayment
from .services import validate_dues

CHANGE = "activities.change"
MEMBER_REF = re.compile(r"^(?P<name>.+?)\s*#\s*(?P<id>\d+)$")


def parse_member_list(value) -> list[str]:
    return list(dict.fromkeys(split_list(value)))


class MemberIndex:
    """The members of some party organizations, to resolve the ledger's member references (see module docstring)."""

    def __init__(self, party_org_ids):
        self.by_org: dict[int, dict[str, list[tuple]]] = defaultdict(lambda: defaultdict(list))
        rows = (PartyMember.objects.filter(party_org_id__in=set(party_org_ids)).order_by("pk")
                .values_list("pk", "party_org_id", "name", "joined_on", "left_on", "is_active"))
        for pk, org, name, joined, left, active in rows:
            self.by_org[org][name].append((pk, joined, left, active))

    def resolve(self, party_org: PartyOrganization, ref: str, day: datetime.date | None = None) -> int:
        """The member's id, or CellError saying what is wrong; `day`: they must have belonged to the branch then."""
        match = MEMBER_REF.match(ref)
        name = match["name"] if match else ref
        candidates = self.by_org[party_org.pk].get(name, [])
        if match:
            candidates = [c for c in candidates if c[0] == int(match["id"])]
        if not candidates:
            raise CellError(_("“%(ref)s” is not a member of %(org)s; enter the name as recorded on the member page.")
                            % {"ref": ref, "org": party_org.name})
        if len(candidates) > 1:
            raise CellError(_("%(org)s has %(count)d members named “%(name)s”; write 姓名#编号 with the member "
                              "number shown on the member page, e.g. %(example)s.")
                            % {"org": party_org.name, "count": len(candidates), "name": name,
                               "example": f"{name}#{candidates[0][0]}"})
        pk, joined, left, active = candidates[0]
        if day is not None and not ((joined is None or joined <= day)
                                    and ((active and left is None) or (left is not None and left > day))):
            raise CellError(_("“%(ref)s” was not a member of %(org)s on %(date)s.")
                            % {"ref": ref, "org": party_org.name, "date": day})
        return pk


def member_labels(member_ids) -> dict[int, str]:
    """How the export names members: the name, with #number where the branch has two members of that name."""
    rows = list(PartyMember.objects.filter(pk__in=set(member_ids)).values_list("pk", "party_org_id", "name"))
    orgs = {org for _pk, org, _name in rows}
    clashes = set(PartyMember.objects.filter(party_org_id__in=orgs).values("party_org_id", "name")
                  .annotate(n=Count("pk")).filter(n__gt=1).values_list("party_org_id", "name"))
    return {pk: f"{name}#{pk}" if (org, name) in clashes else name for pk, org, name in rows}


def _members_visible(user, prefix_field: str):
    """Condition limiting rows to the regions where `user` may see members (None: no limit)."""
    if user is None:
        return None
    prefixes = region_prefixes(user, "members.view")
    if not prefixes:
        return Q(pk__in=[])
    return prefix_filter(prefix_field, prefixes)


@dataclasses.dataclass
class ActivitySheetState:
    seen: dict[tuple, int] = dataclasses.field(default_factory=dict)  # (party organization, type, date, topic) → row


@dataclasses.dataclass
class DuesSheetState:
    seen: dict[tuple, int] = dataclasses.field(default_factory=dict)  # (party organization, member, month) → row


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
               choices=tuple(LEDGER_NAMES.values()), example="支部党员大会"),
        Column("日期", "date", True, partial(not_future_date, label="日期"), note="日期，不晚于今天",
               example="2025-03-28"),
        Column("主题", "topic", False, partial(parse_text, max_length=200), default="", example="学习党章"),
        Column("应到人数", "expected", False, parse_int, example=12),
        Column("实到人数", "attended", False, parse_int, note="不大于应到人数；填了出席党员时为空即取其人数",
               example=11),
        Column("出席党员", "attendees", False, parse_member_list,
               note="出席的党员姓名（须已在系统中登记），用 ; ； 、 或换行分隔，例如 张三、李四；"
                    "同一支部有同名党员时写 姓名#编号；为空表示不变"),
    )

    def check_row(self, row: Row) -> None:
        values = row.values
        values["topic"] = values.get("topic") or ""
        attendees = values.get("attendees")
        if attendees is not None:
            if values.get("attended") is None:
                values["attended"] = len(attendees)
            elif values["attended"] != len(attendees):
                self.fail(row, "attended", _("实到人数 is %(actual)d but 出席党员 lists %(count)d members; they must "
                                             "agree (leave 实到人数 empty to take the list's count).")
                          % {"actual": values["attended"], "count": len(attendees)})
                return
        expected, attended = values.get("expected"), values.get("attended")
        if expected is not None and attended is not None and attended > expected:
            self.fail(row, "attended", _("The actual attendance (%(actual)d) exceeds the expected attendance "
                                         "(%(expected)d); expected at most %(expected)d.")
                      % {"actual": attended, "expected": expected})
            return
        self.once(row, self.run.state(ActivitySheetState).seen,
                  (values["party_org"], values["type"], values["date"], values["topic"]), "topic",
                  _("The same party organization, type, date and topic already appear in row %(row)d of this "
                    "sheet; each meeting appears once."))

    def flush(self, rows: list[Row]) -> None:
        rows = [row for row in rows if not row.failed]
        orgs = {p.name: p for p in PartyOrganization.objects.filter(name__in={r.values["party_org"] for r in rows})}
        in_file = self.run.state(PartySheetState).index
        existing = self._existing(orgs, rows)
        members = MemberIndex(p.pk for p in orgs.values())
        attended = self._attended([a.pk for a in existing.values()])
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
            if not self._allowed(row, party_org) or not self._resolve_attendees(row, party_org, members):
                continue
            key = (party_org.pk, values["type"], values["date"], values["topic"])
            current = existing.get(key)
            if current is None:
                creates.append((row, party_org))
            elif ((current.expected_attendance, current.actual_attendance) != (values["expected"], values["attended"])
                  or (values["attendee_ids"] is not None and values["attendee_ids"] != attended.get(current.pk, []))):
                updates.append((row, current))
            else:
                self.run.count(self.kind, "unchanged")
        if self.counted(creates, updates):
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

    def _resolve_attendees(self, row: Row, party_org: PartyOrganization, members: MemberIndex) -> bool:
        refs = row.values.get("attendees")
        row.values["attendee_ids"] = None
        if refs is None:
            return True
        if not self.run.can("members.view", party_org.region_id):
            self.fail(row, "attendees", _("Listing who attended needs access to the members of %(org)s, which you "
                                          "do not have; leave 出席党员 empty.") % {"org": party_org.name})
            return False
        ids, problems = [], []
        for ref in refs:
            try:
                ids.append(members.resolve(party_org, ref, row.values["date"]))
            except CellError as error:
                problems.append(str(error))
        if problems:
            self.fail(row, "attendees", " ".join(problems))
            return False
        row.values["attendee_ids"] = sorted(set(ids))
        return True

    @staticmethod
    def _attended(activity_ids: list[int]) -> dict[int, list[int]]:
        found = defaultdict(list)
        for activity, member in (Attendance.objects.filter(activity_id__in=activity_ids).order_by("member_id")
                                 .values_list("activity_id", "member_id")):
            found[activity].append(member)
        return found

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
        listed = [(activity, row.values["attendee_ids"])
                  for (row, _org), activity in zip(creates, new, strict=True)]
        listed += [(activity, row.values["attendee_ids"]) for row, activity in updates]
        listed = [(activity, ids) for activity, ids in listed if ids is not None]
        Attendance.objects.filter(activity_id__in=[a.pk for a, _ids in listed]).delete()
        Attendance.objects.bulk_create([Attendance(activity_id=a.pk, member_id=pk) for a, ids in listed for pk in ids],
                                       batch_size=5000)
        self.run.record_audit(
            [AuditRecord("activity.import", obj=a, after={"type": a.type, "date": a.date, "topic": a.topic})
             for a in new]
            + [AuditRecord("activity.import_update", obj=a, after={
                "expected_attendance": a.expected_attendance, "actual_attendance": a.actual_attendance,
                **({"members": row.values["attendee_ids"]} if row.values["attendee_ids"] is not None else {})})
               for row, a in updates])

    @classmethod
    def export_rows(cls, user, prefix: str):
        activities = Activity.objects.all() if user is None else Activity.objects.visible_to(user, "view")
        condition = prefix_filter("party_org__region__code", [prefix]) if prefix else None
        if condition is not None:
            activities = activities.filter(condition)
        rows = (activities.order_by("party_org__name", "date", "type")
                .values_list("pk", "party_org__name", "type", "date", "topic", "expected_attendance",
                             "actual_attendance"))
        # Attendee names only where the exporting user may see members (party membership is sensitive).
        visible = _members_visible(user, "activity__party_org__region__code")
        for batch in queryset_batches(rows, 5000):
            yield from cls._export_batch(batch, visible)

    @staticmethod
    def _export_batch(batch, visible):
        attendances = Attendance.objects.filter(activity_id__in=[row[0] for row in batch])
        if visible is not None:
            attendances = attendances.filter(visible)
        by_activity = defaultdict(list)
        pairs = list(attendances.order_by("member__name", "member_id").values_list("activity_id", "member_id"))
        labels = member_labels(member for _a, member in pairs)
        for activity, member in pairs:
            by_activity[activity].append(labels[member])
        for pk, name, type_, day, topic, expected, actual in batch:
            yield [name, LEDGER_NAMES.get(type_, type_), day, topic, expected, actual,
                   "、".join(by_activity[pk]) if pk in by_activity else None]


def parse_month(value) -> datetime.date:
    """A month: an Excel date (any day of it), or text YYYY-MM, YYYY/MM, YYYY年M月 (or a full date)."""
    if isinstance(value, datetime.datetime):
        return value.date().replace(day=1)
    if isinstance(value, datetime.date):
        return value.replace(day=1)
    text = "".join(clean_text(value).split())
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?(?:[-/.](\d{1,2})日?)?|(\d{4})(\d{2})", text)
    if match:
        year, month = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[5]))
        if 1 <= month <= 12:
            return datetime.date(year, month, 1)
    raise CellError(_("“%(value)s” is not a month; enter it as YYYY-MM, e.g. 2025-03.") % {"value": clean_text(value)})


def parse_amount(value) -> Decimal:
    text = clean_text(value).replace(",", "").removesuffix("元")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")) \
            or amount >= Decimal("100000000"):
        raise CellError(_("“%(value)s” is not an amount in yuan; enter 0 or more with at most two decimals, e.g. "
                          "12.50.") % {"value": clean_text(value)})
    return amount.quantize(Decimal("0.01"))


@register_sheet
class DuesSheet(SheetHandler):
    """「党费缴纳」: one row per member and month (the key), each the dues paid for that month. The template has no
    example row: members are entered on the member pages, so an invented one could never be imported."""

    sheet_name = "党费缴纳"
    kind = "dues"
    kind_label = gettext_lazy("Party dues")
    order = 50
    columns = (
        Column("党组织名称", "party_org", True, partial(parse_text, max_length=200),
               note="党员所在党组织，须已在系统中"),
        Column("党员姓名", "member", True, partial(parse_text, max_length=80),
               note="同一支部有同名党员时写 姓名#编号"),
        Column("月份", "month", True, parse_month, note="缴纳所属月份，YYYY-MM，不晚于本月"),
        Column("金额", "amount", False, parse_amount, note="元，不小于 0，最多两位小数"),
        Column("缴纳日期", "paid_on", False, partial(not_future_date, label="缴纳日期"), note="日期，不晚于今天"),
    )

    def check_row(self, row: Row) -> None:
        values = row.values
        self.once(row, self.run.state(DuesSheetState).seen, (values["party_org"], values["member"], values["month"]),
                  "month", _("The same member and month already appear in row %(row)d of this sheet; each month of a "
                             "member appears once."))

    def flush(self, rows: list[Row]) -> None:
        rows = [row for row in rows if not row.failed]
        orgs = {p.name: p for p in PartyOrganization.objects.filter(name__in={r.values["party_org"] for r in rows})}
        index = MemberIndex(p.pk for p in orgs.values())
        resolved = []
        for row in rows:
            party_org = orgs.get(row.values["party_org"])
            if party_org is None:
                self.fail(row, "party_org", _("No party organization “%(name)s” exists in the system; party dues "
                                              "are recorded for members already entered.")
                          % {"name": row.values["party_org"]})
                continue
            if not self.run.can("members.change", party_org.region_id):
                self.fail(row, "party_org", _("“%(name)s” belongs to region %(code)s, outside the regions whose "
                                              "members you may change.")
                          % {"name": party_org.name, "code": party_org.region_id})
                continue
            try:
                member_id = index.resolve(party_org, row.values["member"])
            except CellError as error:
                self.fail(row, "member", str(error))
                continue
            resolved.append((row, member_id))
        members = PartyMember.objects.in_bulk({pk for _row, pk in resolved})
        existing = {(p.member_id, p.month): p for p in DuesPayment.objects.filter(
            member_id__in=list(members), month__in={row.values["month"] for row, _pk in resolved})}
        creates, updates = [], []
        for row, member_id in resolved:
            values = row.values
            try:
                validate_dues(members[member_id], values["month"], values["amount"], values["paid_on"])
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    self.fail(row, field, " ".join(messages))
                continue
            current = existing.get((member_id, values["month"]))
            if current is None:
                creates.append((row, member_id))
            elif (current.amount, current.paid_on) != (values["amount"], values["paid_on"]):
                updates.append((row, current))
            else:
                self.run.count(self.kind, "unchanged")
        if self.counted(creates, updates):
            self._write(creates, updates, members)

    def _write(self, creates, updates, members) -> None:
        now = timezone.now()
        new = [DuesPayment(member_id=pk, month=row.values["month"], amount=row.values["amount"],
                           paid_on=row.values["paid_on"]) for row, pk in creates]
        DuesPayment.objects.bulk_create(new, batch_size=5000)
        for row, payment in updates:
            payment.amount, payment.paid_on, payment.updated_at = row.values["amount"], row.values["paid_on"], now
        DuesPayment.objects.bulk_update([p for _row, p in updates], ["amount", "paid_on", "updated_at"],
                                        batch_size=5000)
        self.run.record_audit(
            [AuditRecord("party.member.dues", obj=members[p.member_id], after={
                "month": f"{p.month:%Y-%m}", "amount": str(p.amount), "paid_on": p.paid_on})
             for p in new + [p for _row, p in updates]])

    @classmethod
    def export_rows(cls, user, prefix: str):
        payments = DuesPayment.objects.all() if user is None else DuesPayment.objects.visible_to(user, "view")
        condition = prefix_filter("member__party_org__region__code", [prefix]) if prefix else None
        if condition is not None:
            payments = payments.filter(condition)
        rows = payments.order_by("member__party_org__name", "member__name", "member_id", "month").values_list(
            "member_id", "member__party_org__name", "month", "amount", "paid_on")
        for batch in queryset_batches(rows, 5000):
            yield from cls._export_batch(batch)

    @staticmethod
    def _export_batch(batch):
        labels = member_labels(row[0] for row in batch)
        for member, org, month, amount, paid_on in batch:
            yield [org, labels[member], f"{month:%Y-%m}", amount, paid_on]


__all__ = ["ActivitySheet", "DuesSheet"]
