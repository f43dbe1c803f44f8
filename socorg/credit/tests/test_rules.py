"""Pure rules: reasons as configuration, listing and removal validation, penalties, periods."""

import datetime
from decimal import Decimal

from socorg.credit import rules
from socorg.credit.choices import CreditList, PenaltyKind

D = datetime.date
TODAY = D(2026, 11, 28)
ALL = set(rules.REASONS)


def test_reason_codes_are_exactly_those_of_the_issue():
    assert rules.ABNORMAL_REASONS == ("annual_report_missing", "no_party_org", "rectification_overdue",
                                      "unreachable", "minor_penalty", "fundraising_conditions")
    assert rules.SERIOUS_REASONS == ("abnormal_two_years", "suspension_penalty", "major_fine",
                                     "repeated_penalties", "dishonest_debtor", "registration_revoked",
                                     "fraudulent_change")
    assert all(r.citation.startswith("民政部《社会组织信用信息管理办法》") for r in rules.REASONS.values())


def test_listing_needs_a_decision_number_a_past_date_and_a_configured_reason_of_the_list():
    errors = rules.listing_problems(list_code="abnormal", reason="major_fine", decision_no=" ", decided_on=None,
                                    today=TODAY, enabled_reasons=ALL)
    assert set(errors) == {"reason", "decision_no", "decided_on"}
    errors = rules.listing_problems(list_code="abnormal", reason="no_party_org", decision_no="民社罚〔2026〕1号",
                                    decided_on=D(2026, 11, 29), today=TODAY, enabled_reasons=ALL)
    assert set(errors) == {"decided_on"}
    errors = rules.listing_problems(list_code="abnormal", reason="no_party_org", decision_no="x",
                                    decided_on=TODAY, today=TODAY, enabled_reasons=ALL - {"no_party_org"})
    assert set(errors) == {"reason"}
    assert rules.listing_problems(list_code="grey", reason="no_party_org", decision_no="x", decided_on=TODAY,
                                  today=TODAY, enabled_reasons=ALL).keys() == {"list"}
    assert rules.listing_problems(list_code="abnormal", reason="no_party_org", decision_no="x", decided_on=TODAY,
                                  today=TODAY, enabled_reasons=ALL) == {}


def test_periods_serious_five_years_minor_penalty_six_months_others_on_application():
    assert rules.expires_on(CreditList.SERIOUS, "major_fine", D(2021, 11, 28)) == D(2026, 11, 28)
    assert rules.expires_on(CreditList.ABNORMAL, "minor_penalty", D(2026, 2, 28)) == D(2026, 8, 28)
    assert rules.expires_on(CreditList.ABNORMAL, "minor_penalty", D(2025, 8, 31)) == D(2026, 2, 28)
    assert rules.expires_on(CreditList.ABNORMAL, "annual_report_missing", D(2026, 1, 1)) is None
    assert rules.escalation_day(D(2024, 2, 29)) == D(2026, 2, 28)


def _removal(**kw):
    base = {"list_code": "abnormal", "reason": "annual_report_missing", "listed_on": D(2026, 1, 5),
            "expires": None, "decided_on": D(2026, 6, 1), "today": TODAY, "still_holds": None,
            "removal_reason": "已补报"}
    return rules.removal_problems(**(base | kw))


def test_removal_conditions():
    assert _removal() == {}
    assert set(_removal(removal_reason="")) == {"reason"}
    assert set(_removal(decided_on=D(2026, 1, 4))) == {"decided_on"}
    assert set(_removal(still_holds="仍未提交")) == {"reason"}
    # Serious list: not before 5 years.
    assert set(_removal(list_code="serious", expires=D(2031, 1, 5))) == {"decided_on"}
    # Nothing to rectify: ends by itself, not before.
    assert set(_removal(reason="minor_penalty", expires=D(2026, 7, 5), decided_on=D(2026, 7, 4))) == {"decided_on"}
    assert _removal(reason="minor_penalty", expires=D(2026, 7, 5), decided_on=D(2026, 7, 5)) == {}


def _penalty(**kw):
    base = {"kind": PenaltyKind.FINE, "amount": "1000", "decision_no": "民罚〔2026〕3号", "decided_on": D(2026, 3, 1),
            "facts": "未按规定使用票据", "legal_basis": "《社会团体登记管理条例》第三十条",
            "issuing_authority": "昆明市民政局",
            "suspension_until": None, "today": TODAY}
    return rules.penalty_problems(**(base | kw))


def test_penalty_validation():
    assert _penalty() == {}
    assert set(_penalty(amount=None)) == {"amount"}
    assert set(_penalty(amount="-5")) == {"amount"}
    assert set(_penalty(amount="abc")) == {"amount"}
    assert set(_penalty(kind=PenaltyKind.WARNING)) == {"amount"}  # a warning has no amount
    assert _penalty(kind=PenaltyKind.WARNING, amount=None) == {}
    assert set(_penalty(kind=PenaltyKind.SUSPENSION, amount=None)) == {"suspension_until"}
    assert set(_penalty(kind=PenaltyKind.SUSPENSION, amount=None, suspension_until=D(2026, 3, 1))) == \
        {"suspension_until"}
    assert _penalty(kind=PenaltyKind.SUSPENSION, amount=None, suspension_until=D(2026, 6, 1)) == {}
    assert set(_penalty(decision_no="", facts="", legal_basis="", issuing_authority="",
                        decided_on=D(2027, 1, 1))) == {"decision_no", "facts", "legal_basis", "issuing_authority",
                                                       "decided_on"}


def test_small_and_major_fines_meet_at_50000_yuan():
    assert rules.is_small_penalty(PenaltyKind.FINE, Decimal("49999.99"))
    assert not rules.is_small_penalty(PenaltyKind.FINE, Decimal("50000"))
    assert rules.is_major_fine(PenaltyKind.FINE, Decimal("50000"))
    assert rules.is_small_penalty(PenaltyKind.WARNING, None)
    assert not rules.is_small_penalty(PenaltyKind.CONFISCATION, Decimal("100"))


def test_two_unanswered_letters_20_to_60_days_apart():
    as_of = D(2026, 6, 30)
    pair = rules.unreachable_pair
    kw = {"min_gap_days": 20, "max_gap_days": 60, "reply_days": 15}
    assert pair([(D(2026, 3, 1), False), (D(2026, 3, 21), False)], as_of, **kw) == (D(2026, 3, 1), D(2026, 3, 21))
    assert pair([(D(2026, 3, 1), False), (D(2026, 3, 20), False)], as_of, **kw) is None  # 19 days
    assert pair([(D(2026, 3, 1), False), (D(2026, 4, 30), False)], as_of, **kw) is not None  # 60 days
    assert pair([(D(2026, 3, 1), False), (D(2026, 5, 1), False)], as_of, **kw) is None  # 61 days
    assert pair([(D(2026, 3, 1), True), (D(2026, 3, 21), False)], as_of, **kw) is None  # the first was answered
    # The second letter waits 15 days for an answer.
    assert pair([(D(2026, 6, 1), False), (D(2026, 6, 21), False)], D(2026, 7, 5), **kw) is None
    assert pair([(D(2026, 6, 1), False), (D(2026, 6, 21), False)], D(2026, 7, 6), **kw) is not None


def test_reason_params_are_checked():
    reason = rules.REASONS["no_party_org"]
    assert reason.clean_params({"alert_age_days": 30}) == {"alert_age_days": 30}
    for bad in ({"alert_age_days": -1}, {"alert_age_days": "30"}, {"days": 3}):
        try:
            reason.clean_params(bad)
        except ValueError:
            continue
        raise AssertionError(bad)
