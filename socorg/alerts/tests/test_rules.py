"""Each rule fires on the broken case, stays silent on a healthy branch, and resolves once the problem is fixed."""

import datetime

import pytest

from socorg.activities.models import Activity
from socorg.alerts.choices import AlertStatus
from socorg.alerts.models import Alert
from socorg.alerts.scan import CONDITION_GONE, run_scan
from socorg.party.models import PartyCoverage, PartyMember, PartyOrganization
from socorg.party.tests.factories import make_org

from .factories import AS_OF, add_members, assign_instructor, healthy_branch, record

pytestmark = pytest.mark.django_db


def alerts_for(rule: str, **subject):
    return Alert.objects.filter(rule=rule, **subject)


def open_rules(**subject) -> set[str]:
    return set(Alert.objects.filter(status=AlertStatus.OPEN, **subject).values_list("rule", flat=True))


def test_healthy_branch_raises_no_alert():
    party_org, org = healthy_branch()
    run_scan(as_of=AS_OF)
    assert not Alert.objects.exists()
    assert open_rules(party_org=party_org) == set() and open_rules(organization=org) == set()


def _fires_then_resolves(rule: str, subject: dict, fix, as_of=AS_OF):
    run_scan(as_of=as_of)
    alert = alerts_for(rule, **subject).get()
    assert alert.status == AlertStatus.OPEN and alert.opened_on == as_of
    assert alert.message and alert.evidence
    fix()
    run_scan(as_of=as_of)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED
    assert alert.resolution_reason == CONDITION_GONE and alert.resolved_on == as_of
    return alert


def test_should_build_missing_fires_for_org_with_three_full_members_in_a_joint_branch_only():
    org = make_org(full_members=3)
    joint = PartyOrganization.objects.create(name="联合党支部", kind="branch", formation="joint", region_id="530102",
                                             secretary_name="李", term_started_on=datetime.date(2024, 1, 1))
    PartyCoverage.objects.create(party_org=joint, organization=org, start_on=datetime.date(2023, 1, 1))

    def build_standalone():
        own = PartyOrganization.objects.create(name="自建党支部", kind="branch", formation="standalone",
                                               region_id="530102")
        PartyCoverage.objects.create(party_org=own, organization=org, start_on=datetime.date(2025, 7, 1))

    alert = _fires_then_resolves("should_build_missing", {"organization": org}, build_standalone)
    assert alert.evidence == {"full_members": 3, "min_full_members": 3}
    assert "3" in alert.message and org.name in alert.message


def test_should_build_missing_ignores_a_standalone_branch_founded_after_the_scan_date():
    org = make_org(full_members=4)
    later = PartyOrganization.objects.create(name="将来的党支部", kind="branch", formation="standalone",
                                             region_id="530102", founded_on=datetime.date(2025, 9, 1))
    PartyCoverage.objects.create(party_org=later, organization=org, start_on=datetime.date(2025, 9, 1))
    run_scan(as_of=AS_OF)
    assert alerts_for("should_build_missing", organization=org).exists()


def test_no_work_coverage_fires_without_party_organization_or_instructor():
    org = make_org(full_members=0)
    _fires_then_resolves("no_work_coverage", {"organization": org}, lambda: assign_instructor(org))


def test_no_work_coverage_stays_silent_for_org_deregistered_before_the_scan_date():
    make_org(full_members=0, status="deregistered", status_changed_on=datetime.date(2025, 1, 1))
    run_scan(as_of=AS_OF)
    assert not alerts_for("no_work_coverage").exists()


def test_secretary_vacant_fires_after_three_months_only():
    party_org, _org = healthy_branch()
    PartyOrganization.objects.filter(pk=party_org.pk).update(secretary_name="",
                                                             secretary_vacant_since=datetime.date(2025, 5, 1))
    run_scan(as_of=AS_OF)
    assert not alerts_for("secretary_vacant").exists()  # 2½ months: not yet
    PartyOrganization.objects.filter(pk=party_org.pk).update(secretary_vacant_since=datetime.date(2025, 4, 1))

    def appoint():
        PartyOrganization.objects.filter(pk=party_org.pk).update(secretary_name="王", secretary_vacant_since=None)

    alert = _fires_then_resolves("secretary_vacant", {"party_org": party_org}, appoint)
    assert alert.evidence == {"vacant_since": "2025-04-01", "months": 3}


