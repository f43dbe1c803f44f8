import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socorg.core.text import pinyin_full, pinyin_initials
from socorg.core.xlsx import safe_value
from socorg.ledger.pinyin import pinyin_pair
from socorg.ledger.values import (
    CellError,
    clean_text,
    parse_date,
    parse_int,
    parse_uscc_cell,
    parse_yes_no,
    split_list,
)


@pytest.mark.parametrize("raw", [datetime.date(2021, 6, 30), datetime.datetime(2021, 6, 30), 44377, 44377.0,
                                 "2021-06-30", "2021/6/30", "2021年6月30日", "２０２１－０６－３０", " 2021-06-30 ",
                                 "2021-06-30 00:00:00", "44377"])
def test_dates_are_accepted_in_every_documented_form(raw):
    assert parse_date(raw) == datetime.date(2021, 6, 30)


@pytest.mark.parametrize("raw", ["2021-13-01", "30/06/2021", "去年", "2021.06", "0"])
def test_text_that_is_not_a_date_is_refused_with_the_accepted_forms(raw):
    with pytest.raises(CellError, match="YYYY-MM-DD|calendar|不是|date"):
        parse_date(raw)


def test_future_dates_are_refused_when_a_bound_is_given():
    with pytest.raises(CellError):
        parse_date("2999-01-01", not_after=datetime.date(2024, 1, 1))


@pytest.mark.parametrize("raw, expected", [(5, 5), (5.0, 5), ("5", 5), ("５", 5), (" 12 ", 12), ("1,200", 1200)])
def test_whole_numbers_also_when_stored_as_floats_or_full_width_text(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize("raw", [5.5, "五", "-1", True])
def test_non_integers_and_negative_counts_are_refused(raw):
    with pytest.raises(CellError):
        parse_int(raw)


def test_text_is_normalised_full_width_spaces_and_trailing_spaces():
    assert clean_text("　ＡＢＣ协会  ") == "ABC协会"
    assert clean_text("甲  乙\n丙") == "甲 乙 丙"
    assert clean_text(5.0) == "5"


def test_uscc_lists_accept_mixed_separators():
    assert split_list("A;B；C、D\nE\r\nF;;") == ["A", "B", "C", "D", "E", "F"]


def test_an_18_digit_code_stored_as_a_number_is_reported_as_damaged():
    with pytest.raises(CellError, match="15"):
        parse_uscc_cell(515301021234567890.0)


def test_yes_no():
    assert parse_yes_no("是") is True and parse_yes_no(" 否 ") is False
    with pytest.raises(CellError):
        parse_yes_no("也许")


@pytest.mark.parametrize("text", ["=1+1", "+86 138", "-x", "@SUM(A1)"])
def test_formula_like_text_is_neutralised_on_export_and_restored_on_import(text):
    exported = safe_value(text)
    assert exported == "'" + text
    assert clean_text(exported) == text
    assert safe_value("普通文本") == "普通文本"


@pytest.mark.parametrize("name", ["昆明市五华区示例行业协会", "530102教育社会团体17", "长沙银行业协会",
                                  "重庆市重点行业协会", "ABC 行业协会", "中国-东盟商会（云南）", "行长行走",
                                  "=HYPERLINK(1)", "", "2024"])
def test_bulk_pinyin_equals_the_shared_pinyin_helpers(name):
    assert pinyin_pair(name) == (pinyin_full(name), pinyin_initials(name))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="昆明市五华区行业协会重庆长沙银行乐音〇ＡＢ12 -（）a", max_size=24))
def test_bulk_pinyin_equals_the_shared_pinyin_helpers_on_any_mix_of_characters(name):
    assert pinyin_pair(name) == (pinyin_full(name), pinyin_initials(name))
