import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from socorg.core.models import AuditEntry
from socorg.coverage.state import coverage_flags_from_scratch, stored_flags
from socorg.party import services
from socorg.party.choices import PartyOrgStatus
from socorg.party.models import PartyCoverage, PartyOrganization
from socorg.registry.choices import OrgStatus

from .factories import make_org, make_party_org, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR_AGO = TODAY - datetime.timedelta(days=365)


def assert_flags_consistent():
    assert stored_flags() == coverage_flags_from_scratch()


def errors_of(excinfo) -> dict:
    return excinfo.value.message_dict


def test_create_standalone_branch_covers_its_org_and_sets_flags(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1], formation="standalone", founded_on=YEAR_AGO)
    assert branch.region_id == "530102"  # taken from the covered organization
    assert list(branch.organizations.all()) == [orgs[0]]
    assert stored_flags([orgs[0].pk]) == {orgs[0].pk: (True, True, True, True)}
    assert AuditEntry.objects.filter(action="party.org.create", object_id=str(branch.pk)).exists()
    assert_flags_consistent()


def test_name_must_be_unique_with_clear_message(actor, orgs):
    make_party_org(actor, orgs=orgs[:1], name="五华区律师协会党支部")
    with pytest.raises(ValidationError) as excinfo:
        make_party_org(actor, orgs=orgs[1:2], name="五华区律师协会党支部")
    assert "already exists" in errors_of(excinfo)["name"][0] or "已存在" in errors_of(excinfo)["name"][0]
    assert PartyOrganization.objects.count() == 1


def test_standalone_covers_exactly_one_at_creation(actor, orgs):
    with pytest.raises(ValidationError) as excinfo:
        make_party_org(actor, orgs=orgs[:2], formation="standalone")
    assert "organizations" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        make_party_org(actor, orgs=[], formation="standalone", region="530102")
    assert not PartyOrganization.objects.exists()


def test_standalone_refuses_a_second_coverage_and_says_so(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1], formation="standalone")
    with pytest.raises(ValidationError) as excinfo:
        services.coverage_add(party_org=branch, organization=orgs[1], actor=actor)
    assert orgs[0].name in errors_of(excinfo)["organization"][0]
    assert branch.coverages.count() == 1
    assert_flags_consistent()


def test_joint_branch_over_five_is_allowed_but_flagged(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:5], formation="joint")
    assert not branch.too_wide
    services.coverage_add(party_org=branch, organization=orgs[5], actor=actor)
    assert PartyOrganization.objects.with_covered_count().get(pk=branch.pk).too_wide
    assert list(PartyOrganization.objects.too_wide()) == [branch]
    assert any("6" in w for w in services.warnings_for(PartyOrganization.objects.with_covered_count().get()))
    assert_flags_consistent()


def test_committee_may_cover_none_but_a_regular_branch_may_not(actor):
    committee = make_party_org(actor, orgs=[], kind="committee", formation="industry", region="530102",
                               name="五华区社会组织综合党委")
    assert committee.coverages.count() == 0
    with pytest.raises(ValidationError) as excinfo:
        make_party_org(actor, orgs=[], kind="branch", formation="joint", region="530102")
    assert "organizations" in errors_of(excinfo)
    functional = make_party_org(actor, orgs=[], kind="branch", formation="joint", is_functional=True,
                                region="530102")
    assert functional.is_functional


def test_deregistered_org_cannot_get_new_coverage(actor, orgs):
    closed = make_org("530102", status=OrgStatus.DEREGISTERED)
    branch = make_party_org(actor, orgs=orgs[:1])
    with pytest.raises(ValidationError) as excinfo:
        services.coverage_add(party_org=branch, organization=closed, actor=actor)
    assert "organization" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        make_party_org(actor, orgs=[closed])
    assert not PartyCoverage.objects.filter(organization=closed).exists()


def test_parent_cycle_is_refused(actor, orgs):
    top = make_party_org(actor, kind="committee", formation="industry", region="530102", name="顶层党委")
    middle = make_party_org(actor, kind="committee", formation="industry", region="530102", parent=top,
                            name="中层党委")
    with pytest.raises(ValidationError) as excinfo:
        services.party_org_update(party_org=top, parent=middle, actor=actor)
    assert "parent" in errors_of(excinfo)
    with pytest.raises(ValidationError):
        services.party_org_update(party_org=top, parent=top, actor=actor)
    top.refresh_from_db()
    assert top.parent_id is None


def test_branch_cannot_lead_other_organizations(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1])
    with pytest.raises(ValidationError) as excinfo:
        make_party_org(actor, orgs=orgs[1:2], parent=branch)
    assert "parent" in errors_of(excinfo)


def test_secretary_vacancy_date_is_recorded_and_cleared(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1], secretary_name="张三")
    assert branch.secretary_vacant_since is None
    branch = services.party_org_update(party_org=branch, secretary_name="", actor=actor)
    assert branch.secretary_vacant_since == TODAY
    assert branch.secretary_vacant
    earlier = TODAY - datetime.timedelta(days=100)
    branch = services.party_org_update(party_org=branch, secretary_name="", secretary_vacant_since=earlier,
                                       actor=actor)
    assert branch.secretary_vacant_since == earlier
    branch = services.party_org_update(party_org=branch, secretary_name="李四", actor=actor)
    assert branch.secretary_vacant_since is None