def test_term_overdue_fires_the_day_after_the_term_ended():
    party_org, _org = healthy_branch()
    PartyOrganization.objects.filter(pk=party_org.pk).update(term_started_on=datetime.date(2022, 7, 14))
    run_scan(as_of=AS_OF)
    assert alerts_for("term_overdue").get().evidence["term_ends_on"] == "2025-07-14"

    def elect():
        PartyOrganization.objects.filter(pk=party_org.pk).update(term_started_on=datetime.date(2025, 7, 10))

    elect()
    run_scan(as_of=AS_OF)
    assert alerts_for("term_overdue").get().status == AlertStatus.RESOLVED


def test_term_overdue_is_silent_on_the_last_day_of_the_term():
    party_org, _org = healthy_branch()
    PartyOrganization.objects.filter(pk=party_org.pk).update(term_started_on=datetime.date(2022, 7, 15))
    run_scan(as_of=AS_OF)
    assert not alerts_for("term_overdue").exists()
    assert alerts_for("term_due_soon", party_org=party_org).exists()


def test_term_due_soon_fires_six_months_ahead_for_five_year_terms_too():
    party_org, _org = healthy_branch()
    PartyOrganization.objects.filter(pk=party_org.pk).update(term_started_on=datetime.date(2021, 1, 15),
                                                             term_years=5)
    alert = _fires_then_resolves(
        "term_due_soon", {"party_org": party_org},
        lambda: PartyOrganization.objects.filter(pk=party_org.pk).update(term_started_on=datetime.date(2025, 7, 1)))
    assert alert.evidence["term_ends_on"] == "2026-01-15"


def test_term_due_soon_is_silent_seven_months_ahead():
    party_org, _org = healthy_branch()
    PartyOrganization.objects.filter(pk=party_org.pk).update(term_started_on=datetime.date(2023, 2, 20))
    run_scan(as_of=AS_OF)
    assert not alerts_for("term_due_soon").exists()


def test_member_assembly_shortfall_fires_without_assembly_in_the_last_full_quarter():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").update(date=datetime.date(2025, 3, 30))
    alert = _fires_then_resolves("member_assembly_shortfall", {"party_org": party_org},
                                 lambda: record(party_org, "member_assembly", datetime.date(2025, 6, 30)))
    assert alert.evidence["period"] == "2025Q2"
    assert alert.evidence["last_held_on"] == "2025-03-30"


def test_member_assembly_in_the_current_quarter_does_not_count_for_the_last_one():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").update(date=datetime.date(2025, 7, 2))
    run_scan(as_of=AS_OF)
    assert alerts_for("member_assembly_shortfall", party_org=party_org).exists()


def test_records_after_the_scan_date_are_ignored():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    record(party_org, "member_assembly", datetime.date(2025, 8, 1))
    run_scan(as_of=AS_OF)
    alert = alerts_for("member_assembly_shortfall").get()
    assert alert.evidence["last_held_on"] is None


def test_branch_founded_during_the_quarter_is_not_checked_for_it():
    party_org, _org = healthy_branch()
    Activity.objects.filter(party_org=party_org).delete()
    PartyOrganization.objects.filter(pk=party_org.pk).update(founded_on=datetime.date(2025, 5, 1))
    run_scan(as_of=AS_OF)
    assert not alerts_for("member_assembly_shortfall").exists()


def test_committee_meeting_shortfall_only_for_branches_with_seven_full_members():
    with_committee, _org = healthy_branch(full_members=7)
    small, _org2 = healthy_branch(full_members=6)
    Activity.objects.filter(type="committee_meeting").delete()
    alert = _fires_then_resolves("committee_meeting_shortfall", {"party_org": with_committee},
                                 lambda: record(with_committee, "committee_meeting", datetime.date(2025, 6, 28)))
    assert alert.evidence["full_members"] == 7 and alert.evidence["period"] == "2025-06"
    assert not alerts_for("committee_meeting_shortfall", party_org=small).exists()


