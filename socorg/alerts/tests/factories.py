"""Test data for the early-warning rules, written with the models directly so a test can build any state (dates in
the past, vacancies, lapsed meetings) in a few lines."""

import datetime
import itertools

from socorg.activities.models import Activity
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from socorg.party.tests.factories import make_org

AS_OF = datetime.date(2025, 7, 15)  # last full month 2025-06, quarter 2025Q2, year 2024
_serial = itertools.count(1)


def add_members(party_org, full: int, probationary: int = 0, employer=None):
    PartyMember.objects.bulk_create(
        [PartyMember(name=f"党员{next(_serial)}", party_org=party_org, membership="full", employer=employer,
                     joined_on=datetime.date(2010, 1, 1)) for _ in range(full)]
        + [PartyMember(name=f"预备党员{next(_serial)}", party_org=party_org, membership="probationary",
                       employer=employer, joined_on=datetime.date(2025, 1, 1)) for _ in range(probationary)])


def record(party_org, type_: str, day: datetime.date, topic: str = ""):
    return Activity.objects.create(party_org=party_org, type=type_, date=day, topic=topic or f"{type_} {day}")


def healthy_branch(region: str = "530102", *, full_members: int = 8):
    """A standalone branch that satisfies every rule as of AS_OF; returns (party_org, org)."""
    org = make_org(region, full_members=full_members, declared_full_members=full_members)
    party_org = PartyOrganization.objects.create(
        name=f"健康党支部{next(_serial)}", kind="branch", formation="standalone", region_id=region,
        founded_on=datetime.date(2020, 3, 1), secretary_name="张书记", term_started_on=datetime.date(2024, 3, 1),
        term_years=3)
    PartyCoverage.objects.create(party_org=party_org, organization=org, start_on=datetime.date(2020, 3, 1))
    add_members(party_org, full_members, employer=org)
    record(party_org, "member_assembly", datetime.date(2025, 5, 10))
    record(party_org, "committee_meeting", datetime.date(2025, 6, 5))
    record(party_org, "party_lecture", datetime.date(2025, 4, 20))
    record(party_org, "life_meeting", datetime.date(2024, 12, 20))
    record(party_org, "themed_party_day", datetime.date(2025, 6, 1))
    record(party_org, "member_appraisal", datetime.date(2024, 12, 20))
    return party_org, org


def assign_instructor(org, region: str = "530102"):
    instructor = Instructor.objects.create(name=f"指导员{next(_serial)}", region_id=region)
    return InstructorAssignment.objects.create(instructor=instructor, organization=org,
                                               start_on=datetime.date(2024, 1, 1))
