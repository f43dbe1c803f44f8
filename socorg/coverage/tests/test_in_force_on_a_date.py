"""One definition of "in force on a date" per model (issue 12, item 2), used by coverage, alerts and the lists.

- social organization: registered by the day (an unknown registration date counts: unknown is not "later") and
  not deregistered or revoked on or before it;
- party organization: founded by the day (unknown counts) and not dissolved on or before it;
- coverage and assignment periods: start_on <= day < end_on;
- instructor: on duty, or left the post after the day.
For today the current status decides (no date may lie in the future)."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.alerts.rules import orgs_active_on, party_orgs_active_on, period_q
from socorg.core.testing import make_user
from socorg.coverage.queries import orgs_behind, region_figures
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyOrganization
from socorg.registry.choices import OrgStatus
from socorg.registry.models import SocialOrganization

from . import builders as b

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 6, 30)
BEFORE, AFTER = DAY - datetime.timedelta(days=1), DAY + datetime.timedelta(days=1)


def ids(rows) -> set[int]:
    return {row.pk for row in rows}


@pytest.fixture
def orgs():
    unknown = b.register("530102")
    SocialOrganization.objects.filter(pk=unknown.pk).update(registered_on=None)
    return {
        "unknown_registration": unknown,
        "registered_before": b.register("530102", registered_on=BEFORE),
        "registered_on_the_day": b.register("530102", registered_on=DAY),
        "registered_after": b.register("530102", registered_on=AFTER),
        "deregistered_on_the_day": _ended(b.register("530102", registered_on=BEFORE), DAY),
        "revoked_after": _ended(b.register("530102", registered_on=BEFORE), AFTER, OrgStatus.REVOKED),
    }


def _ended(org, on, status=OrgStatus.DEREGISTERED):
    b.end_org(org, status, on=on)
    return org


IN_FORCE_ON_DAY = {"unknown_registration", "registered_before", "registered_on_the_day", "revoked_after"}


def test_organizations_in_force_on_a_past_day(orgs):
    expected = {orgs[name].pk for name in IN_FORCE_ON_DAY}
    assert ids(SocialOrganization.objects.active_on(DAY)) == expected


def test_today_the_current_status_decides(orgs):
    today = ids(SocialOrganization.objects.active_on())
    assert today == {o.pk for o in orgs.values() if o.status == OrgStatus.ACTIVE}
    assert ids(SocialOrganization.objects.active_on(timezone.localdate())) == today


def test_coverage_alerts_and_the_lists_count_the_same_organizations(orgs, region):
    expected = {orgs[name].pk for name in IN_FORCE_ON_DAY}
    user = make_user((Role.BUREAU_STAFF, "530000"))
    assert ids(orgs_behind(user, region("530102"), "all", on=DAY)) == expected
    assert region_figures(region("530102"), on=DAY).totals["orgs"] == len(expected)
    assert ids(SocialOrganization.objects.filter(orgs_active_on(DAY, "53"))) == expected


def test_party_organizations_in_force_on_a_past_day(region):
    org = b.register("530102", registered_on=datetime.date(2020, 1, 1))
    unknown = b.found([org], start_on=datetime.date(2021, 1, 1))
    founded_after = b.found([org], start_on=datetime.date(2021, 1, 1))
    PartyOrganization.objects.filter(pk=founded_after.pk).update(founded_on=AFTER)
    dissolved_on_the_day = b.found([org], start_on=datetime.date(2021, 1, 1))
    b.dissolve(dissolved_on_the_day, on=DAY)
    dissolved_after = b.found([org], start_on=datetime.date(2021, 1, 1))
    b.dissolve(dissolved_after, on=AFTER)

    expected = {unknown.pk, dissolved_after.pk}
    assert ids(PartyOrganization.objects.active_on(DAY)) == expected
    assert ids(PartyOrganization.objects.filter(party_orgs_active_on(DAY, ""))) == expected
    # coverage counts the party organizations in force on the day, through the same definition
    assert region_figures(region("530102"), on=DAY).totals["party_orgs"] == 2
    assert ids(PartyOrganization.objects.active_on()) == {unknown.pk, founded_after.pk}


def test_periods_start_inclusive_and_end_exclusive():
    org = b.register("530102", registered_on=datetime.date(2020, 1, 1))
    party_org = b.found([org], start_on=datetime.date(2021, 1, 1))
    ending_on_the_day = b.cover(party_org, b.register("530102"), start_on=BEFORE)
    b.uncover(ending_on_the_day, end_on=DAY)
    starting_on_the_day = b.cover(party_org, b.register("530102"), start_on=DAY)
    in_force = ids(PartyCoverage.objects.active_on(DAY))
    assert starting_on_the_day.pk in in_force and ending_on_the_day.pk not in in_force
    assert ids(PartyCoverage.objects.filter(period_q(DAY))) == in_force

    person = b.instructor()
    assignment = b.assign(person, org, start_on=DAY)
    assert ids(InstructorAssignment.objects.active_on(DAY)) == {assignment.pk}
    assert not InstructorAssignment.objects.active_on(BEFORE).exists()


def test_instructors_on_duty_on_a_past_day():
    stays, leaves_after, left_before = b.instructor(), b.instructor(), b.instructor()
    b.instructor_leaves(leaves_after, on=AFTER)
    b.instructor_leaves(left_before, on=BEFORE)
    assert ids(Instructor.objects.active_on(DAY)) == {stays.pk, leaves_after.pk}
    assert ids(Instructor.objects.active_on()) == {stays.pk}
