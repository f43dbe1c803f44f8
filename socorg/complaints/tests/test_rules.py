import datetime

import pytest

from socorg.complaints import rules
from socorg.complaints.choices import Outcome, Stage, Status

D = datetime.date


def test_working_days_skip_the_weekend():
    assert rules.working_days_after(D(2025, 6, 13), 1) == D(2025, 6, 16)  # Friday → Monday
    assert rules.working_days_after(D(2025, 6, 9), 5) == D(2025, 6, 16)
    assert rules.working_days_after(D(2025, 6, 9), 0) == D(2025, 6, 9)


def test_working_days_skip_the_spring_festival_and_count_a_make_up_saturday():
    # 2026: Spring Festival 15–23 February off, Saturday 14 and Saturday 28 February worked.
    assert rules.working_days_after(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert rules.working_days_after(D(2026, 2, 14), 1) == D(2026, 2, 24)
    # National Day 1–7 October off, Saturday 10 October worked: decided 30 September, 5 working days → 13 October.
    assert rules.working_days_after(D(2026, 9, 30), 5) == D(2026, 10, 13)


def test_working_days_refuse_a_negative_count():
    with pytest.raises(ValueError):
        rules.working_days_after(D(2025, 6, 9), -1)


def test_deadlines_follow_the_deployment_settings(settings):
    settings.SOCORG_COMPLAINT_ACCEPT_WORKING_DAYS = 3
    settings.SOCORG_COMPLAINT_CONCLUDE_WORKING_DAYS = 10
    assert rules.accept_due_on(D(2025, 6, 11)) == D(2025, 6, 16)
    assert rules.conclude_due_on(D(2025, 6, 16)) == D(2025, 6, 30)


def test_receipt_numbers_carry_the_date_and_avoid_confusable_characters():
    number = rules.new_receipt_no(D(2026, 11, 28))
    assert number.startswith("TS20261128") and len(number) == 16
    assert not set(number[10:]) & set("01IOL")
    assert len({rules.new_receipt_no(D(2026, 11, 28)) for _ in range(200)}) > 190


@pytest.mark.parametrize("current,target,ok", [
    (Status.RECEIVED, Status.ACCEPTED, True), (Status.RECEIVED, Status.NOT_ACCEPTED, True),
    (Status.RECEIVED, Status.ASSIGNED, False), (Status.ACCEPTED, Status.ASSIGNED, True),
    (Status.ASSIGNED, Status.ASSIGNED, True), (Status.ASSIGNED, Status.CONCLUDED, False),
    (Status.INVESTIGATED, Status.CONCLUDED, True), (Status.CONCLUDED, Status.REPLIED, True),
    (Status.NOT_ACCEPTED, Status.REPLIED, True), (Status.REPLIED, Status.REPLIED, False),
])
def test_which_step_may_follow_which(current, target, ok):
    assert (rules.step_problem(current, target) is None) is ok


def conclusion(**overrides):
    values = {"outcome": Outcome.FOUNDED, "conclusion": "查实违规收费", "concluded_on": D(2025, 6, 10),
              "rectification_deadline": None, "rectification_requirements": "", "penalty": "", "referred_to": ""}
    return rules.conclusion_problems(**(values | overrides))


def test_a_founded_complaint_needs_a_measure():
    assert set(conclusion()) == {"outcome"}
    assert conclusion(penalty="警告") == {}
    assert conclusion(referred_to="市场监管局") == {}


def test_a_rectification_order_needs_requirements_and_a_later_deadline():
    assert conclusion(rectification_requirements="退还会费", rectification_deadline=D(2025, 7, 10)) == {}
    assert set(conclusion(rectification_requirements="退还会费")) == {"rectification_deadline"}
    assert set(conclusion(rectification_deadline=D(2025, 7, 10))) == {"rectification_requirements"}
    assert set(conclusion(rectification_requirements="退还会费", rectification_deadline=D(2025, 6, 10))) == {
        "rectification_deadline"}


def test_an_unfounded_complaint_orders_nothing_and_any_outcome_needs_findings():
    assert conclusion(outcome=Outcome.UNFOUNDED) == {}
    assert set(conclusion(outcome=Outcome.UNFOUNDED, penalty="警告")) == {"outcome"}
    assert set(conclusion(conclusion="", penalty="警告")) == {"conclusion"}
    assert set(conclusion(outcome="maybe")) == {"outcome"}


def test_contact_rules_for_named_and_anonymous_complaints():
    assert rules.contact_problems(anonymous=True, name="", phone="", contact="") == {}
    assert set(rules.contact_problems(anonymous=True, name="张三", phone="", contact="")) == {"complainant_name"}
    assert set(rules.contact_problems(anonymous=False, name="", phone="", contact="")) == {
        "complainant_name", "complainant_phone"}
    assert rules.contact_problems(anonymous=False, name="张三", phone="", contact="昆明市五华区") == {}


def test_overdue_is_judged_against_the_stage_deadline():
    due = D(2025, 6, 10)
    assert rules.is_overdue(Status.RECEIVED, D(2025, 6, 10), accept_due=due, conclude_due=None) is None
    assert rules.is_overdue(Status.RECEIVED, D(2025, 6, 11), accept_due=due, conclude_due=None) == Stage.ACCEPTANCE
    assert rules.is_overdue(Status.ASSIGNED, D(2025, 6, 11), accept_due=due, conclude_due=due) == Stage.CONCLUSION
    assert rules.is_overdue(Status.CONCLUDED, D(2025, 6, 11), accept_due=due, conclude_due=due) is None
