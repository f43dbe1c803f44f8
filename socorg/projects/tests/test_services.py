"""The funded-project workflow through its services — call, application, review, award, milestones, evaluations,
payments, outcome — and every bad input of the issue (a clear Chinese field error, nothing written)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from socorg.core.models import AuditEntry
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.projects import services
from socorg.projects.models import Application, Evaluation, Payment, Project, ProjectCall, Review

from .conftest import TODAY, application_values, make_call

pytestmark = pytest.mark.django_db
SCORES = {"需求分析": 18, "项目设计": 25, "执行能力": 20, "预算合理性": 12, "预期成效": 8}


def errors_of(excinfo) -> dict:
    return {k: " ".join(v) for k, v in excinfo.value.message_dict.items()}


@pytest.fixture
def panel(bureau, org):
    """Two experts of the province's pool, one of whom works for another organization."""
    users = [make_user(("viewer", "530000")), make_user(("viewer", "530000"))]
    other = make_org("530103", name="盘龙区社工协会")
    return [services.expert_add(actor=bureau, user=users[0], name="张教授", region="530000"),
            services.expert_add(actor=bureau, user=users[1], name="李主任", region="530000", affiliation=other)]


def submitted(call, org, filer, **overrides):
    return services.application_submit(actor=filer, call=call, org=org, **application_values(**overrides))


def test_call_with_the_issues_rules_is_stored_as_configuration(bureau):
    call = make_call(bureau, rules_config=[{"rule": "registered_years", "min": 1}, {"rule": "max_awards", "max": 2}])
    assert call.rules == [{"rule": "registered_years", "min": 1}, {"rule": "max_awards", "max": 2}]
    assert [c["name"] for c in call.criteria][:2] == ["需求分析", "项目设计"]
    assert AuditEntry.objects.filter(action="projects.call.create").count() == 1


def test_a_call_with_reversed_dates_unknown_rule_and_unknown_category_is_refused_at_once(bureau):
    with pytest.raises(ValidationError) as excinfo:
        make_call(bureau, opens_on=TODAY, closes_on=TODAY - datetime.timedelta(days=1),
                  rules_config=[{"rule": "be_good"}], categories=["养老"], budget="-5")
    errors = errors_of(excinfo)
    assert set(errors) == {"closes_on", "rules", "categories", "budget"}
    assert "早于开始日期" in errors["closes_on"]
    assert not ProjectCall.objects.exists()


def test_a_call_outside_the_issuers_region_is_refused(db):
    county_staff = make_user(("bureau_staff", "530102"))
    with pytest.raises(ValidationError) as excinfo:
        make_call(county_staff, region="530000")
    assert "不在您可发布申报的地区范围内" in errors_of(excinfo)["region"]


def test_the_organizations_account_applies_to_an_open_call(call, org, filer):
    application = submitted(call, org, filer)
    assert application.status == "submitted"
    assert application.eligibility["eligible"] is True
    assert application.amount_requested == Decimal("100000")