def test_changing_formation_refreshes_standalone_flag(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1], formation="joint")
    assert stored_flags([orgs[0].pk])[orgs[0].pk] == (True, True, True, False)
    services.party_org_update(party_org=branch, formation="standalone", actor=actor)
    assert stored_flags([orgs[0].pk])[orgs[0].pk] == (True, True, True, True)
    services.party_org_update(party_org=branch, is_functional=True, actor=actor)
    assert stored_flags([orgs[0].pk])[orgs[0].pk] == (True, False, True, False)  # functional: not formal
    assert_flags_consistent()


def test_formation_standalone_refused_when_covering_several(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:2], formation="joint")
    with pytest.raises(ValidationError) as excinfo:
        services.party_org_update(party_org=branch, formation="standalone", actor=actor)
    assert "formation" in errors_of(excinfo)


def test_dissolve_ends_coverages_and_uncovers(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:2], founded_on=YEAR_AGO)
    services.party_org_dissolve(party_org=branch, dissolved_on=TODAY, actor=actor)
    branch.refresh_from_db()
    assert branch.status == PartyOrgStatus.DISSOLVED and branch.status_changed_on == TODAY
    assert not branch.coverages.filter(end_on__isnull=True).exists()
    assert stored_flags([orgs[0].pk])[orgs[0].pk] == (False, False, False, False)
    assert AuditEntry.objects.filter(action="party.org.dissolve").count() == 1
    with pytest.raises(ValidationError):
        services.party_org_dissolve(party_org=branch, dissolved_on=TODAY, actor=actor)
    assert_flags_consistent()


def test_dissolve_refused_while_leading_active_subordinates(actor, orgs):
    committee = make_party_org(actor, kind="committee", formation="industry", region="530102")
    make_party_org(actor, orgs=orgs[:1], parent=committee)
    with pytest.raises(ValidationError) as excinfo:
        services.party_org_dissolve(party_org=committee, dissolved_on=TODAY, actor=actor)
    assert "dissolved_on" in errors_of(excinfo)


def test_coverage_end_refreshes_flags_and_keeps_history(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:2], coverage_start_on=YEAR_AGO)
    coverage = branch.coverages.get(organization=orgs[1])
    services.coverage_end(coverage=coverage, end_on=TODAY, actor=actor)
    assert stored_flags([orgs[1].pk])[orgs[1].pk] == (False, False, False, False)
    assert stored_flags([orgs[0].pk])[orgs[0].pk][0] is True
    assert branch.coverages.count() == 2
    assert_flags_consistent()


def test_last_coverage_of_regular_branch_cannot_end(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1], coverage_start_on=YEAR_AGO)
    with pytest.raises(ValidationError) as excinfo:
        services.coverage_end(coverage=branch.coverages.get(), end_on=TODAY, actor=actor)
    assert "end_on" in errors_of(excinfo)


def test_coverage_dates_checked(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:2], coverage_start_on=TODAY)
    with pytest.raises(ValidationError) as excinfo:
        services.coverage_add(party_org=branch, organization=orgs[3], start_on=TODAY + datetime.timedelta(days=3),
                              actor=actor)
    assert "start_on" in errors_of(excinfo)
    with pytest.raises(ValidationError) as excinfo:
        services.coverage_end(coverage=branch.coverages.first(), end_on=YEAR_AGO, actor=actor)
    assert "end_on" in errors_of(excinfo)
    with pytest.raises(ValidationError):  # already covering
        services.coverage_add(party_org=branch, organization=orgs[0], actor=actor)


def test_region_outside_scope_is_refused_and_nothing_written(actor, orgs):
    with pytest.raises(PermissionDenied):
        make_party_org(actor, orgs=[], kind="committee", formation="industry", region="110101")
    with pytest.raises(PermissionDenied):
        make_party_org(actor, orgs=orgs[:1], region="530103")
    assert not PartyOrganization.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="party.").exists()


def test_invisible_organization_cannot_be_covered(actor):
    beijing_org = make_org("110101")
    with pytest.raises(ValidationError) as excinfo:
        make_party_org(actor, orgs=[beijing_org], region="530102")
    assert "organizations" in errors_of(excinfo)
    assert not PartyCoverage.objects.exists()


def test_other_county_staff_cannot_change(actor, orgs):
    branch = make_party_org(actor, orgs=orgs[:1])
    neighbour = staff("530103")
    with pytest.raises(PermissionDenied):
        services.party_org_update(party_org=branch, secretary_name="王五", actor=neighbour)
    with pytest.raises(PermissionDenied):
        services.coverage_add(party_org=branch, organization=orgs[1], actor=neighbour)


def test_bad_choices_and_term_reported_together(actor, orgs):
    with pytest.raises(ValidationError) as excinfo:
        make_party_org(actor, orgs=orgs[:1], kind="club", formation="joint", term_years=4,
                       founded_on=TODAY + datetime.timedelta(days=1))
    assert {"kind", "term_years", "founded_on"} <= set(errors_of(excinfo))


def test_flags_match_from_scratch_after_a_sequence_of_operations(actor, orgs):
    a = make_party_org(actor, orgs=orgs[:3], coverage_start_on=YEAR_AGO, founded_on=YEAR_AGO)
    b = make_party_org(actor, orgs=orgs[3:4], formation="standalone", coverage_start_on=YEAR_AGO)
    assert_flags_consistent()
    services.coverage_add(party_org=a, organization=orgs[4], actor=actor)
    assert_flags_consistent()
    services.coverage_end(coverage=a.coverages.get(organization=orgs[0]), actor=actor)
    assert_flags_consistent()
    services.party_org_update(party_org=b, is_functional=True, actor=actor)
    assert_flags_consistent()
    services.party_org_dissolve(party_org=a, dissolved_on=TODAY, actor=actor)
    assert_flags_consistent()
