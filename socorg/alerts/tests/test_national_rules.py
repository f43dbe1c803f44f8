"""The national minimums added by issue #11 — party-group meeting, themed party day, democratic appraisal, and the
member rule of 党章第九条 — fire on the broken case, stay silent on a healthy branch and resolve once fixed, like
the other rules (test_rules.py); and the should-build minimum is one deployment setting."""

import datetime
import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from socorg.activities.models import Attendance, DuesPayment
from socorg.alerts.choices import AlertStatus
from socorg.alerts.config import rule_config
from socorg.alerts.models import Alert, RuleSetting
from socorg.alerts.rules import RULES, get_rule, lapsed_members, shared_evaluation
from socorg.alerts.scan import CONDITION_GONE, run_scan
from socorg.party.models import PartyMember, PartyOrganization

from .factories import AS_OF, healthy_branch, record

pytestmark = pytest.mark.django_db


def alerts_for(rule: str, **subject):
    return Alert.objects.filter(rule=rule, **subject)


def _fires_then_resolves(rule: str, subject: dict, fix, as_of=AS_OF):
    run_scan(as_of=as_of)
    alert = alerts_for(rule, **subject).get()
    assert alert.status == AlertStatus.OPEN and alert.message and alert.evidence
    fix()
    run_scan(as_of=as_of)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.resolution_reason == CONDITION_GONE
    return alert


# --- 党小组会, 主题党日, 民主评议党员 ------------------------------------------------------------------------

def test_group_meeting_shortfall_fires_only_for_branches_with_party_groups():
    party_org, _org = healthy_branch()
    run_scan(as_of=AS_OF)
    assert not alerts_for("group_meeting_shortfall").exists()  # no party groups: nothing to hold
    PartyOrganization.objects.filter(pk=party_org.pk).update(has_party_groups=True)
    alert = _fires_then_resolves("group_meeting_shortfall", {"party_org": party_org},
                                 lambda: record(party_org, "group_meeting", datetime.date(2025, 6, 18)))
    assert alert.evidence["period"] == "2025-06"


def test_group_meeting_in_the_current_month_does_not_count_for_the_last_one():
    party_org, _org = healthy_branch()
    PartyOrganization.objects.filter(pk=party_org.pk).update(has_party_groups=True)
    record(party_org, "group_meeting", datetime.date(2025, 7, 2))
    run_scan(as_of=AS_OF)
    assert alerts_for("group_meeting_shortfall", party_org=party_org).exists()


def test_themed_party_day_shortfall_fires_without_one_last_month():
    party_org, _org = healthy_branch()
    party_org.activities.filter(type="themed_party_day").update(date=datetime.date(2025, 5, 31))
    alert = _fires_then_resolves("themed_party_day_shortfall", {"party_org": party_org},
                                 lambda: record(party_org, "themed_party_day", datetime.date(2025, 6, 30)))
    assert alert.evidence["last_held_on"] == "2025-05-31"


def test_member_appraisal_missing_fires_without_one_in_the_previous_year():
    party_org, _org = healthy_branch()
    party_org.activities.filter(type="member_appraisal").update(date=datetime.date(2023, 12, 28))
    _fires_then_resolves("member_appraisal_missing", {"party_org": party_org},
                         lambda: record(party_org, "member_appraisal", datetime.date(2024, 1, 10)))


# --- 党章第九条: members without organizational life or dues ------------------------------------------------

def _attend(activity, *members):
    Attendance.objects.bulk_create([Attendance(activity=activity, member=m) for m in members])


def _pay(member, *months):
    DuesPayment.objects.bulk_create([DuesPayment(member=member, month=datetime.date(y, m, 1), amount=Decimal("10"))
                                     for y, m in months])


def _tracked_branch():
    """A healthy branch whose members all attended a meeting on 2025-06-05 and paid dues up to 2025-06."""
    party_org, org = healthy_branch(full_members=3)
    members = list(PartyMember.objects.filter(party_org=party_org).order_by("pk"))
    meeting = party_org.activities.get(type="committee_meeting")
    _attend(meeting, *members)
    for member in members:
        _pay(member, (2025, 1), (2025, 2), (2025, 3), (2025, 4), (2025, 5), (2025, 6))
    return party_org, members


