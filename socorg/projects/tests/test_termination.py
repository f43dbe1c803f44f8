"""Terminating a funded project (终止): by the bureau over the organization's region, for a reason with the
decision; milestones not yet accepted are cancelled and their tranches withheld, accepted ones stay payable; nothing
more is recorded afterwards. Through the service, the page (with its confirmation) and the API."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, client_as, make_user
from socorg.projects import queries, services
from socorg.projects.models import Milestone, Payment, Project

from .conftest import TODAY, application_values

pytestmark = pytest.mark.django_db
SCORES = {"需求分析": 18, "项目设计": 25, "执行能力": 20, "预算合理性": 12, "预期成效": 8}
AWARDED_ON = TODAY - datetime.timedelta(days=60)


def errors_of(excinfo) -> dict:
    return {k: " ".join(v) for k, v in excinfo.value.message_dict.items()}


@pytest.fixture
def project(bureau, call, org, filer) -> Project:
    """An awarded project of 90,000 yuan with four milestones: paid, accepted but unpaid, reported, pending."""
    application = services.application_submit(actor=filer, call=call, org=org, **application_values())
    experts = [services.expert_add(actor=bureau, user=make_user(("viewer", "530000")), name=name, region="530000")
               for name in ("张教授", "李主任")]
    for review in services.review_assign(actor=bureau, application=application, experts=experts):
        services.review_submit(actor=review.expert.user, review=review, scores=SCORES)
    project = services.application_award(actor=bureau, application=application, amount="90000",
                                         awarded_on=AWARDED_ON)
    for title, tranche in (("启动", "20000"), ("中期", "30000"), ("后期", "25000"), ("结项", "15000")):
        services.milestone_add(actor=bureau, project=project, title=title, tranche=tranche,
                               due_on=AWARDED_ON + datetime.timedelta(days=30))
    first, second, third, _fourth = project.milestones.order_by("pk")
    for milestone in (first, second, third):
        services.milestone_report(actor=filer, milestone=milestone, report="已完成")
    for milestone in (first, second):
        services.milestone_accept(actor=bureau, milestone=milestone)
    services.payment_record(actor=bureau, milestone=first, amount="20000", paid_on=TODAY)
    return project


def terminate(actor, project, **overrides):
    values = {"reason": "breach", "detail": "中期评估不合格且逾期未整改，依合同第九条终止（云民社〔2026〕5号）",
              "terminated_on": TODAY}
    values.update(overrides)
    return services.project_terminate(actor=actor, project=project, **values)


def statuses(project) -> list[str]:
    return list(project.milestones.order_by("pk").values_list("status", flat=True))


def test_the_effect_is_announced_before_terminating(project):
    effect = queries.termination_effect(project)
    assert [m.title for m in effect["cancelled"]] == ["后期", "结项"]
    assert (effect["withheld"], effect["payable"], effect["paid"]) == (Decimal(40000), Decimal(30000),
                                                                       Decimal(20000))


def test_terminating_cancels_the_milestones_not_accepted_and_keeps_accepted_tranches_payable(bureau, project):
    terminate(bureau, project)
    project.refresh_from_db()
    assert (project.status, project.terminated_on, project.termination_reason) == ("terminated", TODAY, "breach")
    assert project.get_termination_reason_display() == "违反合同约定"
    assert statuses(project) == ["accepted", "accepted", "cancelled", "cancelled"]
    accepted_unpaid = project.milestones.get(title="中期")
    services.payment_record(actor=bureau, milestone=accepted_unpaid, amount="30000", paid_on=TODAY)
    cancelled = project.milestones.get(title="后期")
    with pytest.raises(ValidationError) as excinfo:
        services.payment_record(actor=bureau, milestone=cancelled, amount="25000", paid_on=TODAY)
    assert "已验收" in errors_of(excinfo)["milestone"]
    assert Payment.objects.filter(project=project).count() == 2


def test_nothing_is_recorded_on_a_terminated_project(bureau, filer, project):
    terminate(bureau, project)
    with pytest.raises(ValidationError):
        services.milestone_add(actor=bureau, project=project, title="追加", tranche="1", due_on=TODAY)
    with pytest.raises(ValidationError):
        services.milestone_report(actor=filer, milestone=project.milestones.get(title="结项"), report="完成")
    with pytest.raises(ValidationError):
        services.evaluation_record(actor=bureau, project=project, stage="midterm", evaluated_on=TODAY, score=60,
                                   conclusion="fail", findings="未完成")
    with pytest.raises(ValidationError) as excinfo:
        terminate(bureau, project)
    assert "进行中" in errors_of(excinfo)["status"]


def test_the_termination_is_audited_with_the_cancelled_tranches(bureau, project):
    terminate(bureau, project)
    entry = AuditEntry.objects.get(action="projects.project.terminate")
    assert entry.before["status"] == "in_progress" and entry.after["status"] == "terminated"
    assert [row[1] for row in entry.after["cancelled_milestones"]] == ["后期", "结项"]
    assert (entry.after["withheld"], entry.after["payable"]) == ("40000.00", "30000.00")


def test_a_reason_a_decision_and_a_date_within_the_project_are_required_all_at_once(bureau, project):
    with pytest.raises(ValidationError) as excinfo:
        terminate(bureau, project, reason="bored", detail="  ", terminated_on=AWARDED_ON - datetime.timedelta(1))
    errors = errors_of(excinfo)
    assert set(errors) == {"reason", "detail", "terminated_on"}
    assert "终止原因" in errors["reason"] and "立项" in errors["terminated_on"]
    with pytest.raises(ValidationError) as excinfo:
        terminate(bureau, project, terminated_on=TODAY + datetime.timedelta(days=1))
    assert set(errors_of(excinfo)) == {"terminated_on"}
    project.refresh_from_db()
    assert project.status == "in_progress" and statuses(project) == ["accepted", "accepted", "reported", "pending"]
    assert not AuditEntry.objects.filter(action="projects.project.terminate").exists()


def test_only_the_bureau_over_the_organizations_region_terminates(filer, project):
    for actor in (filer, make_user(("bureau_staff", "530103")), make_user(("bureau_staff", "110000"))):
        with pytest.raises(PermissionDenied):
            terminate(actor, project)
    project.refresh_from_db()
    assert project.status == "in_progress"
    terminate(make_user(("bureau_staff", "530102")), project)


def test_the_page_asks_for_confirmation_naming_the_effect_then_terminates(bureau, project):
    page = client_as(bureau).get(f"/projects/{project.pk}/").content.decode()
    assert 'id="terminate-form"' in page and "data-confirm=" in page
    assert "2个尚未验收的里程碑将被取消" in page and "40,000" in page
    response = client_as(bureau).post(f"/projects/{project.pk}/terminate/", {
        "reason": "organization_request", "detail": "机构申请终止", "terminated_on": TODAY.isoformat()})
    assert response.status_code == 302
    page = client_as(bureau).get(f"/projects/{project.pk}/").content.decode()
    assert 'id="termination"' in page and "应机构申请" in page and 'id="terminate-form"' not in page


def test_the_page_shows_a_missing_decision_beside_the_field(bureau, project):
    response = client_as(bureau).post(f"/projects/{project.pk}/terminate/", {
        "reason": "breach", "detail": "", "terminated_on": TODAY.isoformat()})
    assert response.status_code == 400
    project.refresh_from_db()
    assert project.status == "in_progress"


def test_the_organization_cannot_terminate_its_project_from_the_page(filer, project):
    page = client_as(filer).get(f"/projects/{project.pk}/").content.decode()
    assert 'id="terminate-form"' not in page
    response = client_as(filer).post(f"/projects/{project.pk}/terminate/", {
        "reason": "organization_request", "detail": "不做了", "terminated_on": TODAY.isoformat()})
    assert response.status_code == 403


def test_terminate_over_the_api(bureau, filer, project):
    url = f"/api/v1/projects/{project.pk}/terminate/"
    bad = api_as(bureau).post(url, {"reason": "breach", "detail": "违约", "terminated_on": "2001-01-01"},
                              format="json")
    assert bad.status_code == 400 and set(bad.json()) == {"terminated_on"}
    assert api_as(filer).post(url, {"reason": "breach", "detail": "违约", "terminated_on": TODAY.isoformat()},
                              format="json").status_code == 403
    response = api_as(bureau).post(url, {"reason": "credit_listing", "detail": "列入严重违法失信名单",
                                         "terminated_on": TODAY.isoformat()}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["terminated_on"], body["termination_reason"]) == (
        "terminated", TODAY.isoformat(), "credit_listing")
    assert [m["status"] for m in body["milestones"]] == ["accepted", "accepted", "cancelled", "cancelled"]
    assert Milestone.objects.filter(project=project, status="cancelled").count() == 2
