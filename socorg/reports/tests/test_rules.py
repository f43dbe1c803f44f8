"""The annual-report rules as specifications: deadlines, exemption, the year, the finance arithmetic."""

import datetime
from decimal import Decimal

from django.test import override_settings

from socorg.reports import rules

TODAY = datetime.date(2026, 11, 28)


def test_an_organization_with_a_supervising_unit_reports_by_31_march():
    assert rules.deadline(2025, has_supervisor=True) == datetime.date(2026, 3, 31)


def test_a_directly_registered_organization_reports_by_31_may():
    assert rules.deadline(2025, has_supervisor=False) == datetime.date(2026, 5, 31)


@override_settings(SOCORG_REPORT_AUTHORITY_DEADLINE="06-30")
def test_deadlines_are_per_deployment():
    assert rules.deadline(2025, has_supervisor=False) == datetime.date(2026, 6, 30)


def test_registered_less_than_six_months_before_year_end_is_exempt():
    assert rules.is_exempt(datetime.date(2025, 7, 1), 2025)
    assert rules.is_exempt(datetime.date(2025, 12, 31), 2025)


def test_registered_by_30_june_is_due():
    assert not rules.is_exempt(datetime.date(2025, 6, 30), 2025)
    assert not rules.is_exempt(datetime.date(2019, 3, 1), 2025)


def test_unknown_registration_date_is_due_not_exempt():
    assert not rules.is_exempt(None, 2025)


def test_a_report_covers_a_finished_year():
    assert rules.year_problem(2026, None, TODAY)
    assert rules.year_problem(2027, None, TODAY)
    assert rules.year_problem(2025, None, TODAY) is None


def test_no_report_for_a_year_before_registration():
    assert rules.year_problem(2019, datetime.date(2020, 5, 1), TODAY)
    assert rules.year_problem(2020, datetime.date(2020, 5, 1), TODAY) is None


def test_closed_on_or_before_the_deadline_is_not_due():
    deadline = datetime.date(2026, 5, 31)
    assert rules.ended_before(False, datetime.date(2026, 5, 31), deadline)
    assert rules.ended_before(False, None, deadline)
    assert not rules.ended_before(False, datetime.date(2026, 6, 1), deadline)
    assert not rules.ended_before(True, None, deadline)


def test_amounts_that_cannot_be_negative_are_refused_but_net_assets_may_be():
    errors = rules.finance_problems({"total_expenditure": Decimal("-1"), "net_assets": Decimal("-500")})
    assert set(errors) == {"total_expenditure"}


def test_total_income_must_equal_its_parts():
    values = {"donation_income": Decimal("100"), "other_income": Decimal("20.5"), "total_income": Decimal("120")}
    assert "total_income" in rules.finance_problems(values)
    assert rules.finance_problems({**values, "total_income": Decimal("120.50")}) == {}


def test_a_total_without_parts_is_not_checked_against_them():
    assert rules.finance_problems({"total_income": Decimal("999")}) == {}