def test_branch_keeping_attendance_and_dues_raises_no_member_alert():
    _tracked_branch()
    run_scan(as_of=AS_OF)
    assert not alerts_for("member_lapse").exists() and not alerts_for("member_lapse_warning").exists()


def test_branch_keeping_no_attendance_or_dues_records_is_not_checked():
    healthy_branch()
    assert lapsed_members(AS_OF, "", 3) == {}
    run_scan(as_of=AS_OF)
    assert not alerts_for("member_lapse").exists()


def test_member_lapse_fires_after_six_months_without_organizational_life_and_resolves_on_attendance():
    party_org, members = _tracked_branch()
    absent = members[0]
    Attendance.objects.filter(member=absent).delete()
    early = record(party_org, "member_assembly", datetime.date(2025, 1, 14), topic="一季度党员大会")
    _attend(early, *members)  # last seen 2025-01-14: six months on 2025-07-14
    alert = _fires_then_resolves(
        "member_lapse", {"party_org": party_org},
        lambda: _attend(record(party_org, "party_lecture", datetime.date(2025, 7, 10), topic="补课"), absent))
    assert alert.evidence == {"months": 6, "count": 1, "without_life": 1, "without_dues": 0, "members": [
        {"member": absent.pk, "life_since": "2025-01-14", "dues_since": None}]}
    assert absent.name not in alert.message  # membership is sensitive: members by number only
    assert party_org.name in alert.message


def test_member_lapse_counts_full_calendar_months_of_unpaid_dues():
    party_org, members = _tracked_branch()
    late = members[1]
    DuesPayment.objects.filter(member=late, month__gte=datetime.date(2025, 1, 1)).delete()
    _pay(late, (2024, 12))  # unpaid since 2025-01: January–June are six full months by July
    run_scan(as_of=AS_OF)
    alert = alerts_for("member_lapse", party_org=party_org).get()
    assert alert.evidence["members"] == [{"member": late.pk, "life_since": None, "dues_since": "2025-01-01"}]
    DuesPayment.objects.filter(member=late, month=datetime.date(2024, 12, 1)).delete()
    _pay(late, (2025, 1))  # unpaid since 2025-02: five full months, the early warning only
    run_scan(as_of=AS_OF)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    warning = alerts_for("member_lapse_warning", party_org=party_org).get()
    assert warning.evidence["members"] == [{"member": late.pk, "life_since": None, "dues_since": "2025-02-01"}]


def test_early_warning_at_three_months_leaves_six_month_cases_to_member_lapse():
    party_org, members = _tracked_branch()
    warned, lapsed = members[0], members[1]
    Attendance.objects.filter(member__in=[warned, lapsed]).delete()
    _attend(record(party_org, "member_assembly", datetime.date(2025, 4, 10), topic="二季度"), warned)
    _attend(record(party_org, "member_assembly", datetime.date(2024, 12, 10), topic="四季度"), lapsed)
    run_scan(as_of=AS_OF)
    warning = alerts_for("member_lapse_warning", party_org=party_org).get()
    assert [m["member"] for m in warning.evidence["members"]] == [warned.pk]
    assert [m["member"] for m in alerts_for("member_lapse").get().evidence["members"]] == [lapsed.pk]


def test_member_never_attending_counts_from_the_branch_first_record_or_joining():
    party_org, members = _tracked_branch()
    newcomer = PartyMember.objects.create(name="新党员", party_org=party_org, membership="probationary",
                                          joined_on=datetime.date(2025, 6, 20))
    _pay(newcomer, (2025, 6))
    run_scan(as_of=AS_OF)  # joined less than a month ago: not absent for three months
    assert not alerts_for("member_lapse_warning").exists()
    run_scan(as_of=datetime.date(2025, 10, 1))
    warning = alerts_for("member_lapse_warning", party_org=party_org).get()
    assert newcomer.pk in [m["member"] for m in warning.evidence["members"]]


def test_member_who_left_is_not_checked():
    party_org, members = _tracked_branch()
    Attendance.objects.filter(member=members[0]).delete()
    PartyMember.objects.filter(pk=members[0].pk).update(is_active=False, left_on=datetime.date(2025, 3, 1))
    run_scan(as_of=datetime.date(2026, 1, 15))
    for alert in Alert.objects.filter(rule__startswith="member_lapse"):
        assert members[0].pk not in [m["member"] for m in alert.evidence["members"]]


