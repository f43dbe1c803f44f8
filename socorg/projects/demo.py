"""Deterministic demo data of funded projects and matching, so the project pages, the figures and the matching
show something after `make run`: calls of every kind (last year's closed and completed, this year's in progress,
one open now, one announced), applications of organizations found eligible by the call's own rules (set-based:
queries.eligibility_all), expert reviews (one conflict declared now and then), awards, contract milestones, payments,
mid-term and final evaluations, outcomes with 乡村振兴 contributions by county, a few terminated projects; needs of
counties and offers of organizations, with matches proposed from the real ranking (queries.matches_for), engaged,
declined and completed.

The amounts are fixed, whatever the scale: the calls go to the province with the most organizations (and its
largest prefecture), the organizations come from a sample of that province, so the national demo pays only for
reading one province's organization ids. Written in bulk, like the other apps' demo data (a demo is not a clerk's
work: one audit entry for the whole load, written by the command)."""

import datetime
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from socorg.core.scope import in_subtree
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization, org_active_q

from . import queries, rules
from .choices import (
    ApplicationStatus,
    CallKind,
    EvaluationConclusion,
    EvaluationStage,
    MatchStatus,
    MilestoneStatus,
    NeedStatus,
    ProjectStatus,
    ReviewStatus,
    TerminationReason,
)
from .models import (
    Application,
    CountyContribution,
    Evaluation,
    Expert,
    Match,
    Milestone,
    Need,
    Offer,
    OfferKey,
    Payment,
    Project,
    ProjectCall,
    Review,
)
from .services import offer_keys

POOL = 1500  # organizations of the province sampled as applicants and offerers
APPLICATIONS_PER_CALL = 14
NEEDS, OFFERS = 90, 320
EXPERTS = (("张明华", "社会工作"), ("李晓燕", "公共管理"), ("王建国", "财务审计"), ("赵丽娟", "养老服务"),
           ("陈志强", "乡村治理"), ("刘芳", "儿童发展"))
ALL_RULES = [{"rule": "not_on_credit_list"}, {"rule": "registered_years", "min": 2}, {"rule": "annual_report_ok"},
             {"rule": "party_coverage"}, {"rule": "no_high_alert"}, {"rule": "max_awards", "max": 2}]
PLANS = {
    "养老服务": ("社区长者助餐与探访", "为辖区独居、空巢老人提供助餐、定期探访和健康监测服务。"),
    "助残服务": ("残疾人社区康复支持", "组织康复训练、辅具适配和家庭照护者培训。"),
    "儿童关爱": ("留守儿童四点半课堂", "放学后课业辅导、心理陪伴和安全教育。"),
    "教育支持": ("乡村学校阅读推广", "建设图书角，培训阅读推广志愿者。"),
    "医疗卫生": ("慢病患者健康管理", "入户随访、用药指导和健康讲座。"),
    "就业帮扶": ("困难群体就业技能培训", "开展家政、电商等技能培训并对接用工岗位。"),
    "乡村振兴": ("特色产业合作社培育", "帮助村集体发展特色种植，开展品牌和销售培训。"),
    "社区治理": ("社区协商议事能力建设", "培育社区议事会，开展居民协商和志愿服务。"),
    "环境保护": ("河道守护志愿行动", "组织巡河、垃圾分类宣传和环境监测。"),
    "文化体育": ("民族文化传承进社区", "开展民族歌舞、非遗技艺培训和展演。"),
    "法律服务": ("基层法律援助驿站", "提供法律咨询、纠纷调解和普法宣传。"),
    "心理健康": ("青少年心理健康守护", "开展心理讲座、团体辅导和危机干预转介。"),
    "应急救灾": ("社区应急救护培训", "开展应急演练和救护技能培训，建立应急志愿队伍。"),
}


def _money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("1"))


