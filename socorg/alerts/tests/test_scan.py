"""The scan is idempotent, keeps one open alert per rule and subject, honours rule settings, and prints the JSON the
issue specifies."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from socorg.activities.models import Activity
from socorg.alerts.choices import AlertStatus
from socorg.alerts.models import Alert, RuleSetting, ScanActivityTally, ScanMemberTally, ScanRun
from socorg.alerts.scan import RULE_DISABLED, run_scan
from socorg.core.models import AuditEntry
from socorg.party.models import PartyOrganization
from socorg.party.tests.factories import make_org

from .factories import AS_OF, healthy_branch

pytestmark = pytest.mark.django_db


def lapsed_branch():
    party_org, org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    return party_org, org


def snapshot():
    return sorted(Alert.objects.values_list("rule", "subject_key", "status", "evidence", "opened_on", "resolved_on"))


def test_second_scan_with_the_same_data_changes_nothing():
    lapsed_branch()
    make_org(full_members=5)
    first = run_scan(as_of=AS_OF)
    before = snapshot()
    second = run_scan(as_of=AS_OF)
    assert first.opened == 3 and first.resolved == 0  # assembly shortfall; should-build + no-coverage for the org
    assert (second.opened, second.resolved, second.open) == (0, 0, 3)
    assert sum(r.updated for r in second.rules) == 0
    assert snapshot() == before


def test_database_refuses_a_second_open_alert_for_the_same_rule_and_subject():
    party_org, _org = lapsed_branch()
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get()
    duplicate = Alert(rule=alert.rule, subject_type=alert.subject_type, subject_key=alert.subject_key,
                      party_org=party_org, region_id="530102", severity="low", message="x", opened_on=AS_OF)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_open_alert_evidence_is_refreshed_when_the_period_moves_on():
    party_org, _org = lapsed_branch()
    run_scan(as_of=AS_OF)
    run_scan(as_of=datetime.date(2025, 10, 2))
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    assert alert.status == AlertStatus.OPEN and alert.opened_on == AS_OF
    assert alert.evidence["period"] == "2025Q3" and alert.episode == "2025Q3"
    assert alert.message == f"{party_org.name}在 2025年第三季度 未记录支部党员大会（最近一次：从未记录）。"


def test_a_changed_severity_is_applied_to_open_alerts_without_reopening_them():
    lapsed_branch()
    run_scan(as_of=AS_OF)
    opened = Alert.objects.get(rule="member_assembly_shortfall")
    RuleSetting.objects.filter(code="member_assembly_shortfall").update(severity="high")
    result = run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    assert (alert.pk, alert.severity, alert.status) == (opened.pk, "high", AlertStatus.OPEN)
    assert next(r for r in result.rules if r.code == "member_assembly_shortfall").updated == 1
    assert result.opened == 0


def test_alerts_written_through_the_orm_with_the_same_evidence_count_as_unchanged():
    lapsed_branch()
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    Alert.objects.filter(pk=alert.pk).update(evidence=dict(alert.evidence))  # re-encoded by the JSONField
    result = run_scan(as_of=AS_OF)
    assert sum(r.updated for r in result.rules) == 0 and result.opened == 0


def test_a_regional_scan_leaves_alerts_of_other_regions_alone():
    yunnan, _org = lapsed_branch()
    beijing, _other = healthy_branch("110101")
    Activity.objects.filter(party_org=beijing, type="member_assembly").delete()
    run_scan(as_of=AS_OF)
    assert Alert.objects.filter(rule="member_assembly_shortfall", status=AlertStatus.OPEN).count() == 2
    RuleSetting.objects.filter(code="member_assembly_shortfall").update(enabled=False)
    result = run_scan(as_of=AS_OF, region_prefix="53")
    assert result.resolved == 1
    statuses = dict(Alert.objects.filter(rule="member_assembly_shortfall").values_list("party_org", "status"))
    assert statuses == {yunnan.pk: AlertStatus.RESOLVED, beijing.pk: AlertStatus.OPEN}


def test_an_alert_follows_its_subject_to_a_new_region():
    party_org, _org = lapsed_branch()
    run_scan(as_of=AS_OF)
    PartyOrganization.objects.filter(pk=party_org.pk).update(region_id="530103")
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    assert alert.region_id == "530103" and alert.status == AlertStatus.OPEN


def test_disabling_a_rule_resolves_its_open_alerts():
    lapsed_branch()
    run_scan(as_of=AS_OF)
    RuleSetting.objects.filter(code="member_assembly_shortfall").update(enabled=False)
    result = run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="member_assembly_shortfall")
    assert alert.status == AlertStatus.RESOLVED and alert.resolution_reason == RULE_DISABLED
    assert result.resolved == 1


def test_stored_params_and_severity_are_used():
    party_org, _org = healthy_branch()
    RuleSetting.objects.create(code="lecture_shortfall", severity="high", params={"min_count": 2})
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(rule="lecture_shortfall")
    assert alert.severity == "high" and alert.evidence["held"] == 1 and alert.evidence["required"] == 2


def test_invalid_stored_params_skip_the_rule_and_say_why():
    lapsed_branch()
    RuleSetting.objects.create(code="member_assembly_shortfall", severity="medium", params={"weeks": 2})
    result = run_scan(as_of=AS_OF)
    outcome = next(r for r in result.rules if r.code == "member_assembly_shortfall")
    assert not outcome.enabled and "weeks" in outcome.problem
    assert not Alert.objects.filter(rule="member_assembly_shortfall").exists()


def test_each_scan_is_recorded_and_audited():
    run_scan(as_of=AS_OF)
    run = ScanRun.objects.get()
    assert run.as_of == AS_OF and set(run.per_rule) >= {"member_assembly_shortfall", "no_work_coverage"}
    assert AuditEntry.objects.filter(action="alerts.scan").count() == 1


def test_command_prints_the_json_of_the_issue():
    party_org, _org = lapsed_branch()
    org = make_org(full_members=0)
    out = StringIO()
    call_command("scan_alerts", "--as-of", "2025-07-15", "--format", "json", stdout=out)
    payload = json.loads(out.getvalue())
    assert set(payload) == {"as_of", "opened", "resolved", "open", "alerts"}
    assert payload["as_of"] == "2025-07-15" and payload["opened"] == 2 and payload["open"] == 2
    by_rule = {a["rule"]: a for a in payload["alerts"]}
    assert by_rule["member_assembly_shortfall"]["subject"] == party_org.name
    assert by_rule["member_assembly_shortfall"]["subject_type"] == "party_org"
    assert by_rule["no_work_coverage"]["subject"] == org.uscc
    assert by_rule["no_work_coverage"]["subject_type"] == "social_org"
    assert set(by_rule["no_work_coverage"]) == {"rule", "subject_type", "subject", "severity", "message", "evidence",
                                                "status", "opened_on"}
    again = StringIO()
    call_command("scan_alerts", "--as-of", "2025-07-15", "--format", "json", stdout=again)
    assert json.loads(again.getvalue())["opened"] == 0


def test_command_table_lists_every_rule():
    out = StringIO()
    call_command("scan_alerts", "--as-of", "2025-07-15", stdout=out)
    assert "member_assembly_shortfall" in out.getvalue() and "opened 0" in out.getvalue()


@pytest.mark.parametrize("args,message", [(["--as-of", "2025-13-01"], "not a date"),
                                          (["--region", "999999"], "not a known region")])
def test_command_rejects_bad_arguments(args, message):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=message):
        call_command("scan_alerts", *args)


def test_a_scan_reads_the_activities_and_the_members_in_one_grouped_pass_each_and_leaves_no_table_behind():
    lapsed_branch()
    healthy_branch()
    with CaptureQueriesContext(connection) as queries:
        result = run_scan(as_of=AS_OF)
    assert {r.code for r in result.rules if r.findings} >= {"member_assembly_shortfall"}
    for model in (ScanActivityTally, ScanMemberTally):  # shared by the seven activity rules / by two member rules
        table = model._meta.db_table  # filled by INSERT … SELECT (SQLite) or CREATE … AS SELECT (PostgreSQL)
        filled = [q["sql"] for q in queries.captured_queries
                  if f"INSERT INTO {table} " in q["sql"] or (f"CREATE TEMPORARY TABLE {table} " in q["sql"]
                                                            and " AS SELECT " in q["sql"])]
        assert len(filled) == 1 and "GROUP BY" in filled[0]
    tables = connection.introspection.table_names(include_views=False)
    with connection.cursor() as cursor:  # temporary tables are not listed by the introspection: query them
        for model in (ScanActivityTally, ScanMemberTally):
            with pytest.raises(DatabaseError), transaction.atomic():
                cursor.execute(f"SELECT 1 FROM {model._meta.db_table}")
    assert ScanActivityTally._meta.db_table not in tables