def test_an_application_to_a_closed_call_is_refused(bureau, org, filer):
    closed = make_call(bureau, opens_on=TODAY - datetime.timedelta(days=30),
                       closes_on=TODAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as excinfo:
        submitted(closed, org, filer)
    assert "已于" in errors_of(excinfo)["call"] and "截止" in errors_of(excinfo)["call"]
    assert not Application.objects.exists()


def test_budget_lines_that_do_not_add_up_or_exceed_the_limit_are_refused(call, org, filer):
    with pytest.raises(ValidationError) as excinfo:
        submitted(call, org, filer, budget_lines=[{"item": "餐费", "amount": "50000"}])
    assert "不一致" in errors_of(excinfo)["budget_lines"]
    with pytest.raises(ValidationError) as excinfo:
        submitted(call, org, filer, budget_lines=[{"item": "餐费", "amount": "250000"}], amount_requested="250000")
    assert "单个项目上限" in errors_of(excinfo)["amount_requested"]
    assert not Application.objects.exists()


def test_an_ineligible_organization_is_refused_with_the_reasons(call, filer, db):
    young = make_org("530102", registered_on=TODAY - datetime.timedelta(days=20))
    own = make_user(("org_account", "530102"), organization=young)
    with pytest.raises(ValidationError) as excinfo:
        submitted(call, young, own)
    reasons = excinfo.value.message_dict["eligibility"]
    assert len(reasons) == 2
    assert any("要求满1年" in r for r in reasons) and any("既无党组织覆盖" in r for r in reasons)
    assert not Application.objects.exists()


def test_another_organizations_account_cannot_apply_for_it(call, org, db):
    stranger = make_user(("org_account", "530102"), organization=make_org("530102"))
    with pytest.raises(PermissionDenied):
        submitted(call, org, stranger)


def test_an_expert_cannot_review_their_own_organizations_application(bureau, call, filer, org):
    insider = services.expert_add(actor=bureau, user=make_user(("viewer", "530000")), name="王理事",
                                  region="530000", affiliation=org)
    application = submitted(call, org, filer)
    with pytest.raises(ValidationError) as excinfo:
        services.review_assign(actor=bureau, application=application, experts=[insider])
    assert "王理事任职于五华区夕阳红养老服务中心，不能评审本单位的申报" in errors_of(excinfo)["experts"]
    assert not Review.objects.exists()


def test_scores_stay_hidden_until_every_expert_not_in_conflict_has_scored(bureau, call, filer, org, panel):
    application = submitted(call, org, filer)
    first, second = services.review_assign(actor=bureau, application=application, experts=panel)
    third_user = make_user(("viewer", "530000"))
    third = services.expert_add(actor=bureau, user=third_user, name="赵老师", region="530000")
    (conflicted,) = services.review_assign(actor=bureau, application=application, experts=[third])
    services.review_submit(actor=panel[0].user, review=first, scores=SCORES, comment="方案可行")
    first.refresh_from_db()
    assert services.scores_visible_to(first, panel[0].user) is True
    assert services.scores_visible_to(first, panel[1].user) is False
    assert services.scores_visible_to(first, bureau) is False
    services.review_declare_conflict(actor=third_user, review=conflicted, reason="曾任该组织顾问")
    assert services.scores_visible_to(first, bureau) is False
    services.review_submit(actor=panel[1].user, review=second, scores={**SCORES, "项目设计": 29})
    assert services.scores_visible_to(first, bureau) is True
    application.refresh_from_db()
    assert application.average_score == Decimal("85.00")  # (83 + 87) / 2; the conflicted expert excluded


def test_only_the_assigned_expert_scores_and_only_within_the_maxima(bureau, call, filer, org, panel):
    application = submitted(call, org, filer)
    first, _second = services.review_assign(actor=bureau, application=application, experts=panel)
    with pytest.raises(PermissionDenied):
        services.review_submit(actor=panel[1].user, review=first, scores=SCORES)
    with pytest.raises(ValidationError) as excinfo:
        services.review_submit(actor=panel[0].user, review=first, scores={**SCORES, "项目设计": 31})
    assert "项目设计" in errors_of(excinfo)["scores"]
    first.refresh_from_db()
    assert first.status == "assigned" and first.scores == {}


def awarded(bureau, call, org, filer, panel) -> Project:
    application = submitted(call, org, filer)
    for review in services.review_assign(actor=bureau, application=application, experts=panel):
        services.review_submit(actor=review.expert.user, review=review, scores=SCORES)
    return services.application_award(actor=bureau, application=application, amount="90000")


def test_award_needs_every_score_and_stays_within_request_and_budget(bureau, call, filer, org, panel):
    application = submitted(call, org, filer)
    first, second = services.review_assign(actor=bureau, application=application, experts=panel)
    services.review_submit(actor=panel[0].user, review=first, scores=SCORES)
    with pytest.raises(ValidationError) as excinfo:
        services.application_award(actor=bureau, application=application, amount="90000")
    assert "尚有专家未评分" in errors_of(excinfo)["status"]
    services.review_submit(actor=panel[1].user, review=second, scores=SCORES)
    with pytest.raises(ValidationError) as excinfo:
        services.application_award(actor=bureau, application=application, amount="100001")
    assert "超过申请金额" in errors_of(excinfo)["amount"]
    project = services.application_award(actor=bureau, application=application, amount="90000")
    assert project.amount == Decimal("90000") and project.application.status == "awarded"


def test_milestones_payments_evaluations_and_outcome(bureau, call, filer, org, panel):
    project = awarded(bureau, call, org, filer, panel)
    first = services.milestone_add(actor=bureau, project=project, title="启动", due_on=TODAY, tranche="40000")
    second = services.milestone_add(actor=bureau, project=project, title="中期", due_on=TODAY, tranche="50000")
    with pytest.raises(ValidationError) as excinfo:
        services.milestone_add(actor=bureau, project=project, title="追加", due_on=TODAY, tranche="1")
    assert "超过立项金额" in errors_of(excinfo)["tranche"]
    with pytest.raises(ValidationError) as excinfo:
        services.payment_record(actor=bureau, milestone=first, amount="40000", paid_on=TODAY)
    assert "已验收" in errors_of(excinfo)["milestone"]
    services.milestone_report(actor=filer, milestone=first, report="完成招募与培训")
    services.milestone_accept(actor=bureau, milestone=first)
    with pytest.raises(ValidationError) as excinfo:
        services.payment_record(actor=bureau, milestone=first, amount="40001", paid_on=TODAY)
    assert "超过该里程碑额度" in errors_of(excinfo)["amount"]
    services.payment_record(actor=bureau, milestone=first, amount="40000", paid_on=TODAY)
    with pytest.raises(ValidationError):
        services.payment_record(actor=bureau, milestone=first, amount="1", paid_on=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.evaluation_record(actor=bureau, project=project, stage="final", evaluated_on=TODAY, score=90,
                                   conclusion="good", findings="好")
    assert "请先登记中期评估" in errors_of(excinfo)["stage"]
    with pytest.raises(ValidationError) as excinfo:
        services.evaluation_record(actor=bureau, project=project, stage="midterm", evaluated_on=TODAY, score=55,
                                   conclusion="fail", findings="进度滞后")
    assert set(errors_of(excinfo)) == {"rectification"}
    services.evaluation_record(actor=bureau, project=project, stage="midterm", evaluated_on=TODAY, score=82,
                               conclusion="good", findings="按计划推进", site_visit_on=TODAY,
                               rectification="补充台账", rectification_due=TODAY + datetime.timedelta(days=30))
    with pytest.raises(ValidationError) as excinfo:
        services.project_complete(actor=bureau, project=project, people_served=320, money_spent="85000",
                                  outcome="助餐12000人次", completed_on=TODAY)
    assert "结项评估" in errors_of(excinfo)["status"]
    services.evaluation_record(actor=bureau, project=project, stage="final", evaluated_on=TODAY, score=91,
                               conclusion="excellent", findings="成效明显")
    with pytest.raises(ValidationError) as excinfo:
        services.project_complete(actor=bureau, project=project, people_served=320, money_spent="85000",
                                  outcome="助餐", completed_on=TODAY,
                                  contributions=[{"county": "530100", "people_served": 1, "money_spent": "1"}])
    assert "不是县级行政区" in errors_of(excinfo)["contributions"]
    services.project_complete(actor=bureau, project=project, people_served=320, money_spent="85000",
                              outcome="助餐12000人次", completed_on=TODAY,
                              contributions=[{"county": "530102", "people_served": 320, "money_spent": "85000"}])
    project.refresh_from_db()
    assert project.status == "completed" and project.contributions.count() == 1
    assert Evaluation.objects.filter(project=project).count() == 2
    assert Payment.objects.filter(project=project).count() == 1
    assert second.status == "pending"


def test_an_organization_cannot_evaluate_or_pay_itself(bureau, call, filer, org, panel):
    project = awarded(bureau, call, org, filer, panel)
    with pytest.raises(PermissionDenied):
        services.evaluation_record(actor=filer, project=project, stage="midterm", evaluated_on=TODAY, score=99,
                                   conclusion="excellent", findings="很好")
