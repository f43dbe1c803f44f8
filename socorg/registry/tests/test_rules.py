"""registry.rules: the database-free rules every input path shares (issue #12 item 1). No database in this file:
the rules must not need one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from socorg.registry import rules

ACCEPTED_PHONES = ["13812345678", "0871-64100000", "0871(64100000)", "(0871)64100000", "(0871) 6410-0000",
                   "+86 138 1234 5678", "0871 6410 0000", "６４１０００００", "1234567"]
REFUSED_PHONES = ["123456", "abc", "0871-6410000x", "((0871))64100000", "0871)64100000(", "-13812345678",
                  "0871--", "+", "1234567890123456", "138\x0112345678", "138\x1f12345678", "()1234567",
                  "1" * 33]


@pytest.mark.parametrize("value", ACCEPTED_PHONES)
def test_one_phone_rule_accepts_landlines_with_bracketed_area_codes_and_mobiles(value):
    assert rules.phone(value)


@pytest.mark.parametrize("value", REFUSED_PHONES)
def test_one_phone_rule_refuses_what_is_no_phone_number(value):
    with pytest.raises(ValidationError):
        rules.phone(value)


def test_phone_keeps_the_number_as_written_with_white_space_collapsed():
    assert rules.phone("  0871   6410 0000 ") == "0871 6410 0000"
    assert rules.phone("") == "" and rules.phone(None) == ""


@given(st.text(max_size=40))
def test_phone_either_refuses_or_returns_7_to_15_digits(value):
    try:
        phone = rules.phone(value)
    except ValidationError:
        return
    assert phone == "" or 7 <= sum(ch.isdigit() for ch in phone) <= 15


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"])
def test_text_refuses_control_characters_with_a_message_naming_the_field(char):
    with pytest.raises(ValidationError) as caught:
        rules.text(f"王{char}五", label="姓名", max_length=64)
    assert caught.value.code == "control_character"
    assert "姓名" in caught.value.messages[0] and f"U+{ord(char):04X}" in caught.value.messages[0]


def test_text_keeps_tabs_and_line_breaks_as_white_space():
    assert rules.text(" 王\t五\r\n ", label="姓名", max_length=64) == "王 五"


def test_name_is_required_and_bounded():
    with pytest.raises(ValidationError):
        rules.name("  ", label="名称", max_length=10)
    with pytest.raises(ValidationError):
        rules.name("协" * 11, label="名称", max_length=10)
    assert rules.name(" 协会 ", label="名称", max_length=10) == "协会"


@pytest.mark.parametrize("value", [-1, 1_000_001, True, "3", 2.5, None])
def test_count_is_a_whole_number_from_0_to_a_million(value):
    with pytest.raises(ValidationError):
        rules.count(value, label="正式党员人数")


def test_past_date_refuses_the_future_and_accepts_today():
    today = datetime.date(2026, 6, 1)
    assert rules.past_date(today, label="日期", today=today) == today
    with pytest.raises(ValidationError):
        rules.past_date(datetime.date(2026, 6, 2), label="日期", today=today)
    with pytest.raises(ValidationError):
        rules.past_date(None, label="日期", required=True, today=today)


def test_a_status_change_comes_on_or_after_the_registration():
    rules.registered_before_status_change(datetime.date(2020, 1, 1), datetime.date(2020, 1, 1))
    with pytest.raises(ValidationError):
        rules.registered_before_status_change(datetime.date(2020, 1, 2), datetime.date(2020, 1, 1))
