"""Fixtures of the ratings tests: a model branch and a weak one in county 530102, with the records that rank them.

CYCLE is last year (the cycle is rated on records up to its 31 December)."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.activities.models import Activity
from socorg.alerts.choices import AlertStatus, EventKind, Severity, SubjectType
from socorg.alerts.models import Alert, AlertEvent
from socorg.core.testing import make_user
from socorg.party.services import assignment_add, instructor_create
from socorg.party.tests.factories import make_org, make_party_org
from socorg.reports.models import AnnualReport, SyncCheck

CYCLE = timezone.localdate().year - 1


def d(month: int, day: int, year: int = CYCLE) -> datetime.date:
    return datetime.date(year, month, day)


def at(month: int, day: int, year: int = CYCLE) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(year, month, day, 10, 0))


def activities(branch, kind: str, dates) -> None:
    Activity.objects.bulk_create([Activity(party_org=branch, type=kind, date=day, topic=f"{kind}{i}")
                                  for i, day in enumerate(dates)])


def alert(branch, rule: str, *, severity=Severity.MEDIUM, status=AlertStatus.OPEN, opened_on, deadline=None,
          resolved_on=None) -> Alert:
    return Alert.objects.create(rule=rule, subject_type=SubjectType.PARTY_ORG, subject_key=f"party_org:{branch.pk}",
                                party_org=branch, region_id=branch.region_id, severity=severity, message=rule,
                                evidence={}, status=status, opened_on=opened_on, deadline=deadline,
                                resolved_on=resolved_on)


def submitted_report(org, year: int, when: datetime.datetime) -> AnnualReport:
    return AnnualReport.objects.create(organization=org, year=year, status="submitted", due_on=d(5, 31, year + 1),
                                       submitted_at=when, first_submitted_at=when)


@pytest.fixture
def staff(db):
    return make_user((Role.PARTY_STAFF, "530102"))


@pytest.fixture
def model(staff):
    """A standalone branch that keeps every rule: organizational life in every period, secretary and term in
    order, instructor, charter clause, last year's report submitted, 三同步 done, a rectification closed on time."""
    org = make_org("530102", name="五华区模范科技协会", registered_on=datetime.date(2016, 5, 1),
                   declared_full_members=5, full_members=5, party_clause_in_charter=True)
    branch = make_party_org(staff, orgs=[org], name="五华区模范科技协会党支部", formation="standalone",
                            founded_on=datetime.date(2017, 1, 1), coverage_start_on=datetime.date(2017, 1, 1),
                            secretary_name="李明", term_started_on=d(1, 10))
    activities(branch, "member_assembly", [d(2, 10), d(5, 10), d(8, 10), d(11, 10)])
    activities(branch, "party_lecture", [d(3, 1), d(6, 1), d(9, 1), d(12, 1)])
    activities(branch, "themed_party_day", [d(m, 15) for m in range(1, 13)])
    activities(branch, "life_meeting", [d(1, 20)])
    activities(branch, "member_appraisal", [d(1, 21)])
    instructor = instructor_create(name="王芳", region="530102", actor=staff, appointed_on=datetime.date(2020, 1, 1))
    assignment_add(instructor=instructor, organization=org, start_on=datetime.date(2020, 1, 1), actor=staff)
    submitted_report(org, CYCLE - 1, at(3, 20))
    SyncCheck.objects.create(organization=org, event="registration", item="charter_clause", state="done")
    SyncCheck.objects.create(organization=org, event="annual_report", occasion=str(CYCLE - 1),
                             item="party_section_complete", state="done")
    closed = alert(branch, "lecture_shortfall", status=AlertStatus.ACCEPTED, opened_on=d(4, 1), deadline=d(6, 30))
    event = AlertEvent.objects.create(alert=closed, kind=EventKind.ACCEPTED)
    AlertEvent.objects.filter(pk=event.pk).update(at=at(6, 10))
    return {"org": org, "branch": branch}


@pytest.fixture
def weak(staff):
    """A joint branch covering an organization that should build its own: half its meetings, a vacant secretary,
    an expired term, no clause, no report, an open high-severity alert and a missed rectification deadline."""
    org = make_org("530102", name="五华区薄弱商会", registered_on=datetime.date(2019, 3, 1),
                   declared_full_members=4, full_members=4)
    branch = make_party_org(staff, orgs=[org], name="五华区薄弱商会联合党支部", formation="joint",
                            founded_on=datetime.date(2018, 1, 1), coverage_start_on=datetime.date(2018, 1, 1),
                            secretary_vacant_since=d(3, 1), term_started_on=datetime.date(CYCLE - 5, 1, 1),
                            has_party_groups=True)
    activities(branch, "member_assembly", [d(2, 1), d(8, 1)])
    activities(branch, "themed_party_day", [d(m, 5) for m in (1, 2, 3, 7, 8, 9)])
    activities(branch, "group_meeting", [d(m, 6) for m in (4, 5, 6)])
    SyncCheck.objects.create(organization=org, event="registration", item="charter_clause", state="not_done",
                             note="章程未修订")
    SyncCheck.objects.create(organization=org, event="registration", item="commitment_letter", state="done")
    alert(branch, "secretary_vacant", severity=Severity.HIGH, opened_on=d(7, 1))
    alert(branch, "member_assembly_shortfall", status=AlertStatus.ASSIGNED, opened_on=d(7, 2), deadline=d(9, 30))
    return {"org": org, "branch": branch}
