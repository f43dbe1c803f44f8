"""Registry and party operations for the coverage tests, written as the services do them: change the rows, then call
socorg.coverage.state.refresh_* for the organizations affected, inside one transaction."""

import datetime
import itertools

from django.db import transaction
from django.utils import timezone

from socorg.coverage.state import refresh_coverage_flags, refresh_member_counts
from socorg.party.choices import Formation, InstructorStatus, PartyOrgKind, PartyOrgStatus
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyOrganization
from socorg.registry.choices import AuthorityLevel, OrgStatus, OrgType
from socorg.registry.models import SocialOrganization

_serial = itertools.count(1)


def _level(region: str) -> str:
    if region == "100000":
        return AuthorityLevel.NATIONAL
    if region.endswith("0000"):
        return AuthorityLevel.PROVINCE
    if region.endswith("00"):
        return AuthorityLevel.PREFECTURE
    return AuthorityLevel.COUNTY


def register(region: str = "530102", *, full_members: int = 0, org_type: str = OrgType.SOCIAL_GROUP,
             registered_on: datetime.date | None = None, **fields) -> SocialOrganization:
    serial = next(_serial)
    with transaction.atomic():
        org = SocialOrganization.objects.create(
            uscc=f"51{region}{serial:09d}0", name=f"测试社会组织{serial}", org_type=org_type,
            authority_region_id=region, authority_level=_level(region), declared_full_members=full_members,
            registered_on=registered_on or datetime.date(2020, 1, 1), **fields)
        refresh_member_counts([org.pk])
        refresh_coverage_flags([org.pk])
    org.refresh_from_db()
    return org


def found(orgs, *, formation: str = Formation.STANDALONE, functional: bool = False, region: str | None = None,
          kind: str = PartyOrgKind.BRANCH, start_on: datetime.date | None = None) -> PartyOrganization:
    """Found a party organization covering `orgs` from `start_on` (default today)."""
    orgs = list(orgs)
    with transaction.atomic():
        party_org = PartyOrganization.objects.create(
            name=f"测试党组织{next(_serial)}", kind=kind, formation=formation, is_functional=functional,
            region_id=region or orgs[0].authority_region_id)
        PartyCoverage.objects.bulk_create([PartyCoverage(party_org=party_org, organization=org,
                                               start_on=start_on or timezone.localdate()) for org in orgs])
        refresh_coverage_flags([org.pk for org in orgs])
    return party_org


def cover(party_org: PartyOrganization, org: SocialOrganization, start_on=None) -> PartyCoverage:
    with transaction.atomic():
        coverage = PartyCoverage.objects.create(party_org=party_org, organization=org,
                                           start_on=start_on or timezone.localdate())
        refresh_coverage_flags([org.pk])
    return coverage


def uncover(coverage: PartyCoverage, end_on=None) -> None:
    with transaction.atomic():
        coverage.end_on = end_on or timezone.localdate()
        coverage.save(update_fields=["end_on"])
        refresh_coverage_flags([coverage.organization_id])


def delete_coverage(coverage: PartyCoverage) -> None:
    """A coverage row entered by mistake, deleted outright."""
    with transaction.atomic():
        org_id = coverage.organization_id
        coverage.delete()
        refresh_coverage_flags([org_id])


def dissolve(party_org: PartyOrganization, on=None) -> None:
    with transaction.atomic():
        party_org.status, party_org.status_changed_on = PartyOrgStatus.DISSOLVED, on or timezone.localdate()
        party_org.save(update_fields=["status", "status_changed_on"])
        refresh_coverage_flags(party_org.coverages.values_list("organization_id", flat=True))


def set_functional(party_org: PartyOrganization, functional: bool) -> None:
    with transaction.atomic():
        party_org.is_functional = functional
        party_org.save(update_fields=["is_functional"])
        refresh_coverage_flags(party_org.coverages.values_list("organization_id", flat=True))


def end_org(org: SocialOrganization, status: str = OrgStatus.DEREGISTERED, on=None) -> None:
    with transaction.atomic():
        org.status, org.status_changed_on = status, on or timezone.localdate()
        org.save(update_fields=["status", "status_changed_on"])
        refresh_coverage_flags([org.pk])


def transfer(org: SocialOrganization, region: str) -> None:
    with transaction.atomic():
        org.authority_region_id, org.authority_level = region, _level(region)
        org.save(update_fields=["authority_region", "authority_level"])
        refresh_member_counts([org.pk])
        refresh_coverage_flags([org.pk])


def set_members(org: SocialOrganization, full_members: int) -> None:
    with transaction.atomic():
        org.declared_full_members = full_members
        org.save(update_fields=["declared_full_members"])
        refresh_member_counts([org.pk])
        refresh_coverage_flags([org.pk])


def instructor(region: str = "530102") -> Instructor:
    return Instructor.objects.create(name=f"指导员{next(_serial)}", region_id=region)


def assign(person: Instructor, org: SocialOrganization, start_on=None) -> InstructorAssignment:
    with transaction.atomic():
        assignment = InstructorAssignment.objects.create(instructor=person, organization=org,
                                                         start_on=start_on or timezone.localdate())
        refresh_coverage_flags([org.pk])
    return assignment


def end_assignment(assignment: InstructorAssignment, end_on=None) -> None:
    with transaction.atomic():
        assignment.end_on = end_on or timezone.localdate()
        assignment.save(update_fields=["end_on"])
        refresh_coverage_flags([assignment.organization_id])


def instructor_leaves(person: Instructor, on=None) -> None:
    with transaction.atomic():
        person.status = InstructorStatus.LEFT
        if hasattr(person, "left_on"):
            person.left_on = on or timezone.localdate()
        person.save()
        refresh_coverage_flags(person.assignments.values_list("organization_id", flat=True))
