"""Each eligibility rule has a passing and a failing fixture with its reason text (issue #17, Done when); the
answer lists every rule, passed or not, in Chinese; one organization and the whole region agree."""

import datetime

import pytest

from socorg.alerts.models import Alert
from socorg.party.tests.factories import make_org, make_party_org, staff
from socorg.projects import queries, services
from socorg.reports.models import AnnualReport

from .conftest import LONG_AGO, TODAY, application_values, grade, list_on_credit, make_call

pytestmark = pytest.mark.django_db


def verdict(call, org):
    return queries.eligibility_of(call, org, TODAY)


def reason(call, org, rule):
    (found,) = [r for r in verdict(call, org)["reasons"] if r["rule"] == rule]
    return found


def call_with(bureau, *rules):
    return make_call(bureau, rules_config=list(rules))


def test_every_configured_rule_is_listed_in_order_after_the_region(bureau, org):
    call = make_call(bureau)
    answer = verdict(call, org)
    assert [r["rule"] for r in answer["reasons"]] == ["in_region", "registered_years", "annual_report_ok",
                                                      "party_coverage", "no_high_alert", "max_awards"]
    assert answer["eligible"] is True
    assert all(r["passed"] for r in answer["reasons"])


def test_in_region_passes_inside_and_fails_outside_or_deregistered(bureau, org):
    call = call_with(bureau)
    assert reason(call, org, "in_region") == {"rule": "in_region", "passed": True,
                                              "detail": "登记于五华区，在本次申报地区（云南省）内。"}
    outsider = make_org("110101", registered_on=LONG_AGO)
    assert reason(call, outsider, "in_region")["passed"] is False
    assert "不在本次申报地区" in reason(call, outsider, "in_region")["detail"]
    closed = make_org("530102", registered_on=LONG_AGO, status="deregistered",
                      status_changed_on=datetime.date(2024, 1, 1))
    assert reason(call, closed, "in_region")["passed"] is False


def test_registered_years_pass_and_fail(bureau, org):
    call = call_with(bureau, {"rule": "registered_years", "min": 3})
    assert reason(call, org, "registered_years")["passed"] is True
    assert "2015-03-01登记成立" in reason(call, org, "registered_years")["detail"]
    young = make_org("530102", registered_on=TODAY - datetime.timedelta(days=400))
    failed = reason(call, young, "registered_years")
    assert failed["passed"] is False and "已满1年；要求满3年" in failed["detail"]
    unknown = make_org("530102", registered_on=None)
    assert "未登记成立日期" in reason(call, unknown, "registered_years")["detail"]


def test_annual_report_ok_passes_on_qualified_and_fails_on_unqualified(bureau, org):
    call = call_with(bureau, {"rule": "annual_report_ok"})
    assert reason(call, org, "annual_report_ok") == {
        "rule": "annual_report_ok", "passed": True, "detail": "尚无已审核的年度报告，无不合格记录。"}
    year = TODAY.year - 2
    AnnualReport.objects.create(organization=org, year=year, due_on=datetime.date(year + 1, 5, 31),
                                status="reviewed", conclusion="qualified")
    assert reason(call, org, "annual_report_ok")["passed"] is True
    AnnualReport.objects.create(organization=org, year=year + 1, due_on=datetime.date(year + 2, 5, 31),
                                status="reviewed", conclusion="unqualified")
    failed = reason(call, org, "annual_report_ok")
    assert failed == {"rule": "annual_report_ok", "passed": False,
                      "detail": f"最近一次已审核年度报告（{year + 1}年度）结论：不合格。"}


def test_party_coverage_passes_with_a_party_organization_or_party_work_and_fails_without(bureau, org):
    call = call_with(bureau, {"rule": "party_coverage"})
    assert reason(call, org, "party_coverage")["detail"] == "已有党组织覆盖。"
    work_only = make_org("530102", registered_on=LONG_AGO, org_covered=False, work_covered=True)
    assert reason(call, work_only, "party_coverage")["passed"] is True
    bare = make_org("530102", registered_on=LONG_AGO)
    failed = reason(call, bare, "party_coverage")
    assert failed["passed"] is False and failed["detail"].startswith("既无党组织覆盖")
    strict = call_with(bureau, {"rule": "party_coverage", "require": "organization"})
    assert reason(strict, work_only, "party_coverage")["passed"] is False


