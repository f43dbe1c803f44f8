"""Figures as of a past day are computed set-based (coverage.as_of: one pass over the periods valid on the day, then
the GROUP BY); they are the per-organization definition (flags and member counts by correlated subqueries over the
dated history) for any history: random periods of organizations, party organizations and members, random coverage
rows, instructors and assignments, checked on days where something starts or ends and on the days before them.
Run on SQLite and PostgreSQL (DATABASE_URL)."""

import datetime

import pytest
from django.db import transaction
from django.db.models import OuterRef, Subquery
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from socorg.coverage import as_of
from socorg.coverage.queries import count_annotations, counts_of
from socorg.coverage.state import _reach_source
from socorg.party.choices import Formation, InstructorStatus, Membership, PartyOrgKind
from socorg.party.models import (
    InstructorAssignment,
    MemberPeriod,
    PartyCoverage,
    PartyOrganization,
    PartyOrgPeriod,
)
from socorg.registry.choices import AuthorityLevel, Category, OrgStatus, OrgType
from socorg.registry.models import OrgPeriod

from . import builders as b

pytestmark = pytest.mark.django_db

DAYS = [datetime.date(2021, 1, 1) + datetime.timedelta(days=90 * k) for k in range(8)]
CODES = ["530102", "530103", "530100", "110101"]
CHECKED_DAYS = sorted({day - datetime.timedelta(days=d) for day in DAYS for d in (0, 1)})


def periods(values):
    """Non-overlapping [from, to) stretches over DAYS (open at either end or not), each with drawn values."""
    @st.composite
    def draw(draw_):
        bounds = sorted(draw_(st.sets(st.sampled_from(DAYS), min_size=1, max_size=4)))
        if draw_(st.booleans()):
            bounds.insert(0, None)
        if draw_(st.booleans()):
            bounds.append(None)
        return [(bounds[i], bounds[i + 1], draw_(values)) for i in range(len(bounds) - 1)]
    return draw()


org_values = st.fixed_dictionaries({
    "authority_region_id": st.sampled_from(CODES), "org_type": st.sampled_from(OrgType.values),
    "category": st.sampled_from(Category.values), "authority_level": st.sampled_from(AuthorityLevel.values),
    "status": st.sampled_from([OrgStatus.ACTIVE, OrgStatus.SUSPENDED]),
    "declared_full_members": st.integers(0, 5), "declared_probationary_members": st.integers(0, 2)})
party_values = st.fixed_dictionaries({
    "kind": st.sampled_from(PartyOrgKind.values), "formation": st.sampled_from([Formation.STANDALONE, Formation.JOINT]),
    "is_functional": st.booleans(), "region_id": st.sampled_from(CODES)})
maybe_day = st.one_of(st.none(), st.sampled_from(DAYS))


@st.composite
def histories(draw):
    orgs = draw(st.lists(periods(org_values), min_size=1, max_size=5))
    party_orgs = draw(st.lists(periods(party_values), min_size=1, max_size=3))
    coverages = draw(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(DAYS[:5]),
                                        st.one_of(st.none(), st.sampled_from(DAYS[3:]))), min_size=1, max_size=8))
    instructors = draw(st.lists(maybe_day, max_size=2))   # left on (None: on duty)
    assignments = draw(st.lists(st.tuples(st.integers(0, 9), st.integers(0, 9), st.sampled_from(DAYS), maybe_day),
                                max_size=4)) if instructors else []
    members = draw(st.lists(periods(st.tuples(st.one_of(st.none(), st.integers(0, 9)),
                                              st.sampled_from(Membership.values), st.booleans())), max_size=8))
    return {"orgs": orgs, "party_orgs": party_orgs, "coverages": coverages, "instructors": instructors,
            "assignments": assignments, "members": members}


