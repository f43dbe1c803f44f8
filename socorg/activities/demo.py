"""Organizational-life demo records for existing party organizations, written in bulk (COPY / executemany).

Realistic on purpose, so the early-warning rules fire for a plausible minority: most branches hold their member
assembly and party lecture every quarter, the committee meeting every month (when they have a committee), the
organizational life meeting and the democratic appraisal every year; some branches are patchy (each due meeting
missed with some probability) and a few lapsed at some point and have recorded nothing since. Themed party days and
group meetings fill the rest up to about --per-org records per organization."""

import datetime
import random
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from socorg.core.bulk import TableWriter
from socorg.core.scope import in_subtree
from socorg.party.choices import Membership, PartyOrgKind, PartyOrgStatus
from socorg.party.models import PartyMember, PartyOrganization

from .choices import ActivityType
from .models import Activity

FIELDS = ["party_org", "type", "date", "topic", "expected_attendance", "actual_attendance", "notes", "created_at",
          "updated_at"]
PROFILES = (("regular", 0.80), ("patchy", 0.15), ("lapsed", 0.05))
MISS_RATE = {"regular": 0.03, "patchy": 0.35, "lapsed": 0.03}
TOPICS = {
    ActivityType.MEMBER_ASSEMBLY: ("学习贯彻党的二十大精神", "审议支部工作报告", "讨论发展党员", "季度工作部署"),
    ActivityType.COMMITTEE_MEETING: ("研究月度工作安排", "讨论党员教育计划", "研究组织生活会方案"),
    ActivityType.GROUP_MEETING: ("学习党章党规", "交流学习体会", "党费收缴与学习"),
    ActivityType.PARTY_LECTURE: ("书记讲党课", "党史专题党课", "行业党建专题党课"),
    ActivityType.THEMED_PARTY_DAY: ("志愿服务进社区", "红色教育基地参观", "重温入党誓词"),
    ActivityType.LIFE_MEETING: ("年度组织生活会", "专题组织生活会"),
    ActivityType.MEMBER_APPRAISAL: ("年度民主评议党员",),
}


@dataclass
class Branch:
    pk: int
    founded: datetime.date | None
    members: int
    full_members: int


def month_starts(first: datetime.date, last: datetime.date):
    day = first.replace(day=1)
    while day <= last:
        yield day
        day = (day + datetime.timedelta(days=32)).replace(day=1)


class ActivityDemo:
    def __init__(self, *, seed: int, per_org: int, until: datetime.date | None = None, region_prefix: str = "",
                 progress=None):
        self.rng = random.Random(seed)
        self.per_org = per_org
        self.until = until or timezone.localdate()
        # From 1 January of the previous year: the annual rules look at the whole previous year.
        self.since = datetime.date(self.until.year - 1, 1, 1)
        self.region_prefix = region_prefix
        self.progress = progress
        self.stamp = timezone.now().isoformat()

    def branches(self) -> list[Branch]:
        counts = {row["party_org"]: row for row in PartyMember.objects.filter(is_active=True).order_by()
                  .values("party_org").annotate(n=Count("pk"), full=Count("pk", filter=Q(membership=Membership.FULL)))}
        orgs = PartyOrganization.objects.filter(status=PartyOrgStatus.ACTIVE).exclude(kind=PartyOrgKind.COMMITTEE)
        if self.region_prefix:
            orgs = orgs.filter(in_subtree("region__code", self.region_prefix))
        rows = orgs.order_by("pk").values_list("pk", "founded_on")
        return [Branch(pk, founded, counts.get(pk, {}).get("n", 0), counts.get(pk, {}).get("full", 0))
                for pk, founded in rows]

    def run(self) -> int:
        branches = self.branches()
        writer = TableWriter(Activity, FIELDS, on_flush=self._advance)
        if self.progress:
            self.progress.start(len(branches) * self.per_org)
        for branch in branches:
            for row in self.records(branch):
                writer.add(row)
        writer.flush()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {Activity._meta.db_table}")
        return writer.count

    def _advance(self, writer, count: int) -> None:
        if self.progress:
            self.progress.advance(count)

    def records(self, branch: Branch):
        rng = self.rng
        profile = _pick(rng, PROFILES)
        start = max(self.since, branch.founded or self.since)
        end = self.until
        if profile == "lapsed":  # stopped holding meetings at some point in the window
            end = start + datetime.timedelta(days=rng.randrange(max((end - start).days, 1)))
        if start > end:
            return
        miss = MISS_RATE[profile]
        expected = max(branch.members, 3)
        due = list(self._due(branch, start, end))
        filler = max(int(rng.gauss(self.per_org - len(due), 4)), 0)
        span = (end - start).days + 1
        for _ in range(filler):
            day = start + datetime.timedelta(days=rng.randrange(span))
            due.append((rng.choice((ActivityType.THEMED_PARTY_DAY, ActivityType.GROUP_MEETING)), day))
        seen = set()
        for type_, day in due:
            if rng.random() < miss:
                continue
            topic = rng.choice(TOPICS[type_])
            if (type_, day, topic) in seen:
                continue
            seen.add((type_, day, topic))
            actual = expected - min(rng.randrange(4), expected)
            yield (branch.pk, type_, day.isoformat(), topic, expected, actual, "", self.stamp, self.stamp)

    def _due(self, branch: Branch, start: datetime.date, end: datetime.date):
        rng = self.rng
        for month in month_starts(start, end):
            if branch.full_members >= 7:
                yield ActivityType.COMMITTEE_MEETING, _day_in(rng, month, start, end)
            if month.month in (1, 4, 7, 10):
                yield ActivityType.MEMBER_ASSEMBLY, _day_in(rng, month, start, end, months=3)
                yield ActivityType.PARTY_LECTURE, _day_in(rng, month, start, end, months=3)
            if month.month == 12:
                yield ActivityType.LIFE_MEETING, _day_in(rng, month, start, end)
                yield ActivityType.MEMBER_APPRAISAL, _day_in(rng, month, start, end)


def _pick(rng, shares):
    value, total = rng.random(), 0.0
    for name, share in shares:
        total += share
        if value < total:
            return name
    return shares[-1][0]


def _day_in(rng, month: datetime.date, start: datetime.date, end: datetime.date, months: int = 1) -> datetime.date:
    """A random day in the month (or quarter) starting at `month`, clamped into [start, end]."""
    last = month
    for _ in range(months):
        last = (last + datetime.timedelta(days=32)).replace(day=1)
    day = month + datetime.timedelta(days=rng.randrange((last - month).days))
    return min(max(day, start), end)
