"""Demo screening: one run over the demo data as of today, then a deterministic sample of its cases closed through
the services — rectified, 注销 (with liquidation report) and 撤销 / 吊销 (as penalties) — by the demo staff account, so
the worklist and the per-region figures (注销 …, 撤销 …) mean something. The registry follows as in real use."""

import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from socorg.core.audit import SYSTEM
from socorg.regions.models import Region

from . import services
from .models import ScreeningCase

OUTCOMES = (("rectified", 0.45), ("deregistered", 0.35), ("registration_revoked", 0.12),
            ("certificate_revoked", 0.08))


def _pick(rng, weighted):
    roll, total = rng.random(), 0.0
    for value, weight in weighted:
        total += weight
        if roll < total:
            return value
    return weighted[-1][0]


def _pdf(name: str):
    return SimpleUploadedFile(name, b"%PDF-1.4 demo document")


def run_demo(*, seed: int, region_code: str = "100000", close: int = 200, actor=None) -> dict:
    """Screen the region and close up to `close` cases with `actor` (a user with exits.change and credit.change);
    without an actor the cases stay open. Returns the counts."""
    rng = random.Random(seed)
    region = Region.objects.get(code=region_code)
    run = services.screening_run(region=region, actor=SYSTEM)
    closed = {"rectified": 0, "deregistered": 0, "revoked": 0}
    if actor is None:
        return {"opened": run.opened, **closed}
    today = timezone.localdate()
    cases = list(ScreeningCase.objects.filter(run=run).order_by("pk").values_list("pk", flat=True))
    rng.shuffle(cases)
    for number, pk in enumerate(sorted(cases[:close]), start=1):
        case = ScreeningCase.objects.get(pk=pk)
        outcome = _pick(rng, OUTCOMES)
        if outcome == "rectified":
            services.case_rectify(case=case, actor=actor, note="补报年度报告并恢复正常活动",
                                  documents=[_pdf("整改报告.pdf")])
        elif outcome == "deregistered":
            services.case_deregister(case=case, actor=actor, closed_on=today, liquidation_done=True,
                                     certificate_returned=True, decision_no=f"民注〔{today.year}〕{number}号",
                                     documents=[_pdf("清算报告.pdf")])
        else:
            services.case_revoke(case=case, actor=actor, kind=outcome, decided_on=today,
                                 decision_no=f"民罚〔{today.year}〕{number}号",
                                 facts="连续两年未参加年度检查，经公告后仍未联系",
                                 legal_basis="《社会团体登记管理条例》第三十条", issuing_authority="民政局",
                                 documents=[_pdf("行政处罚决定书.pdf")])
        closed["revoked" if outcome.endswith("revoked") else outcome] += 1
    return {"opened": run.opened, **closed}
