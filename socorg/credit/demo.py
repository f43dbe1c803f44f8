"""Credit demo data for the demo organizations: administrative penalties, registered letters, and listings decided
from the real candidates (so the lists, the candidates page and the escalation mean something) — most entered on
time, some late, and a few on the abnormal list for over 2 years, which the daily job (run at the end, as
`socorg credit-escalate` would) moves to the serious list.

Deterministic for a seed; written in bulk (the demo is not a clerk's work: no audit entry per row)."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from socorg.core.scope import in_subtree
from socorg.registry.models import SocialOrganization, org_active_q

from . import rules
from .candidates import credit_candidates
from .choices import CreditList, PenaltyKind
from .models import CreditEntry, Penalty, RegisteredLetter

FACTS = ("未按规定办理变更登记", "违规开展评比达标表彰活动", "超出章程规定的宗旨和业务范围开展活动",
         "未按规定使用票据", "强制入会并收取会费")
BASIS = "《社会团体登记管理条例》第三十条"
AUTHORITY_SUFFIX = "民政局"


class CreditDemo:
    def __init__(self, *, seed: int, region_prefix: str = "", today: datetime.date | None = None):
        self.rng = random.Random(seed)
        self.prefix = region_prefix
        self.today = today or timezone.localdate()
        self.serial = 0

    def _number(self, kind: str, year: int) -> str:
        self.serial += 1
        return f"民社{kind}〔{year}〕{self.serial}号"

    def _day_back(self, low: int, high: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(low, high))

    def run(self) -> dict:
        orgs = list(SocialOrganization.objects.filter(org_active_q(), in_subtree("authority_region__code", self.prefix))
                    .order_by("pk").values_list("pk", "registered_on", "authority_region_id"))
        penalties = self._penalties(orgs)
        letters = self._letters(orgs)
        old = self._old_abnormal(orgs)
        entries = self._entries()
        return {"penalties": penalties, "letters": letters, "entries": entries + old}

    def _penalties(self, orgs) -> int:
        rows = []
        for pk, registered, _region in orgs:
            roll = self.rng.random()
            if roll > 0.006:
                continue
            day = self._day_back(10, 900)
            if registered and day < registered:
                continue
            if roll < 0.003:
                kind, amount = PenaltyKind.WARNING, None
            elif roll < 0.0052:
                kind, amount = PenaltyKind.FINE, Decimal(self.rng.choice((2000, 5000, 10000, 30000)))
            elif roll < 0.0058:
                kind, amount = PenaltyKind.FINE, Decimal(self.rng.choice((50000, 80000)))
            else:
                kind, amount = PenaltyKind.CONFISCATION, Decimal(self.rng.randint(1, 50) * 1000)
            rows.append(Penalty(organization_id=pk, kind=kind, amount=amount, decision_no=self._number("罚", day.year),
                                decided_on=day, facts=self.rng.choice(FACTS), legal_basis=BASIS,
                                issuing_authority=AUTHORITY_SUFFIX))
        Penalty.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def _letters(self, orgs) -> int:
        rows = []
        for pk, _registered, _region in orgs:
            if self.rng.random() > 0.003:
                continue
            first = self._day_back(70, 300)
            second = first + datetime.timedelta(days=self.rng.randint(20, 60))
            answered = self.rng.random() < 0.3
            rows.append(RegisteredLetter(organization_id=pk, sent_on=first, tracking_no=f"EMS{pk:09d}1"))
            rows.append(RegisteredLetter(organization_id=pk, sent_on=second, tracking_no=f"EMS{pk:09d}2",
                                         answered_on=second + datetime.timedelta(days=5) if answered else None))
        RegisteredLetter.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def _entry(self, org_id: int, list_code: str, reason: str, decided: datetime.date, evidence: dict,
               penalty_id=None) -> CreditEntry:
        due = rules.entry_due_on(decided)
        entered = min(self.today, decided + datetime.timedelta(days=self.rng.choice((1, 2, 3, 4, 6, 12))))
        return CreditEntry(organization_id=org_id, list=list_code, reason=reason, evidence=evidence,
                           decision_no=self._number("异" if list_code == CreditList.ABNORMAL else "严", decided.year),
                           decided_on=decided, entered_on=entered, entry_due_on=due, entered_late=entered > due,
                           expires_on=rules.expires_on(list_code, reason, decided), penalty_id=penalty_id)

    def _old_abnormal(self, orgs) -> int:
        """A few organizations listed unreachable a little over 2 years ago: credit-escalate moves them."""
        rows = []
        for pk, registered, _region in orgs:
            if self.rng.random() > 0.0005:
                continue
            decided = self.today - datetime.timedelta(days=731 + self.rng.randint(0, 40))
            if registered and decided < registered:
                continue
            evidence = {"text": "两次邮寄专用信函无人签收"}
            rows.append(self._entry(pk, CreditList.ABNORMAL, "unreachable", decided, evidence))
        CreditEntry.objects.bulk_create(rows, batch_size=2000)
        return len(rows)

    def _entries(self) -> int:
        """The clerk's decisions on about two thirds of today's candidates."""
        rows = []
        for candidate in credit_candidates(as_of=self.today, region_prefix=self.prefix):
            if candidate.reason == "abnormal_two_years" or self.rng.random() > 0.65:
                continue
            decided = min(self.today, candidate.since + datetime.timedelta(days=self.rng.randint(3, 25)))
            entry = self._entry(candidate.organization_id, candidate.list, candidate.reason, decided,
                                candidate.evidence, candidate.penalty_id)
            rows.append(entry)
        CreditEntry.objects.bulk_create(rows, batch_size=2000)
        return len(rows)
