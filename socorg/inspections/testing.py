"""Test helper other apps' tests reuse (the page scans): a drawn plan with one recorded inspection."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from . import services
from .choices import InspectionResult, ItemState


def sample_drawn_plan(actor, *, region: str = "530000", level: str = "county"):
    """A plan over `region`'s organizations of `level`, committed and drawn (one organization, two outside
    experts), its inspection recorded with a problem, a rectification order and a document. Returns
    (plan, selection, document)."""
    plan = services.plan_create(actor=actor, name="抽查样例计划", year=timezone.localdate().year, region=region,
                                level=level, count=1, per_org=2, below_minimum_reason="样例",
                                inspectors=[{"name": "张检查", "unit": "民政局"}, {"name": "王专家", "unit": "大学"}])
    services.plan_commit(plan=plan, actor=actor)
    plan = services.plan_draw(plan=plan, public_value="样例公开随机值2026", actor=actor)
    selection = plan.selections.get()
    today = timezone.localdate()
    checklist = dict.fromkeys(plan.items, ItemState.CONFORMS) | {plan.items[0]: ItemState.PROBLEM}
    inspection = services.inspection_record(
        selection=selection, actor=actor, inspected_on=today, inspectors_present=selection.inspector_codes,
        checklist=checklist, result=InspectionResult.RECTIFY, findings="未单独组建党支部",
        rectification_order="限期组建党支部", rectification_deadline=today + datetime.timedelta(days=30),
        documents=[SimpleUploadedFile("检查记录.pdf", b"%PDF-1.4 inspection record")])
    return plan, selection, inspection.documents.get()