def test_committee_meeting_shortfall_ignores_members_who_left_or_are_probationary():
    party_org, _org = healthy_branch(full_members=7)
    Activity.objects.filter(type="committee_meeting").delete()
    member = PartyMember.objects.filter(party_org=party_org).first()
    PartyMember.objects.filter(pk=member.pk).update(is_active=False, left_on=datetime.date(2025, 1, 1))
    add_members(party_org, 0, probationary=3)
    run_scan(as_of=AS_OF)
    assert not alerts_for("committee_meeting_shortfall").exists()


def test_lecture_shortfall_fires_per_quarter_by_default():
    party_org, _org = healthy_branch()
    Activity.objects.filter(type="party_lecture").delete()
    alert = _fires_then_resolves("lecture_shortfall", {"party_org": party_org},
                                 lambda: record(party_org, "party_lecture", datetime.date(2025, 5, 1)))
    assert alert.evidence["required"] == 1 and alert.evidence["held"] == 0


def test_annual_life_meeting_missing_fires_without_one_in_the_previous_year():
    party_org, _org = healthy_branch()
    Activity.objects.filter(type="life_meeting").update(date=datetime.date(2025, 1, 10))
    alert = _fires_then_resolves("annual_life_meeting_missing", {"party_org": party_org},
                                 lambda: record(party_org, "life_meeting", datetime.date(2024, 1, 5)))
    assert alert.evidence["period"] == "2024"


def test_joint_branch_too_wide_fires_above_five_organizations():
    joint = PartyOrganization.objects.create(name="大联合党支部", kind="branch", formation="joint", region_id="530102",
                                             secretary_name="赵", founded_on=datetime.date(2025, 6, 1))
    for _ in range(6):
        PartyCoverage.objects.create(party_org=joint, organization=make_org(), start_on=datetime.date(2025, 6, 1))

    def shrink():
        first = PartyCoverage.objects.filter(party_org=joint).first()
        PartyCoverage.objects.filter(pk=first.pk) \
            .update(end_on=datetime.date(2025, 7, 1))

    alert = _fires_then_resolves("joint_branch_too_wide", {"party_org": joint}, shrink)
    assert alert.evidence == {"organizations": 6, "max_orgs": 5}


def test_joint_branch_of_five_is_silent():
    joint = PartyOrganization.objects.create(name="五家联合党支部", kind="branch", formation="joint",
                                             region_id="530102", founded_on=datetime.date(2025, 6, 1))
    for _ in range(5):
        PartyCoverage.objects.create(party_org=joint, organization=make_org(), start_on=datetime.date(2025, 6, 1))
    run_scan(as_of=AS_OF)
    assert not alerts_for("joint_branch_too_wide").exists()


def test_branch_too_large_fires_above_fifty_members():
    party_org, _org = healthy_branch(full_members=45)
    add_members(party_org, 0, probationary=6)
    alert = _fires_then_resolves(
        "branch_too_large", {"party_org": party_org},
        lambda: PartyMember.objects.filter(party_org=party_org, membership="probationary").update(
            is_active=False, left_on=datetime.date(2025, 7, 1)))
    assert alert.evidence == {"members": 51, "full_members": 45, "max_members": 50}


def test_scan_limited_to_a_region_leaves_other_regions_alone():
    make_org("530102", full_members=0)
    other = make_org("110101", full_members=0)
    run_scan(as_of=AS_OF, region_prefix="53")
    assert set(Alert.objects.values_list("region_id", flat=True)) == {"530102"}
    run_scan(as_of=AS_OF, region_prefix="11")
    assert alerts_for("no_work_coverage", organization=other).exists()
    assert Alert.objects.filter(status=AlertStatus.OPEN).count() == 2
