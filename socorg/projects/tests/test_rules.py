"""The pure rules: configuration checks, budget arithmetic, review scores, area tiers and the match score."""

import datetime
from decimal import Decimal

import pytest

from socorg.projects import rules


def test_the_default_vocabulary_is_the_issues_list_and_is_accepted_by_label():
    assert rules.categories()[:3] == ("养老服务", "助残服务", "儿童关爱")
    assert len(rules.categories()) == 13
    assert rules.category_problem("应急救灾") is None
    assert "不是服务类别" in rules.category_problem("elderly_care")


def test_the_vocabulary_is_configuration(settings):
    settings.SOCORG_SERVICE_CATEGORIES = ["养老服务", "禁毒宣传"]
    assert rules.category_problem("禁毒宣传") is None
    assert rules.category_problem("儿童关爱") is not None


def test_weights_are_configuration(settings):
    assert rules.weights()["category"] == 100
    settings.SOCORG_MATCH_WEIGHTS = {"credit": 50, "unknown": 3}
    assert rules.weights()["credit"] == 50 and "unknown" not in rules.weights()


def test_every_rule_code_of_the_issue_is_valid_configuration():
    issue_example = [{"rule": "not_on_credit_list"}, {"rule": "registered_years", "min": 1},
                     {"rule": "annual_report_ok"}, {"rule": "min_evaluation_grade", "grade": 3},
                     {"rule": "party_coverage"}, {"rule": "no_high_alert"}, {"rule": "max_awards", "max": 2}]
    assert rules.rules_problem(issue_example) is None


def test_bad_rule_configuration_is_named():
    assert "未知规则" in rules.rules_problem([{"rule": "be_nice"}])
    assert "registered_years" in rules.rules_problem([{"rule": "registered_years"}])
    assert "min_evaluation_grade" in rules.rules_problem([{"rule": "min_evaluation_grade", "grade": 6}])
    assert "max_awards" in rules.rules_problem([{"rule": "max_awards", "max": True}])
    assert "重复" in rules.rules_problem([{"rule": "annual_report_ok"}, {"rule": "annual_report_ok"}])
    assert rules.rules_problem("not_on_credit_list") is not None


def test_budget_lines_must_add_up_to_the_amount_requested():
    lines = [{"item": "餐费", "amount": "60000"}, {"item": "人员", "amount": "30000"}]
    problems = rules.budget_problems(lines, "100000")
    assert "90,000.00" in problems["budget_lines"] and "100,000.00" in problems["budget_lines"]
    assert rules.budget_problems(lines, "90000") == {}


def test_the_amount_requested_stays_within_the_limit_per_project():
    lines = [{"item": "餐费", "amount": "250000"}]
    problems = rules.budget_problems(lines, "250000", max_per_project=Decimal("200000"))
    assert "上限" in problems["amount_requested"]


def test_a_budget_line_without_item_or_with_a_negative_amount_is_refused():
    assert "第1项" in rules.budget_problems([{"item": "", "amount": "5"}], "5")["budget_lines"]
    assert "第2项" in rules.budget_problems([{"item": "a", "amount": "5"}, {"item": "b", "amount": "-5"}],
                                            "0")["budget_lines"]


def test_reversed_dates_are_named_on_the_end_field():
    problems = rules.period_problems(datetime.date(2026, 5, 1), datetime.date(2026, 4, 1))
    assert set(problems) == {"ends_on"} and "早于" in problems["ends_on"]


def test_scores_must_lie_within_each_criterions_maximum():
    criteria = rules.criteria_of([])
    good = {c["name"]: c["max"] for c in criteria}
    assert rules.score_problems(good, criteria) == {}
    assert rules.total_score(good, criteria) == 100
    bad = {**good, "项目设计": 31}
    assert "项目设计" in rules.score_problems(bad, criteria)["scores"]
    missing = dict(good)
    missing.pop("预期成效")
    assert "预期成效" in rules.score_problems(missing, criteria)["scores"]


def test_area_tiers_covering_inside_prefecture_province_elsewhere():
    need = "530102"  # 五华区
    assert rules.area_tier(need, "530102") == rules.AREA_COVERS
    assert rules.area_tier(need, "530100") == rules.AREA_COVERS
    assert rules.area_tier(need, "100000") == rules.AREA_COVERS
    assert rules.area_tier("530100", "530102") == rules.AREA_INSIDE
    assert rules.area_tier(need, "530103") == rules.AREA_PREFECTURE
    assert rules.area_tier(need, "530302") == rules.AREA_PROVINCE
    assert rules.area_tier(need, "110101") == rules.AREA_NONE


def _offer(**overrides):
    offer = {"categories": ["养老服务"], "area": (rules.AREA_COVERS, "530102"), "capacity": 500,
             "credit_listing": None, "grade": 4, "completed": 2}
    offer.update(overrides)
    return offer


NEED = {"category": "养老服务", "region": "530102", "people": 300, "region_names": {"530102": "五华区"}}


def score(**overrides):
    return rules.match_score(need=NEED, offer=_offer(**overrides), weights=rules.weights())[0]


def test_each_factor_outweighs_all_those_after_it_with_the_default_weights():
    worst_same_category = score(area=(rules.AREA_PROVINCE, "530302"), capacity=1,
                                credit_listing={"list": "活动异常名录", "since": "2026-01-01"}, grade=None,
                                completed=0)
    best_other_category = score(categories=["助残服务"])
    assert worst_same_category > best_other_category
    assert score(area=(rules.AREA_COVERS, "530102"), capacity=1, credit_listing={"list": "x", "since": "y"},
                 grade=None, completed=0) > score(area=(rules.AREA_INSIDE, "530102"))
    assert score(credit_listing=None, grade=None, completed=0) > score(
        credit_listing={"list": "活动异常名录", "since": "2026-01-01"}, grade=5, completed=5)
    assert score(grade=5, completed=0) > score(grade=4, completed=1)


def test_the_reasons_name_each_factor_with_its_points_and_a_chinese_detail():
    total, reasons = rules.match_score(need=NEED, offer=_offer(), weights=rules.weights())
    assert [r["factor"] for r in reasons] == ["category", "area", "capacity", "credit", "rating", "track_record"]
    assert total == pytest.approx(sum(r["weight"] for r in reasons), abs=0.05)
    assert reasons[1]["detail"] == "服务区域五华区覆盖五华区。"
    assert "300" in reasons[2]["detail"] and "500" in reasons[2]["detail"]
