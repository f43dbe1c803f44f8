"""Demo complaints: a few per thousand organizations over this year and last, in every state of the workflow, with
the categories, channels, outcomes and lateness a bureau sees — so the list, the figures and the escalation mean
something. Written in bulk (deterministic for a seed); deadlines from the same rules as a real complaint."""

import datetime
import random

from django.utils import timezone

from socorg.core.crypto import blind_index
from socorg.core.scope import in_subtree
from socorg.registry.models import SocialOrganization

from . import rules
from .choices import STAFF_CHANNELS, Category, Channel, Outcome, ReplyMethod, Status
from .models import Complaint

CHUNK = 2000
DESCRIPTIONS = {
    Category.IMPROPER_FEES: ("强制会员单位缴纳会费并摊派活动费用", "以评比为名向会员收取费用"),
    Category.ILLEGAL_FUNDRAISING: ("在街头以救助名义募集现金", "未经备案开展网络募捐"),
    Category.OUTSIDE_SCOPE: ("以协会名义开展职业培训并发证", "超出业务范围承接商业项目"),
    Category.FINANCES: ("会费收支长期不公开", "负责人报销与业务无关的费用"),
    Category.GOVERNANCE: ("理事会超期未换届", "会员大会未按章程召开"),
    Category.FALSE_PUBLICITY: ("宣传中冒用政府部门名义", "举办未经批准的评比表彰"),
    Category.UNREGISTERED: ("未经登记以研究会名义活动",),
    Category.PARTY_BUILDING: ("党组织长期不开展组织生活",),
    Category.OTHER: ("办公地址长期无人", "拒不配合会员查询章程"),
}
CATEGORY_WEIGHTS = ((Category.IMPROPER_FEES, 0.25), (Category.FINANCES, 0.18), (Category.GOVERNANCE, 0.15),
                    (Category.OUTSIDE_SCOPE, 0.12), (Category.ILLEGAL_FUNDRAISING, 0.08),
                    (Category.FALSE_PUBLICITY, 0.07), (Category.UNREGISTERED, 0.05),
                    (Category.PARTY_BUILDING, 0.04), (Category.OTHER, 0.06))
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超")
CONCLUSIONS = {Outcome.FOUNDED: "经调查，投诉反映的问题基本属实", Outcome.UNFOUNDED: "经调查，未发现投诉反映的问题"}
MEASURES = (("rectification", "限期整改并向会员公开说明"), ("penalty", "给予警告"), ("referral", "市场监督管理局"))


def _pick(rng: random.Random, weighted):
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


class ComplaintDemo:
    def __init__(self, *, seed: int, per_thousand: int = 6, region_prefix: str = ""):
        self.rng = random.Random(seed)
        self.per_thousand = per_thousand
        self.prefix = region_prefix
        self.today = timezone.localdate()
        self.serial = 0

    def run(self) -> int:
        orgs = (SocialOrganization.objects.filter(in_subtree("authority_region__code", self.prefix))
                .active_on().only("pk", "uscc", "name", "authority_region_id").order_by("pk"))
        written, last = 0, 0
        while True:
            chunk = list(orgs.filter(pk__gt=last)[:CHUNK])
            if not chunk:
                return written
            last = chunk[-1].pk
            complaints = [self._complaint(org) for org in chunk if self.rng.random() < self.per_thousand / 1000]
            Complaint.objects.bulk_create(complaints, batch_size=CHUNK)
            written += len(complaints)

    def _complaint(self, org) -> Complaint:
        rng = self.rng
        received = self.today - datetime.timedelta(days=rng.randint(0, 540))
        category = _pick(rng, CATEGORY_WEIGHTS)
        anonymous = rng.random() < 0.25
        self.serial += 1
        receipt = f"{rules.RECEIPT_PREFIX}{received:%Y%m%d}" + "".join(rng.choice(rules.CODE_ALPHABET)
                                                                         for _ in range(6))
        complaint = Complaint(
            receipt_no=receipt, lookup_code_hash=blind_index(receipt + ":" + f"DEMO{self.serial:04d}"),
            channel=rng.choice([*STAFF_CHANNELS, Channel.ONLINE]), region_id=org.authority_region_id,
            organization_id=org.pk, organization_name=org.name, organization_uscc=org.uscc, category=category,
            description=rng.choice(DESCRIPTIONS[category]), anonymous=anonymous,
            complainant_name="" if anonymous else rng.choice(SURNAMES) + rng.choice(GIVEN),
            complainant_phone="" if anonymous else f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}",
            received_on=received, accept_due_on=rules.accept_due_on(received))
        self._advance(complaint)
        return complaint

    def _advance(self, c: Complaint) -> None:
        """Take the complaint as far as its age allows, with realistic delays (some late)."""
        rng, today = self.rng, self.today
        decided = rules.working_days_after(c.received_on, rng.randint(1, rules.accept_working_days() + 3))
        if decided > today or rng.random() < 0.04:
            return  # still waiting for the acceptance decision (overdue when past its deadline)
        c.accepted_on, c.accepted_late = decided, decided > c.accept_due_on
        if rng.random() < 0.12:
            c.status = Status.NOT_ACCEPTED
            c.not_accepted_reasons = "不属于社会组织登记管理机关职责范围，已告知向有关部门反映"
            self._reply(c, decided)
            return
        c.status, c.conclude_due_on = Status.ACCEPTED, rules.conclude_due_on(decided)
        c.assigned_on = decided + datetime.timedelta(days=rng.randint(0, 3))
        if c.assigned_on > today:
            return
        c.status, c.assignment_note = Status.ASSIGNED, "请核查并按期反馈"
        investigated = c.assigned_on + datetime.timedelta(days=rng.randint(10, 90))
        if investigated > today:
            return
        c.status, c.investigated_on = Status.INVESTIGATED, investigated
        c.findings = "约谈负责人，调阅账册、会议记录和收费凭证"
        concluded = investigated + datetime.timedelta(days=rng.randint(1, 20))
        if concluded > today:
            return
        outcome = Outcome.FOUNDED if rng.random() < 0.45 else Outcome.UNFOUNDED
        c.status, c.outcome, c.conclusion, c.concluded_on = Status.CONCLUDED, outcome, CONCLUSIONS[outcome], concluded
        c.concluded_late = concluded > c.conclude_due_on
        if outcome == Outcome.FOUNDED:
            kind, text = rng.choice(MEASURES)
            if kind == "rectification":
                c.rectification_requirements = text
                c.rectification_deadline = concluded + datetime.timedelta(days=30)
            elif kind == "penalty":
                c.penalty = text
            else:
                c.referred_to = text
        self._reply(c, concluded)

    def _reply(self, c: Complaint, after: datetime.date) -> None:
        replied = after + datetime.timedelta(days=self.rng.randint(1, 10))
        if replied > self.today:
            return
        c.status, c.replied_on = Status.REPLIED, replied
        c.reply_method = ReplyMethod.ONLINE if c.anonymous else ReplyMethod.PHONE
        c.reply = c.not_accepted_reasons or c.conclusion
