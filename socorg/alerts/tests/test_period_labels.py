"""Periods are written as people write them (2026年第三季度), never as the rules' codes (2026Q3)."""

import pytest
from django.utils import translation

from socorg.alerts.periods import period_label


@pytest.mark.parametrize("code, chinese", [("2026Q3", "2026年第三季度"), ("2025Q1", "2025年第一季度"),
                                           ("2026H1", "2026年上半年"), ("2026H2", "2026年下半年"),
                                           ("2026-03", "2026年3月"), ("2025", "2025年")])
def test_period_codes_are_written_out_in_chinese(code, chinese):
    with translation.override("zh-hans"):
        assert period_label(code) == chinese


def test_period_codes_in_english():
    with translation.override("en"):
        assert period_label("2026Q3") == "third quarter of 2026"
