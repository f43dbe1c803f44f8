"""Writes to party organizations, coverages, members, instructors and assignments: validate → lock → change →
audit → derived state (coverage flags, member counts) in the same transaction."""

from ..rules import requires_coverage
from ._common import resolve_organization, resolve_region
from .instructors import (
    assignment_add,
    assignment_end,
    current_assignments,
    find_by_phone,
    instructor_create,
    instructor_leave,
    instructor_update,
)
from .members import find_by_id_number, member_add, member_leave, member_reveal, member_reveal_id, member_update
from .party_orgs import (
    active_coverages,
    coverage_add,
    coverage_end,
    party_org_create,
    party_org_dissolve,
    party_org_update,
    warnings_for,
)
from .responsibility import responsibility_hand_over, responsible_body_create

__all__ = [
    "active_coverages", "assignment_add", "assignment_end", "coverage_add", "coverage_end", "current_assignments",
    "find_by_id_number", "find_by_phone", "instructor_create", "instructor_leave", "instructor_update",
    "member_add", "member_leave", "member_reveal", "member_reveal_id", "member_update", "party_org_create",
    "party_org_dissolve", "party_org_update", "requires_coverage", "resolve_organization", "resolve_region",
    "responsibility_hand_over", "responsible_body_create",
    "warnings_for",
]
