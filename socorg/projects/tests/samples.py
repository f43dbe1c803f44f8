"""Rows behind every project page, for the cross-cutting page scans (core/tests/test_no_identifiers_on_screen.py):
a call, an application scored by two experts and awarded, its milestone and mid-term evaluation, a need, an offer
and a match — all through the services, by `clerk` (bureau staff over the organization's region)."""

import datetime

from django.utils import timezone

from socorg.core.testing import make_user
from socorg.projects import services


def page_samples(clerk, org) -> dict[str, dict]:
    today = timezone.localdate()
    region = org.authority_region_id
    call = services.call_create(actor=clerk, name="公益创投示例", kind="venture", region=region[:2] + "0000",
                                budget="500000", opens_on=today - datetime.timedelta(days=5),
                                closes_on=today + datetime.timedelta(days=30), categories=["养老服务"])
    application = services.application_submit(
        actor=clerk, call=call, org=org, title="社区长者助餐", plan="助餐", category="养老服务",
        budget_lines=[{"item": "餐费", "amount": "50000"}], amount_requested="50000", people_served=80,
        places=[region])
    experts = []
    for name in ("张教授", "李主任"):
        user = make_user(("viewer", region[:2] + "0000"))
        experts.append(services.expert_add(actor=clerk, user=user, name=name, region=region[:2] + "0000"))
    for review in services.review_assign(actor=clerk, application=application, experts=experts):
        services.review_submit(actor=review.expert.user, review=review,
                               scores={"需求分析": 18, "项目设计": 25, "执行能力": 20, "预算合理性": 12, "预期成效": 8})
    project = services.application_award(actor=clerk, application=application, amount="50000")
    milestone = services.milestone_add(actor=clerk, project=project, title="启动", due_on=today, tranche="20000")
    services.evaluation_record(actor=clerk, project=project, stage="midterm", evaluated_on=today, score=85,
                               conclusion="good", findings="按计划推进")
    need = services.need_post(actor=clerk, title="独居老人助餐", region=region, category="养老服务", people=60,
                              starts_on=today, ends_on=today + datetime.timedelta(days=60))
    offer = services.offer_post(actor=clerk, org=org, title="上门助餐", categories=["养老服务"], regions=[region],
                                capacity=100, starts_on=today, ends_on=today + datetime.timedelta(days=90))
    match = services.match_propose(actor=clerk, need=need, offer=offer)
    return {
        "projects:call": {"pk": call.pk}, "projects:apply": {"pk": call.pk},
        **{f"projects:{name}": {"pk": application.pk}
           for name in ("application", "assign", "score", "conflict", "award", "reject")},
        **{f"projects:{name}": {"pk": project.pk} for name in ("project", "milestone-add", "evaluation-add",
                                                                "complete", "terminate")},
        **{f"projects:{name}": {"pk": milestone.pk} for name in ("milestone-report", "milestone-accept", "pay")},
        "projects:need": {"pk": need.pk}, "projects:propose": {"pk": need.pk},
        "projects:match": {"pk": match.pk}, "projects:match-decide": {"pk": match.pk, "decision": "accept"},
    }