def test_member_lapse_is_set_based(django_assert_max_num_queries):
    for _ in range(3):
        _tracked_branch()
    with django_assert_max_num_queries(3):
        get_rule("member_lapse").evaluate(datetime.date(2026, 3, 1), "", {"months": 6})


def test_within_a_scan_both_member_rules_share_one_pass_over_attendance_and_dues():
    for _ in range(3):
        _tracked_branch()
    day = datetime.date(2026, 3, 1)
    with shared_evaluation(), CaptureQueriesContext(connection) as queries:
        lapsed = get_rule("member_lapse").evaluate(day, "", {"months": 6})
        warned = get_rule("member_lapse_warning").evaluate(day, "", {"months": 3})
    assert lapsed and not warned  # by March 2026 every member of these branches is past six months
    attendance = Attendance._meta.db_table
    assert len([q for q in queries.captured_queries if attendance in q["sql"]]) == 1


# --- one source for the should-build minimum ----------------------------------------------------------------

def test_should_build_minimum_is_the_deployment_setting_shared_with_coverage():
    from socorg.coverage.models import SHOULD_BUILD_MIN_FULL_MEMBERS
    from socorg.registry.filters import COVERAGE_STATES

    rule = RULES["should_build_missing"]
    assert rule.default_params["min_full_members"] == SHOULD_BUILD_MIN_FULL_MEMBERS == 3
    assert "full_members__gte" in str(COVERAGE_STATES["should_build_missing"])
    with override_settings(SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS=4):
        assert rule.default_params["min_full_members"] == 4
        assert rule_config("should_build_missing").params["min_full_members"] == 4


def test_rule_setting_cannot_set_a_different_should_build_minimum():
    rule = RULES["should_build_missing"]
    assert rule.clean_params({"min_full_members": 3}) == {"min_full_members": 3}  # the same value is accepted
    with pytest.raises(ValidationError) as error:
        rule.clean_params({"min_full_members": 5})
    assert "SOCORG_SHOULD_BUILD_MIN_FULL_MEMBERS" in str(error.value)


# --- socorg alert-rules --------------------------------------------------------------------------------------

def test_alert_rules_lists_every_rule_as_configured():
    RuleSetting.objects.create(code="secretary_vacant", enabled=True, severity="medium", params={"months": 6},
                               citation="云南省地方标准：书记空缺超过6个月")
    RuleSetting.objects.create(code="lecture_shortfall", enabled=False, severity="low", params={})
    out = StringIO()
    call_command("alert_rules", "--format", "json", stdout=out)
    rows = {row["code"]: row for row in json.loads(out.getvalue())}
    assert set(rows) == set(RULES)
    assert set(rows["term_overdue"]) == {"code", "title", "citation", "severity", "enabled", "params"}
    assert rows["secretary_vacant"] == {"code": "secretary_vacant", "title": "书记空缺",
                                        "citation": "云南省地方标准：书记空缺超过6个月", "severity": "medium",
                                        "enabled": True, "params": {"months": 6}}
    assert rows["lecture_shortfall"]["enabled"] is False
    assert rows["should_build_missing"]["params"] == {"min_full_members": 3}
    assert rows["member_lapse"]["citation"] == RULES["member_lapse"].citation


def test_alert_rules_table_shows_citation_and_params():
    out = StringIO()
    call_command("alert_rules", stdout=out)
    text = out.getvalue()
    assert "member_lapse" in text and "依据：《中国共产党章程》第九条" in text and "months=6" in text


def test_member_lapse_evidence_is_shown_as_member_numbers_not_codes():
    from socorg.alerts.labels import evidence_rows

    rows = dict(evidence_rows({"months": 6, "members": [{"member": 7, "life_since": "2025-01-14", "dues_since": None},
                                                        {"member": 9, "life_since": None, "dues_since": "2025-01-01"}],
                               "count": 2, "without_life": 1, "without_dues": 1}))
    with translation.override("zh-hans"):
        rows = {str(k): v for k, v in rows.items()}
    assert "#7、#9" in rows.values()