def test_no_high_alert_fails_on_an_open_high_alert_about_the_organization_or_its_party_organization(bureau, org):
    call = call_with(bureau, {"rule": "no_high_alert"})
    assert reason(call, org, "no_high_alert") == {"rule": "no_high_alert", "passed": True,
                                                  "detail": "无未结的高级别预警。"}
    Alert.objects.create(rule="secretary_vacant", subject_type="social_org", subject_key=f"social_org:{org.pk}",
                         organization=org, region_id="530102", severity="medium", message="m", opened_on=TODAY)
    assert reason(call, org, "no_high_alert")["passed"] is True  # medium does not count
    other = make_org("530102", registered_on=LONG_AGO)
    branch = make_party_org(staff("530102"), orgs=[other], founded_on=LONG_AGO, coverage_start_on=LONG_AGO)
    Alert.objects.create(rule="member_assembly_shortfall", subject_type="party_org",
                         subject_key=f"party_org:{branch.pk}", party_org=branch, region_id="530102",
                         severity="high", message="m", opened_on=TODAY)
    failed = reason(call, other, "no_high_alert")
    assert failed["passed"] is False and failed["detail"].startswith("有1条未结的高级别预警")
    Alert.objects.filter(party_org=branch).update(status="resolved")
    assert reason(call, other, "no_high_alert")["passed"] is True


def _award(bureau, org, call, filer, title):
    from socorg.core.testing import make_user

    application = services.application_submit(actor=filer, call=call, org=org,
                                              **application_values(title=title))
    expert_user = make_user(("viewer", "530000"))
    expert = services.expert_add(actor=bureau, user=expert_user, name="专家" + title, region="530000")
    (review,) = services.review_assign(actor=bureau, application=application, experts=[expert])
    services.review_submit(actor=expert_user, review=review,
                           scores={"需求分析": 18, "项目设计": 25, "执行能力": 20, "预算合理性": 12, "预期成效": 8})
    return services.application_award(actor=bureau, application=application, amount="100000")


def test_max_awards_counts_projects_in_progress(bureau, org, filer):
    call = call_with(bureau, {"rule": "max_awards", "max": 2})
    assert reason(call, org, "max_awards")["detail"] == "在研资助项目0个；上限2个。"
    _award(bureau, org, call, filer, "助餐一期")
    _award(bureau, org, call, filer, "助餐二期")
    failed = reason(call, org, "max_awards")
    assert failed == {"rule": "max_awards", "passed": False, "detail": "在研资助项目2个；上限2个。"}


def test_the_whole_region_set_based_agrees_with_one_organization_at_a_time(bureau, org):
    call = make_call(bureau)
    young = make_org("530102", registered_on=TODAY - datetime.timedelta(days=30))
    bare = make_org("530103", registered_on=LONG_AGO)
    make_org("110101", registered_on=LONG_AGO)  # outside the call's region: not in the set
    together = dict(queries.eligibility_all(call, TODAY))
    assert set(together) == {org.pk, young.pk, bare.pk}
    for one in (org, young, bare):
        assert together[one.pk] == verdict(call, one)
    summary = queries.eligibility_summary(call, TODAY)
    assert summary["organizations"] == 3 and summary["eligible"] == 1
    assert summary["failed_by_rule"] == {"registered_years": 1, "party_coverage": 2}


def test_not_on_credit_list_passes_unlisted_and_fails_listed_with_list_and_date(bureau, org):
    call = call_with(bureau, {"rule": "not_on_credit_list"})
    assert reason(call, org, "not_on_credit_list") == {
        "rule": "not_on_credit_list", "passed": True, "detail": "未列入活动异常名录，也未列入严重违法失信名单。"}
    decided = TODAY - datetime.timedelta(days=3)
    list_on_credit(org, decided_on=decided)
    assert reason(call, org, "not_on_credit_list") == {
        "rule": "not_on_credit_list", "passed": False, "detail": f"自{decided.isoformat()}起列入活动异常名录。"}


def test_min_evaluation_grade_passes_at_or_above_and_fails_below_or_without(bureau, org):
    call = call_with(bureau, {"rule": "min_evaluation_grade", "grade": 3})
    assert reason(call, org, "min_evaluation_grade") == {
        "rule": "min_evaluation_grade", "passed": False, "detail": "无有效评估等级；要求不低于3A。"}
    grade(org, "2A", valid_from=TODAY - datetime.timedelta(days=900))
    assert reason(call, org, "min_evaluation_grade")["detail"] == "评估等级2A；要求不低于3A。"
    grade(org, "4A")
    assert reason(call, org, "min_evaluation_grade") == {
        "rule": "min_evaluation_grade", "passed": True, "detail": "评估等级4A；要求不低于3A。"}


def test_the_issues_example_rules_all_pass_for_a_good_organization_and_each_is_listed(bureau, org):
    call = call_with(bureau, {"rule": "not_on_credit_list"}, {"rule": "registered_years", "min": 1},
                     {"rule": "annual_report_ok"}, {"rule": "min_evaluation_grade", "grade": 3},
                     {"rule": "party_coverage"}, {"rule": "no_high_alert"}, {"rule": "max_awards", "max": 2})
    grade(org, "3A")
    answer = verdict(call, org)
    assert answer["eligible"] is True and len(answer["reasons"]) == 8
    list_on_credit(org)
    assert [r["rule"] for r in verdict(call, org)["reasons"] if not r["passed"]] == ["not_on_credit_list"]
