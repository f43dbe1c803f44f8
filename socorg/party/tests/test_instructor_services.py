import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from socorg.core.models import AuditEntry
from socorg.coverage.state import coverage_flags_from_scratch, stored_flags
from socorg.party import services
from socorg.party.choices import InstructorStatus
from socorg.party.models import Instructor
from socorg.registry.models import SocialOrganization

from .factories import make_party_org, staff

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def flags(org):
    return SocialOrganization.objects.values_list("org_covered", "work_covered", "standalone").get(pk=org.pk)


def assert_consistent():
    assert stored_flags() == coverage_flags_from_scratch()


@pytest.fixture
def instructor(actor):
    return services.instructor_create(name="赵六", region="530102", phone="0871-6512 3456",
                                      unit_and_post="五华区委组织部 科员", appointed_on=datetime.date(2023, 1, 1),
                                      actor=actor)


def test_phone_encrypted_and_indexed(instructor):
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM party_instructor WHERE id = %s", [instructor.pk])
        assert "6512" not in cursor.fetchone()[0]
    assert list(services.find_by_phone(Instructor.objects.all(), "087165123456")) == [instructor]


def test_same_name_and_phone_refused(actor, instructor):
    with pytest.raises(ValidationError) as excinfo:
        services.instructor_create(name="赵六", region="530102", phone="087165123456", actor=actor)
    assert "phone" in excinfo.value.message_dict
    assert Instructor.objects.count() == 1


def test_assignment_makes_org_work_covered(actor, instructor, orgs):
    assignment = services.assignment_add(instructor=instructor, organization=orgs[0], actor=actor)
    assert flags(orgs[0]) == (False, True, False)
    assert_consistent()
    services.assignment_end(assignment=assignment, actor=actor)
    assert flags(orgs[0]) == (False, False, False)
    assert_consistent()
    assert AuditEntry.objects.filter(action__in=["party.assignment.add", "party.assignment.end"]).count() == 2


def test_leaving_ends_assignments_and_work_coverage(actor, instructor, orgs):
    services.assignment_add(instructor=instructor, organization=orgs[0], actor=actor)
    services.assignment_add(instructor=instructor, organization=orgs[1], actor=actor)
    make_party_org(actor, orgs=orgs[1:2])
    services.instructor_leave(instructor=instructor, left_on=TODAY, actor=actor)
    instructor.refresh_from_db()
    assert instructor.status == InstructorStatus.LEFT
    assert not instructor.assignments.filter(end_on__isnull=True).exists()
    assert flags(orgs[0]) == (False, False, False)
    assert flags(orgs[1]) == (True, True, False)
    assert_consistent()
    with pytest.raises(ValidationError):
        services.assignment_add(instructor=instructor, organization=orgs[2], actor=actor)


def test_duplicate_assignment_refused(actor, instructor, orgs):
    services.assignment_add(instructor=instructor, organization=orgs[0], actor=actor)
    with pytest.raises(ValidationError) as excinfo:
        services.assignment_add(instructor=instructor, organization=orgs[0], actor=actor)
    assert "organization" in excinfo.value.message_dict


def test_other_region_refused(actor, instructor, orgs):
    with pytest.raises(PermissionDenied):
        services.instructor_create(name="钱七", region="110101", actor=actor)
    with pytest.raises(PermissionDenied):
        services.assignment_add(instructor=instructor, organization=orgs[0], actor=staff("530103"))
    assert not Instructor.objects.filter(name="钱七").exists()


def test_bad_input_reported_by_field(actor):
    with pytest.raises(ValidationError) as excinfo:
        services.instructor_create(name=" ", region="530102", kind="boss", phone="abc",
                                   appointed_on=TODAY + datetime.timedelta(days=5), actor=actor)
    assert {"name", "kind", "phone", "appointed_on"} <= set(excinfo.value.message_dict)
    with pytest.raises(ValidationError) as excinfo:
        services.instructor_create(name="孙八", region="999999", actor=actor)
    assert "region" in excinfo.value.message_dict
