"""The set-based scan (findings inserted and compared in SQL) leaves the alerts exactly as a row-by-row scan would:
for a fixture on which every rule fires, the first scan opens one alert per finding with the message the rule's
Python formatting gives, and a second scan after changes opens the new findings, resolves the gone ones, refreshes
the changed ones and leaves every other alert untouched (same row, same message, same update time)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext as _

from socorg.activities.choices import ActivityType
from socorg.activities.models import Activity, Attendance, DuesPayment
from socorg.alerts.choices import OPEN_STATUSES, AlertStatus, SubjectType
from socorg.alerts.config import rule_configs
from socorg.alerts.models import Alert
from socorg.alerts.periods import period_label
from socorg.alerts.rules import RULES, Rule, shared_evaluation
from socorg.alerts.scan import CONDITION_GONE, run_scan
from socorg.party.models import PartyCoverage, PartyMember, PartyOrganization
from socorg.party.tests.factories import make_org

from .factories import AS_OF, add_members, healthy_branch, record

pytestmark = pytest.mark.django_db

FIELDS = ("pk", "rule", "subject_key", "party_org_id", "organization_id", "status", "severity", "region_id",
          "evidence", "episode", "message", "opened_on", "resolved_on", "resolution_reason", "updated_at")


def python_message(rule: Rule, finding, params) -> str:
    """The message as the rules formatted it in Python before they were set-based (one finding at a time)."""
    evidence = finding.evidence
    if rule.code == "should_build_missing":
        return _("%(name)s has %(full)d full party members but no standalone party branch (one is required from "
                 "%(min)d full members).") % {"name": finding.name, "full": evidence["full_members"],
                                              "min": evidence["min_full_members"]}
    if rule.code == "no_work_coverage":
        return _("%(name)s is covered neither by a party organization nor by an instructor or liaison.") % {
            "name": finding.name}
    if hasattr(rule, "activity_type"):
        values = {"name": finding.name, "type": ActivityType(rule.activity_type).label,
                  "period": period_label(evidence["period"]), "held": evidence["held"],
                  "required": evidence["required"], "last": evidence["last_held_on"] or _("never recorded")}
        if evidence["required"] == 1:
            return _("%(name)s recorded no %(type)s in %(period)s (last one: %(last)s).") % values
        return _("%(name)s recorded %(held)d %(type)s in %(period)s; at least %(required)d are required (last one: "
                 "%(last)s).") % values
    return rule.message(finding, params)


def alerts_now() -> dict[int, dict]:
    return {row["pk"]: row for row in Alert.objects.values(*FIELDS)}


def row_by_row_scan(before: dict[int, dict], as_of: datetime.date) -> tuple[dict[int, dict], list[dict]]:
    """What a scan handling one finding and one alert at a time makes of the alerts `before`: (the existing alerts
    afterwards, with updated_at None where the scan must have written the row; the new alerts, without pk)."""
    after = {pk: dict(row) for pk, row in before.items()}
    new = []
    with translation.override("zh-hans"), shared_evaluation():
        for config in rule_configs().values():
            rule = config.rule
            findings = {f"{rule.subject_type}:{f.subject_id}": f
                        for f in rule.evaluate(as_of, "", config.params)}
            open_alerts = {row["subject_key"]: row for row in after.values()
                           if row["rule"] == rule.code and row["status"] in OPEN_STATUSES}
            for key, row in open_alerts.items():
                finding = findings.get(key)
                if finding is None:
                    row.update(status=AlertStatus.RESOLVED, resolved_on=as_of, resolution_reason=CONDITION_GONE,
                               updated_at=None)
                elif (finding.evidence, finding.episode, finding.region_id, config.severity) != (
                        row["evidence"], row["episode"], row["region_id"], row["severity"]):
                    row.update(evidence=finding.evidence, episode=finding.episode, region_id=finding.region_id,
                               severity=config.severity, message=python_message(rule, finding, config.params),
                               updated_at=None)
            party = rule.subject_type == SubjectType.PARTY_ORG
            for key, finding in sorted(findings.items()):
                if key not in open_alerts:
                    new.append({"rule": rule.code, "subject_key": key,
                                "party_org_id": finding.subject_id if party else None,
                                "organization_id": None if party else finding.subject_id,
                                "status": AlertStatus.OPEN, "severity": config.severity,
                                "region_id": finding.region_id, "evidence": finding.evidence,
                                "episode": finding.episode, "message": python_message(rule, finding, config.params),
                                "opened_on": as_of, "resolved_on": None, "resolution_reason": ""})
    return after, new


def assert_scan_matches_row_by_row(as_of: datetime.date) -> dict[str, int]:
    before = alerts_now()
    expected_existing, expected_new = row_by_row_scan(before, as_of)
    run_scan(as_of=as_of)
    after = alerts_now()
    for pk, expected in expected_existing.items():
        actual = dict(after[pk])
        if expected["updated_at"] is None:  # written by this scan
            assert actual["updated_at"] > before[pk]["updated_at"], expected
            actual["updated_at"] = None
        assert actual == expected
    created = sorted((row for pk, row in after.items() if pk not in before), key=lambda r: (r["rule"],
                                                                                            r["subject_key"]))
    for row in created:
        del row["pk"], row["updated_at"]
    assert created == sorted(expected_new, key=lambda r: (r["rule"], r["subject_key"]))
    written = [pk for pk, row in expected_existing.items() if row["updated_at"] is None]
    resolved = [pk for pk in written if after[pk]["status"] == AlertStatus.RESOLVED]
    return {"opened": len(created), "resolved": len(resolved), "refreshed": len(written) - len(resolved),
            "untouched": len(before) - len(written)}


def _attend(activity, members):
    Attendance.objects.bulk_create([Attendance(activity=activity, member=m) for m in members])


def _pay(member, *months):
    DuesPayment.objects.bulk_create([DuesPayment(member=member, month=datetime.date(2025, m, 1), amount=Decimal("10"))
                                     for m in months])


def branch_breaking_every_rule() -> dict:
    """Data on which each of the rules fires at least once as of AS_OF."""
    state = {}
    # should_build_missing: 3 full members, covered only by a joint branch; no_work_coverage: nobody at all.
    state["org_joint"] = make_org(full_members=3)
    joint = PartyOrganization.objects.create(name="联合党支部", kind="branch", formation="joint", region_id="530102",
                                             secretary_name="李", founded_on=datetime.date(2025, 6, 1))
    PartyCoverage.objects.create(party_org=joint, organization=state["org_joint"], start_on=datetime.date(2023, 1, 1))
    # joint_branch_too_wide: six organizations.
    for _n in range(5):
        PartyCoverage.objects.create(party_org=joint, organization=make_org(), start_on=datetime.date(2025, 6, 1))
    state["joint"] = joint
    state["bare"] = [make_org(full_members=0), make_org("110101", full_members=0)]
    # A branch of 8 full members missing every activity: the activity rules (committee meeting: ≥ 7 full members).
    idle, _o = healthy_branch()
    Activity.objects.filter(party_org=idle).delete()
    PartyOrganization.objects.filter(pk=idle.pk).update(has_party_groups=True)
    state["idle"] = idle
    # Officers and terms.
    vacant, _o = healthy_branch()
    PartyOrganization.objects.filter(pk=vacant.pk).update(secretary_name="",
                                                          secretary_vacant_since=datetime.date(2025, 4, 1))
    state["vacant"] = vacant
    overdue, _o = healthy_branch()
    PartyOrganization.objects.filter(pk=overdue.pk).update(term_started_on=datetime.date(2022, 7, 14))
    state["overdue"] = overdue
    due, _o = healthy_branch()
    PartyOrganization.objects.filter(pk=due.pk).update(term_started_on=datetime.date(2021, 1, 15), term_years=5)
    # branch_too_large: 51 members.
    large, _o = healthy_branch(full_members=45)
    add_members(large, 0, probationary=6)
    state["large"] = large
    # 党章第九条: a branch keeping attendance and dues; one member absent since January (six months), one paying
    # no dues since March (three months: the early warning).
    tracked, _o = healthy_branch(full_members=3)
    members = list(PartyMember.objects.filter(party_org=tracked).order_by("pk"))
    _attend(tracked.activities.get(type="committee_meeting"), members[1:])
    _attend(record(tracked, "member_assembly", datetime.date(2025, 1, 14)), members)
    _pay(members[0], 1, 2, 3, 4, 5, 6)
    _pay(members[1], 1, 2, 3, 4, 5, 6)
    _pay(members[2], 1, 2, 3)
    state["tracked"], state["members"] = tracked, members
    return state


def test_first_scan_opens_what_a_row_by_row_scan_opens_for_every_rule():
    branch_breaking_every_rule()
    counts = assert_scan_matches_row_by_row(AS_OF)
    assert set(Alert.objects.values_list("rule", flat=True)) == set(RULES)  # every rule fired
    assert counts["opened"] == Alert.objects.count() and counts["resolved"] == counts["refreshed"] == 0


def test_a_scan_after_changes_opens_resolves_refreshes_and_leaves_the_rest_untouched():
    state = branch_breaking_every_rule()
    run_scan(as_of=AS_OF)
    # New findings: another uncovered organization, a healthy branch losing its assembly.
    make_org(full_members=0)
    lapsed, _o = healthy_branch()
    Activity.objects.filter(party_org=lapsed, type="member_assembly").delete()
    # Gone: the secretary appointed, the overdue election held, the absent member attended.
    PartyOrganization.objects.filter(pk=state["vacant"].pk).update(secretary_name="王", secretary_vacant_since=None)
    PartyOrganization.objects.filter(pk=state["overdue"].pk).update(term_started_on=datetime.date(2025, 7, 10))
    _attend(record(state["tracked"], "themed_party_day", datetime.date(2025, 6, 20)), state["members"][:1])
    # Changed: the joint branch covers a seventh organization, the idle branch held a lecture long ago, and one
    # bare organization moved to another region.
    PartyCoverage.objects.create(party_org=state["joint"], organization=make_org(),
                                 start_on=datetime.date(2025, 6, 1))
    record(state["idle"], "party_lecture", datetime.date(2024, 11, 3))
    type(state["bare"][0]).objects.filter(pk=state["bare"][0].pk).update(authority_region_id="530103")

    counts = assert_scan_matches_row_by_row(AS_OF)
    assert counts["opened"] >= 2 and counts["resolved"] >= 3 and counts["refreshed"] >= 3
    assert counts["untouched"] > counts["resolved"] + counts["refreshed"]
    assert assert_scan_matches_row_by_row(AS_OF) == {"opened": 0, "resolved": 0, "refreshed": 0,
                                                     "untouched": Alert.objects.count()}