class ProjectsDemo:
    def __init__(self, *, seed: int, region_prefix: str = "", today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.prefix = region_prefix
        self.today = today or timezone.localdate()
        self.counts = {"calls": 0, "applications": 0, "reviews": 0, "projects": 0, "milestones": 0, "payments": 0,
                       "evaluations": 0, "needs": 0, "offers": 0, "matches": 0}

    # --- where ----------------------------------------------------------------------------------------------------

    def _province(self) -> Region | None:
        """The province (or the scope's own unit below it) with the most active organizations."""
        orgs = SocialOrganization.objects.filter(org_active_q(), in_subtree("authority_region__code", self.prefix))
        if len(self.prefix) >= 2:
            code = self.prefix.ljust(6, "0")
        else:
            top = (orgs.annotate(province=Substr("authority_region_id", 1, 2)).values("province").order_by()
                   .annotate(n=Count("id")).order_by("-n", "province").first())
            if top is None:
                return None
            code = top["province"] + "0000"
        return Region.objects.filter(code=code).first()

    def _pool(self, root: Region) -> list[tuple[int, str, str]]:
        rows = list(SocialOrganization.objects.filter(org_active_q(), in_subtree("authority_region__code",
                                                                                 root.scope_prefix))
                    .order_by("pk").values_list("pk", "authority_region_id", "name"))
        return sorted(self.rng.sample(rows, min(POOL, len(rows))))

    def run(self) -> dict[str, int]:
        root = self._province()
        if root is None:
            return self.counts
        pool = self._pool(root)
        if not pool:
            return self.counts
        prefectures = [r for r, n in sorted(self._count_by(pool, 4).items(), key=lambda kv: (-kv[1], kv[0]))]
        prefecture = Region.objects.filter(code=prefectures[0][:4] + "00").first() if prefectures else None
        experts = self._experts(root, pool)
        for call in self._calls(root, prefecture):
            self._applications(call, pool, experts)
        self._matching(root, pool)
        return self.counts

    @staticmethod
    def _count_by(pool, length: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for _pk, region, _name in pool:
            counts[region[:length]] = counts.get(region[:length], 0) + 1
        return counts

    # --- calls, experts ----------------------------------------------------------------------------------------------

    def _experts(self, root: Region, pool) -> list[Expert]:
        from socorg.accounts.models import RoleGrant
        from socorg.accounts.roles import Role

        user_model = get_user_model()
        experts = []
        for i, (name, specialty) in enumerate(EXPERTS):
            user, created = user_model.objects.get_or_create(username=f"demo-expert-{i + 1}",
                                                             defaults={"display_name": name})
            if created:
                user.set_unusable_password()  # a pool entry for the demo, not a login
                user.save(update_fields=["password"])
                RoleGrant.objects.create(user=user, role=Role.VIEWER, region=root)
            affiliation = pool[self.rng.randrange(len(pool))][0] if i % 3 == 2 else None
            expert, _created = Expert.objects.get_or_create(user=user, region=root, defaults={
                "name": name, "specialty": specialty, "affiliation_id": affiliation})
            experts.append(expert)
        return experts

    def _calls(self, root: Region, prefecture: Region | None) -> list[ProjectCall]:
        year = self.today.year
        province = root.name
        bureau = f"{province}民政厅" if root.level == "province" else f"{province}民政局"
        days = datetime.timedelta
        plans = [  # (kind, name, funder, region, budget, limit, opens, closes, categories)
            (CallKind.PURCHASE, f"{year - 1}年{province}政府购买社会组织服务项目", bureau, root, 3_000_000,
             300_000, datetime.date(year - 1, 3, 1), datetime.date(year - 1, 4, 15),
             ["养老服务", "助残服务", "社区治理"]),
            (CallKind.LOTTERY_FUND, f"{year - 1}年{province}福彩公益金资助项目", bureau, root, 2_000_000,
             200_000, datetime.date(year - 1, 4, 1), datetime.date(year - 1, 5, 31), ["养老服务", "儿童关爱"]),
            (CallKind.RURAL_REVITALIZATION, f"{year - 1}年社会组织助力乡村振兴项目", f"{province}乡村振兴局", root,
             2_500_000, 250_000, datetime.date(year - 1, 2, 15), datetime.date(year - 1, 3, 31),
             ["乡村振兴", "就业帮扶", "教育支持"]),
            (CallKind.VENTURE, f"{year}年{(prefecture or root).name}公益创投大赛", f"{(prefecture or root).name}民政局",
             prefecture or root, 1_200_000, 150_000, datetime.date(year, 3, 1), datetime.date(year, 4, 30),
             ["儿童关爱", "心理健康", "环境保护", "文化体育"]),
            (CallKind.CENTRAL_FUND, f"{year}年中央财政支持社会组织参与社会服务项目", "民政部", root, 4_000_000,
             400_000, datetime.date(year, 2, 1), datetime.date(year, 3, 31), ["养老服务", "助残服务", "医疗卫生"]),
            (CallKind.PURCHASE, f"{year}年{province}社会组织承接政府购买服务（第二批）", bureau, root,
             1_500_000, 200_000, self.today - days(20), self.today + days(25), ["法律服务", "社区治理", "养老服务"]),
            (CallKind.OTHER, f"{year + 1}年{province}社区应急能力建设项目（预告）", f"{province}应急管理厅", root,
             800_000, 100_000, self.today + days(30), self.today + days(75), ["应急救灾"]),
        ]
        calls = []
        for kind, name, funder, region, budget, limit, opens, closes, categories in plans:
            if closes < opens:  # a call of this year that would close before it opens early in January
                opens = closes - days(40)
            calls.append(ProjectCall.objects.create(
                name=name, kind=kind, funder=funder, region=region, budget=Decimal(budget),
                max_per_project=Decimal(limit), opens_on=opens, closes_on=closes, categories=categories,
                rules=ALL_RULES if kind != CallKind.VENTURE else ALL_RULES[:4], criteria=rules.criteria_of(None)))
        self.counts["calls"] = len(calls)
        return calls

    # --- applications, reviews, projects ---------------------------------------------------------------------------

    def _applications(self, call: ProjectCall, pool, experts: list[Expert]) -> None:
        if call.opens_on > self.today:
            return  # announced, not open yet
        inside = [row for row in pool if row[1].startswith(call.region.scope_prefix)]
        sample = self.rng.sample(inside, min(len(inside), APPLICATIONS_PER_CALL * 4))
        verdicts = dict(queries.eligibility_all(
            call, self.today, SocialOrganization.objects.filter(pk__in=[pk for pk, _r, _n in sample])))
        chosen = [row for row in sample if verdicts.get(row[0], {}).get("eligible")][:APPLICATIONS_PER_CALL]
        closed = call.closes_on < self.today
        submitted_at = timezone.make_aware(datetime.datetime.combine(
            min(call.closes_on, self.today) - datetime.timedelta(days=3), datetime.time(10)))
        for n, (pk, region, name) in enumerate(chosen):
            category = call.categories[n % len(call.categories)]
            title, plan = PLANS[category]
            amount = _money(call.max_per_project * Decimal(self.rng.choice([0.5, 0.6, 0.75, 0.8, 0.9, 1.0])))
            staff = _money(amount * Decimal("0.4"))
            lines = [{"item": "人员经费", "amount": str(staff)},
                     {"item": "活动经费", "amount": str(amount - staff - _money(amount * Decimal("0.1")))},
                     {"item": "管理费用", "amount": str(_money(amount * Decimal("0.1")))}]
            application = Application.objects.create(
                call=call, organization_id=pk, title=f"{title}（{name[:12]}）", category=category, plan=plan,
                budget_lines=lines, amount_requested=amount, people_served=self.rng.randint(5, 60) * 10,
                places=[region], eligibility=verdicts[pk], status=ApplicationStatus.SUBMITTED)
            Application.objects.filter(pk=application.pk).update(submitted_at=submitted_at)
            self.counts["applications"] += 1
            if not closed and n % 2 == 0:
                continue  # still waiting for experts
            complete = closed or n % 4 == 1
            average = self._reviews(application, experts, complete)
            if not closed:
                continue
            if n % 3 == 2 or average is None:
                application.status, application.decision_reason = (ApplicationStatus.NOT_AWARDED,
                                                                    "评审得分未进入资助范围")
                application.save(update_fields=["status", "decision_reason"])
                continue
            application.status = ApplicationStatus.AWARDED
            application.save(update_fields=["status"])
            self._project(application, n)

    def _reviews(self, application: Application, experts: list[Expert], complete: bool) -> Decimal | None:
        criteria = rules.criteria_of(application.call.criteria)
        panel = [e for e in self.rng.sample(experts, 3) if e.affiliation_id != application.organization_id]
        totals = []
        for i, expert in enumerate(panel):
            review = Review(application=application, expert=expert)
            if complete and i == 2 and self.rng.random() < 0.15:
                review.status, review.conflict_reason = ReviewStatus.CONFLICT, "曾为该机构提供咨询服务"
            elif complete or i == 0:
                scores = {c["name"]: str(_money(c["max"] * Decimal(self.rng.uniform(0.6, 0.95)))) for c in criteria}
                review.scores, review.total = scores, rules.total_score(scores, criteria)
                review.status, review.submitted_at = ReviewStatus.SUBMITTED, timezone.now()
                review.comment = self.rng.choice(["需求分析充分，执行计划可行。", "预算较为合理，建议细化成效指标。",
                                                  "团队经验丰富，建议加强与社区的衔接。"])
                totals.append(review.total)
            review.save()
            self.counts["reviews"] += 1
        average = None
        if complete and totals:
            average = (sum(totals, Decimal(0)) / len(totals)).quantize(Decimal("0.01"))
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.UNDER_REVIEW,
                                                             average_score=average)
        return average

    def _project(self, application: Application, n: int) -> None:
        call = application.call
        awarded_on = call.closes_on + datetime.timedelta(days=30)
        if awarded_on > self.today:
            awarded_on = self.today
        amount = _money(application.amount_requested * Decimal(self.rng.choice([0.8, 0.9, 1.0])))
        project = Project.objects.create(application=application, amount=amount, awarded_on=awarded_on)
        self.counts["projects"] += 1
        last_year = call.closes_on.year < self.today.year
        weak = n % 5 == 3  # a failed mid-term evaluation; rectified, or (one per call of last year) terminated
        ends_early = weak and last_year and n == 3
        shares = (Decimal("0.4"), Decimal("0.4"), Decimal("0.2"))
        milestones = []
        for i, (title, share) in enumerate(zip(("项目启动", "中期执行", "结项验收"), shares, strict=True)):
            due = awarded_on + datetime.timedelta(days=60 + 120 * i)
            milestone = Milestone(project=project, title=title, due_on=due, tranche=_money(amount * share))
            finished = last_year and not (ends_early and i == 2)
            if (finished or i == 0 or (i == 1 and n % 2 == 0)) and due <= self.today:
                milestone.status, milestone.report = MilestoneStatus.REPORTED, "已按合同完成本阶段工作，附活动记录。"
                milestone.reported_on = due
                if finished or i == 0:
                    milestone.status, milestone.accepted_on = MilestoneStatus.ACCEPTED, due + datetime.timedelta(7)
            milestone.save()
            milestones.append(milestone)
            self.counts["milestones"] += 1
            if milestone.status == MilestoneStatus.ACCEPTED:
                Payment.objects.create(project=project, milestone=milestone, amount=milestone.tranche,
                                       paid_on=milestone.accepted_on + datetime.timedelta(days=10))
                self.counts["payments"] += 1
        midterm_on = awarded_on + datetime.timedelta(days=150)
        if midterm_on <= self.today and (last_year or n % 2 == 0):
            Evaluation.objects.create(
                project=project, stage=EvaluationStage.MIDTERM, evaluated_on=midterm_on,
                score=Decimal(self.rng.randint(58, 68) if weak else self.rng.randint(75, 95)),
                conclusion=EvaluationConclusion.FAIL if weak else self.rng.choice(
                    [EvaluationConclusion.GOOD, EvaluationConclusion.EXCELLENT, EvaluationConclusion.PASS]),
                site_visit_on=midterm_on - datetime.timedelta(days=2),
                findings="服务台账不完整，部分活动未按计划开展。" if weak else "项目按计划推进，服务对象满意度较高。",
                rectification="补齐服务台账，一个月内补开未完成的活动。" if weak else "",
                rectification_due=midterm_on + datetime.timedelta(days=30) if weak else None)
            self.counts["evaluations"] += 1
            if ends_early:
                Milestone.objects.filter(project=project).exclude(status=MilestoneStatus.ACCEPTED).update(
                    status=MilestoneStatus.CANCELLED)
                project.status, project.terminated_on = ProjectStatus.TERMINATED, midterm_on + datetime.timedelta(45)
                project.termination_reason = TerminationReason.EVALUATION_FAILED
                project.termination_detail = "中期评估不合格，逾期未完成整改，依合同终止，未拨付资金不再拨付。"
                project.save()
                return
        if last_year and project.status == ProjectStatus.IN_PROGRESS:
            final_on = awarded_on + datetime.timedelta(days=330)
            if final_on <= self.today:
                Evaluation.objects.create(
                    project=project, stage=EvaluationStage.FINAL, evaluated_on=final_on,
                    score=Decimal(self.rng.randint(78, 96)), conclusion=EvaluationConclusion.GOOD,
                    site_visit_on=final_on - datetime.timedelta(days=3), findings="完成合同约定的服务目标。")
                self.counts["evaluations"] += 1
                project.status, project.completed_on = ProjectStatus.COMPLETED, final_on
                project.people_served = application.people_served + self.rng.randint(-20, 40)
                project.money_spent = sum((m.tranche for m in milestones), Decimal(0))
                project.outcome = "完成全部服务，服务对象满意度90%以上。"
                project.save()
                if call.kind == CallKind.RURAL_REVITALIZATION:
                    county = application.places[0] if application.places else None
                    if county and not county.endswith("00"):
                        CountyContribution.objects.create(project=project, county_id=county,
                                                          people_served=project.people_served,
                                                          money_spent=project.money_spent)

    # --- needs, offers, matches ------------------------------------------------------------------------------------

    def _matching(self, root: Region, pool) -> None:
        vocabulary = list(rules.categories())
        counties = sorted({region for _pk, region, _n in pool if not region.endswith("00")})
        if not counties:
            return
        start, end = self.today - datetime.timedelta(days=60), self.today + datetime.timedelta(days=240)
        offers = []
        for _i in range(OFFERS):
            pk, region, name = pool[self.rng.randrange(len(pool))]
            draw = self.rng.random()
            area = region if draw < 0.7 else region[:4] + "00" if draw < 0.9 else region[:2] + "0000"
            categories = self.rng.sample(vocabulary, self.rng.choice([1, 1, 2]))
            title, _plan = PLANS.get(categories[0], ("志愿服务", ""))
            offers.append(Offer(organization_id=pk, title=f"{name[:10]}·{title}", categories=categories,
                                regions=[area], capacity=self.rng.randint(2, 40) * 10, starts_on=start, ends_on=end,
                                description="可提供专业社工和志愿者团队。"))
        created = Offer.objects.bulk_create(offers)
        if created and created[0].pk is None:
            created = list(Offer.objects.order_by("-pk")[:len(offers)])
        OfferKey.objects.bulk_create([key for offer in created for key in offer_keys(offer)])
        self.counts["offers"] = len(created)
        names = dict(Region.objects.filter(code__in=counties).values_list("code", "name"))
        needs = []
        for i in range(NEEDS):
            county = counties[self.rng.randrange(len(counties))]
            category = vocabulary[i % len(vocabulary)]
            need = Need.objects.create(
                title=f"{names.get(county, county)}{category}需求", region_id=county, category=category,
                township=self.rng.choice(["城关镇", "中心社区", "新村街道", ""]),
                description="村（社区）提出的服务需求，由县民政局汇总发布。", people=self.rng.randint(2, 50) * 10,
                starts_on=self.today, ends_on=self.today + datetime.timedelta(days=self.rng.randint(60, 200)))
            need.created_at = timezone.now() - datetime.timedelta(days=self.rng.randint(5, 120))  # posted earlier
            Need.objects.filter(pk=need.pk).update(created_at=need.created_at)
            needs.append(need)
        self.counts["needs"] = len(needs)
        for i, need in enumerate(needs):
            if i % 3 == 2:
                continue  # no match proposed yet
            ranked = queries.matches_for(need, limit=2, today=self.today)
            for j, row in enumerate(ranked):
                match = Match.objects.create(need=need, offer_id=row["offer_id"], score=Decimal(str(row["score"])),
                                             reasons=row["reasons"])
                self.counts["matches"] += 1
                decided = need.created_at + datetime.timedelta(days=self.rng.randint(2, 20))
                if j == 1:
                    if i % 2:
                        match.status, match.decline_reason = MatchStatus.DECLINED, "近期人手不足，无法承接"
                        match.decided_at = decided
                        match.save()
                    continue
                if i % 4 == 0:
                    continue  # proposed, waiting for the organization
                match.status, match.decided_at = MatchStatus.ACCEPTED, decided
                need.status, need.matched_at = NeedStatus.MATCHED, decided
                if i % 4 == 1 and decided.date() + datetime.timedelta(days=30) <= self.today:
                    match.status, match.completed_on = MatchStatus.COMPLETED, decided.date() + datetime.timedelta(30)
                    match.people_served, match.outcome = need.people, "已完成对接服务，村（社区）确认需求已满足。"
                    need.status = NeedStatus.MET
                    need.met_at = decided + datetime.timedelta(days=30)
                match.save()
                need.save(update_fields=["status", "matched_at", "met_at"])
