"""Last year's annual reports for the demo organizations: a realistic mix, so the review queue and the figures
mean something — most filed on time and reviewed 合格, some late, a few returned or still in draft, a few 基本合格
or 不合格, and some never filed (overdue once the deadline has passed).

Written in bulk; the party-building section comes from the same set-based pre-fill as a real report
(reports.party_building.party_building_for)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from socorg.core.scope import in_subtree
from socorg.registry.models import SocialOrganization

from . import rules
from .choices import Conclusion, ReportStatus
from .models import AnnualReport
from .party_building import party_building_for
from .queries import due_q

CHUNK = 2000
OUTCOMES = (("never", 0.07), ("draft", 0.03), ("returned", 0.04), ("submitted", 0.12), ("reviewed", 0.74))
CONCLUSIONS = ((Conclusion.QUALIFIED, 0.90), (Conclusion.BASICALLY_QUALIFIED, 0.08), (Conclusion.UNQUALIFIED, 0.02))
REASONS = {
    Conclusion.BASICALLY_QUALIFIED: ("未按期召开会员大会", "换届延期未报批", "财务报告附注不完整"),
    Conclusion.UNQUALIFIED: ("连续两年未开展业务活动", "财务收支与业务范围不符", "未按章程换届且拒不整改"),
}
SHOULD_BUILD_REASON = "党组织正在组建，已报上级党委审批"
SUMMARIES = ("开展行业培训与交流活动", "组织志愿服务进社区", "举办公益讲座与咨询", "开展调研并形成报告",
             "承接政府购买服务项目", "开展助学帮困活动")
RETURN_REASONS = ("请补充年度财务审计报告", "收入合计与明细不一致，请核对", "请补充换届情况说明")


def _pick(rng: random.Random, weighted):
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


class ReportDemo:
    def __init__(self, *, seed: int, year: int, region_prefix: str = ""):
        self.rng = random.Random(seed)
        self.year = year
        self.prefix = region_prefix
        self.today = timezone.localdate()

    def run(self) -> int:
        orgs = SocialOrganization.objects.filter(due_q(self.year)).order_by("pk")
        orgs = orgs.filter(in_subtree("authority_region__code", self.prefix))
        written, last = 0, 0
        while True:
            chunk = list(orgs.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                return written
            last = chunk[-1].pk
            sections = party_building_for(chunk, self.year)
            reports = [r for r in (self._report(org, sections[org.pk]) for org in chunk) if r is not None]
            AnnualReport.objects.bulk_create(reports, batch_size=CHUNK)
            written += len(reports)

    def _report(self, org: SocialOrganization, section: dict) -> AnnualReport | None:
        outcome = _pick(self.rng, OUTCOMES)
        if outcome == "never":
            return None
        due_on = rules.deadline(self.year, has_supervisor=bool(org.supervisor))
        report = AnnualReport(organization=org, year=self.year, due_on=due_on, party_building=section,
                              **self._content())
        if outcome == "draft":
            return report
        late = self.rng.random() < 0.10
        submitted_on = self._submitted_on(due_on, late)
        if submitted_on is None:  # the late day would lie in the future: still a draft today
            return report
        report.first_submitted_at = report.submitted_at = timezone.make_aware(
            datetime.datetime.combine(submitted_on, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59))))
        report.late = submitted_on > due_on
        report.status = ReportStatus.SUBMITTED
        if outcome == "returned":
            report.status, report.return_reasons = ReportStatus.RETURNED, self.rng.choice(RETURN_REASONS)
        elif outcome == "reviewed":
            conclusion = _pick(self.rng, CONCLUSIONS)
            reasons = self.rng.choice(REASONS[conclusion]) if conclusion in REASONS else ""
            if conclusion == Conclusion.QUALIFIED and section["should_build_missing"]:
                reasons = SHOULD_BUILD_REASON
            report.status, report.conclusion, report.review_reasons = ReportStatus.REVIEWED, conclusion, reasons
            report.reviewed_at = report.submitted_at + datetime.timedelta(days=self.rng.randint(3, 40))
        return report

    def _submitted_on(self, due_on: datetime.date, late: bool) -> datetime.date | None:
        if late:
            day = due_on + datetime.timedelta(days=self.rng.randint(1, 90))
        else:
            opens = datetime.date(self.year + 1, 1, 10)
            day = opens + datetime.timedelta(days=self.rng.randint(0, max((due_on - opens).days, 0)))
        return day if day <= self.today else None

    def _content(self) -> dict:
        rng = self.rng
        parts = [Decimal(rng.randint(0, 400_000)) for _ in range(4)]
        income = sum(parts, Decimal(0))
        expenditure = (income * Decimal(rng.randint(60, 110)) / 100).quantize(Decimal("0.01"))
        return {
            "member_meetings_held": rng.randint(0, 2), "council_meetings_held": rng.randint(1, 4),
            "election_on_time": rng.random() < 0.9, "donation_income": parts[0], "government_income": parts[1],
            "service_income": parts[2], "other_income": parts[3], "total_income": income,
            "total_expenditure": expenditure, "net_assets": Decimal(rng.randint(-20_000, 900_000)),
            "activities_summary": "；".join(rng.sample(SUMMARIES, 2)),
        }
