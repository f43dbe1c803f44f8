"""Random sequences of registry and party operations keep the stored flags and the maintained figures equal to a
from-scratch recount after every step (SQLite and PostgreSQL: run this module with DATABASE_URL set too)."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from socorg.coverage.queries import region_figures
from socorg.coverage.state import coverage_flags_from_scratch, stored_flags
from socorg.party.choices import Formation
from socorg.regions.models import Region
from socorg.registry.choices import OrgStatus

from . import builders as b

# Counties in two prefectures, a prefecture and a province registering themselves, another province, the nation.
CODES = ["530102", "530103", "530302", "530100", "530000", "110101", "100000"]
CHECKED = ["100000", "530000", "530100"]
FORMATIONS = [Formation.STANDALONE, Formation.JOINT, Formation.ATTACHED, Formation.INDUSTRY]


class CoverageOperations(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint rolled back at teardown, so examples do not see each other's rows.
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.orgs, self.party_orgs, self.coverages, self.instructors, self.assignments = [], [], [], [], []
        self.regions = {r.code: r for r in Region.objects.filter(code__in=CHECKED)}

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    @rule(code=st.sampled_from(CODES), members=st.integers(0, 6))
    def register(self, code, members):
        self.orgs.append(b.register(code, full_members=members))

    @precondition(lambda self: self.orgs)
    @rule(data=st.data(), formation=st.sampled_from(FORMATIONS), functional=st.booleans())
    def found_party_org(self, data, formation, functional):
        orgs = data.draw(st.lists(st.sampled_from(self.orgs), min_size=1, max_size=3, unique_by=lambda o: o.pk))
        party_org = b.found(orgs, formation=formation, functional=functional)
        self.party_orgs.append(party_org)
        self.coverages.extend(party_org.coverages.all())

    @precondition(lambda self: self.orgs and self.party_orgs)
    @rule(data=st.data())
    def cover(self, data):
        self.coverages.append(b.cover(data.draw(st.sampled_from(self.party_orgs)), data.draw(st.sampled_from(
            self.orgs))))

    @precondition(lambda self: self.coverages)
    @rule(data=st.data(), delete=st.booleans())
    def uncover(self, data, delete):
        coverage = data.draw(st.sampled_from(self.coverages))
        self.coverages.remove(coverage)
        b.delete_coverage(coverage) if delete else b.uncover(coverage)

    @precondition(lambda self: self.party_orgs)
    @rule(data=st.data())
    def dissolve(self, data):
        b.dissolve(data.draw(st.sampled_from(self.party_orgs)))

    @precondition(lambda self: self.party_orgs)
    @rule(data=st.data(), functional=st.booleans())
    def change_functional(self, data, functional):
        b.set_functional(data.draw(st.sampled_from(self.party_orgs)), functional)

    @precondition(lambda self: self.orgs)
    @rule(data=st.data(), status=st.sampled_from([OrgStatus.DEREGISTERED, OrgStatus.REVOKED]))
    def end_org(self, data, status):
        org = data.draw(st.sampled_from(self.orgs))
        org.refresh_from_db()
        if org.status == OrgStatus.ACTIVE:
            b.end_org(org, status)

    @precondition(lambda self: self.orgs)
    @rule(data=st.data(), code=st.sampled_from(CODES))
    def transfer(self, data, code):
        b.transfer(data.draw(st.sampled_from(self.orgs)), code)

    @precondition(lambda self: self.orgs)
    @rule(data=st.data(), members=st.integers(0, 6))
    def change_members(self, data, members):
        b.set_members(data.draw(st.sampled_from(self.orgs)), members)

    @precondition(lambda self: self.orgs)
    @rule(data=st.data())
    def assign_instructor(self, data):
        if not self.instructors or data.draw(st.booleans()):
            self.instructors.append(b.instructor())
        person = data.draw(st.sampled_from(self.instructors))
        self.assignments.append(b.assign(person, data.draw(st.sampled_from(self.orgs))))

    @precondition(lambda self: self.assignments)
    @rule(data=st.data())
    def end_assignment(self, data):
        assignment = data.draw(st.sampled_from(self.assignments))
        self.assignments.remove(assignment)
        b.end_assignment(assignment)

    @precondition(lambda self: self.instructors)
    @rule(data=st.data())
    def instructor_leaves(self, data):
        b.instructor_leaves(data.draw(st.sampled_from(self.instructors)))

    @invariant()
    def flags_equal_recount(self):
        assert stored_flags() == coverage_flags_from_scratch()

    @invariant()
    def figures_equal_recount(self):
        for code in CHECKED:
            maintained = region_figures(self.regions[code], source="maintained").as_json()
            scratch = region_figures(self.regions[code], source="scratch").as_json()
            maintained.pop("source"), scratch.pop("source")
            assert maintained == scratch, code


@pytest.mark.django_db
def test_random_operations_keep_figures_equal_to_a_recount():
    run_state_machine_as_test(CoverageOperations, settings=settings(
        max_examples=20, stateful_step_count=12, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]))
