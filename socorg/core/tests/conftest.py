"""Fixtures of the core app's browser tests."""

import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.activities.services import activity_create
from socorg.alerts.scan import run_scan
from socorg.core.testing import make_user
from socorg.party.services import assignment_add, instructor_create, member_add, party_org_create
from socorg.registry.services import org_register
from socorg.registry.uscc import make_uscc


@pytest.fixture
def records(db):
    """A small county: an organization flagged 应建未建 and one covered by a branch with a member, an instructor, an
    activity, and the alerts of a scan."""
    clerk = make_user((Role.BUREAU_STAFF, "530102"), (Role.PARTY_STAFF, "530102"))
    covered = org_register(actor=clerk, uscc=make_uscc("530102", "social_group", "1201"), name="五华区书画协会",
                           org_type="social_group", authority_region="530102",
                           registered_on=datetime.date(2019, 5, 6))
    org_register(actor=clerk, uscc=make_uscc("530102", "social_group", "1202"), name="五华区软件行业协会",
                 org_type="social_group", authority_region="530102", registered_on=datetime.date(2020, 3, 1),
                 declared_full_members=4)
    branch = party_org_create(name="五华区书画协会党支部", kind="branch", formation="standalone", actor=clerk,
                              organizations=[covered], founded_on=datetime.date(2020, 1, 10),
                              term_started_on=datetime.date(2024, 1, 10))
    member_add(name="王芳", party_org=branch, actor=clerk, birth_date=datetime.date(1988, 2, 9),
               joined_on=datetime.date(2015, 7, 1), membership="full", employer=covered)
    instructor = instructor_create(name="赵强", region="530102", actor=clerk, phone="13812345678",
                                   appointed_on=datetime.date(2023, 3, 1))
    assignment_add(instructor=instructor, organization=covered, actor=clerk)
    activity_create(party_org=branch, type="member_assembly", date=datetime.date(2025, 6, 12), topic="学习党章",
                    actor=clerk)
    run_scan()
    return clerk