def build(history) -> None:
    """Rows for the history: the records themselves, and their periods written as drawn (not by the triggers)."""
    orgs = [b.register("530102") for _ in history["orgs"]]
    party_orgs = [PartyOrganization.objects.create(name=f"党组织{i}", kind=PartyOrgKind.BRANCH,
                                                   formation=Formation.STANDALONE, region_id="530102")
                  for i in range(len(history["party_orgs"]))]
    OrgPeriod.objects.all().delete()
    PartyOrgPeriod.objects.all().delete()
    OrgPeriod.objects.bulk_create([OrgPeriod(organization=org, valid_from=start, valid_to=end, **values)
                                   for org, stretches in zip(orgs, history["orgs"], strict=True)
                                   for start, end, values in stretches])
    PartyOrgPeriod.objects.bulk_create([PartyOrgPeriod(party_org=party_org, valid_from=start, valid_to=end, **values)
                                        for party_org, stretches in zip(party_orgs, history["party_orgs"], strict=True)
                                        for start, end, values in stretches])
    for p, o, start, end in history["coverages"]:
        PartyCoverage.objects.create(party_org=party_orgs[p % len(party_orgs)], organization=orgs[o % len(orgs)],
                                     start_on=start, end_on=end if end is None or end > start else None)
    people = []
    for left_on in history["instructors"]:
        person = b.instructor()
        if left_on is not None:
            person.status, person.left_on = InstructorStatus.LEFT, left_on
            person.save()
        people.append(person)
    for i, o, start, end in history["assignments"]:
        InstructorAssignment.objects.create(instructor=people[i % len(people)], organization=orgs[o % len(orgs)],
                                            start_on=start, end_on=end if end is None or end > start else None)
    MemberPeriod.objects.bulk_create([
        MemberPeriod(member_id=10_000 + n, employer=None if employer is None else orgs[employer % len(orgs)],
                     party_org_id=party_orgs[0].pk if party_orgs else 1, membership=membership,
                     is_full_time_staff=staff, valid_from=start, valid_to=end)
        for n, stretches in enumerate(history["members"]) for start, end, (employer, membership, staff) in stretches])


def reach_by_definition(day) -> set[tuple[int, str, str, bool]]:
    region = OrgPeriod.objects.valid_on(day).filter(organization=OuterRef("organization_id"))
    functional = set(PartyOrgPeriod.objects.valid_on(day).filter(is_functional=True)
                     .values_list("party_org_id", flat=True))
    rows = _reach_source(on=day).annotate(day_region=Subquery(region.values("authority_region_id")[:1]))
    return {(party_org, code, code, party_org in functional) for party_org, code in
            rows.values_list("party_org_id", "day_region")}


def counts_by_definition(day, by_column: str) -> dict:
    rows = (as_of.definition(day).order_by().values(f"day_{by_column}")
            .annotate(**count_annotations("day_")))
    return {row[f"day_{by_column}"]: counts_of(row) for row in rows}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(history=histories(), days=st.lists(st.sampled_from(CHECKED_DAYS), min_size=1, max_size=3, unique=True))
def test_the_set_based_state_on_a_day_is_the_per_organization_definition(history, days):
    with transaction.atomic():
        build(history)
        for day in days:
            assert as_of.state_rows(as_of.Scope(day)) == as_of.definition_rows(day), day
            in_yunnan = {pk: row for pk, row in as_of.definition_rows(day).items() if row[0].startswith("53")}
            assert as_of.state_rows(as_of.Scope(day, "53")) == in_yunnan, day
            assert as_of.reach(as_of.Scope(day)) == reach_by_definition(day), day
            for by, column in (("region", "authority_region_id"), ("type", "org_type")):
                assert as_of.by_value(as_of.org_counts(as_of.Scope(day), by)) == counts_by_definition(day, column)
            assert as_of.by_region(as_of.org_counts(as_of.Scope(day), "type")) == counts_by_definition(
                day, "authority_region_id")
        transaction.set_rollback(True)
