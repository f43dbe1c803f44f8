"""Working days: State Council holidays off, make-up working days on (chinese-calendar), overrides per deployment."""

import datetime

import pytest

from socorg.credit import rules, workdays

D = datetime.date


def test_national_day_2026_with_its_make_up_saturday():
    # 1–7 October off, Saturday 10 October worked: 8, 9, 10, 12, 13 (docs/domain.md's example).
    assert rules.entry_due_on(D(2026, 9, 30)) == D(2026, 10, 13)
    assert workdays.is_workday(D(2026, 10, 10))
    assert not workdays.is_workday(D(2026, 10, 11))


def test_spring_festival_2026_is_skipped():
    # 15–23 February 2026 off; Saturday 14 February is a make-up working day.
    assert not workdays.is_workday(D(2026, 2, 16))
    assert workdays.is_workday(D(2026, 2, 14))
    # Friday 13 February: 14 (make-up Saturday), 24, 25, 26, 27.
    assert rules.entry_due_on(D(2026, 2, 13)) == D(2026, 2, 27)


def test_make_up_saturday_after_spring_festival_counts():
    # Tuesday 24 February: 25, 26, 27, Saturday 28 (make-up), Monday 2 March.
    assert workdays.is_workday(D(2026, 2, 28))
    assert rules.entry_due_on(D(2026, 2, 24)) == D(2026, 3, 2)
    # Without the make-up day it would be 3 March.
    assert rules.entry_due_on(D(2026, 2, 24)) != D(2026, 3, 3)


def test_an_ordinary_week_counts_weekdays():
    assert rules.entry_due_on(D(2026, 11, 2)) == D(2026, 11, 9)
    assert workdays.workdays_between(D(2026, 11, 2), D(2026, 11, 9)) == 5


def test_removal_due_on_follows_the_same_working_days():
    assert rules.removal_due_on(D(2026, 9, 30)) == D(2026, 10, 13)


def test_a_year_the_calendar_does_not_know_falls_back_to_weekdays_and_says_so():
    assert workdays.calendar_known(D(2026, 12, 31))
    assert not workdays.calendar_known(D(2099, 1, 5))
    assert workdays.add_workdays(D(2099, 1, 2), 1) == D(2099, 1, 5)  # Friday → Monday


def test_deployment_overrides_add_holidays_and_make_up_days(settings):
    settings.SOCORG_EXTRA_HOLIDAYS = "2099-01-05"
    settings.SOCORG_EXTRA_WORKDAYS = "2099-01-03"
    assert workdays.is_workday(D(2099, 1, 3))  # a Saturday made a working day
    assert not workdays.is_workday(D(2099, 1, 5))
    assert workdays.add_workdays(D(2099, 1, 2), 2) == D(2099, 1, 6)


def test_count_must_be_positive():
    with pytest.raises(ValueError):
        workdays.add_workdays(D(2026, 1, 5), 0)
