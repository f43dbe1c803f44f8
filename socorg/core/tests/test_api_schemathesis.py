"""Continuous check (issue #10): schemathesis against the live OpenAPI schema (/api/v1/schema/), every operation,
as a logged-in user whose region holds data. Zero server errors and zero schema violations: every answer has a
documented status code (the schema documents 400/401/403/404 for every operation), the documented content type
and a body that matches its schema. Bounded: EXAMPLES generated requests per operation, derandomized, so the run is
the same on every machine and stays short on both databases (SOCORG_SCHEMATHESIS_EXAMPLES raises it)."""

import datetime
import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import checks as st_checks

from socorg.accounts.roles import Role
from socorg.accounts.services import token_create
from socorg.activities.models import Activity
from socorg.alerts.scan import run_scan
from socorg.alerts.tests.factories import add_members, assign_instructor, healthy_branch
from socorg.core.testing import make_user
from socorg.party.models import PartyOrganization
from socorg.wsgi import application

pytestmark = pytest.mark.django_db(transaction=False)

# SOCORG_SCHEMATHESIS_EXAMPLES=50 for a deeper run by hand.
EXAMPLES = int(os.environ.get("SOCORG_SCHEMATHESIS_EXAMPLES", "5"))
CHECKS = [st_checks.not_a_server_error, st_checks.status_code_conformance, st_checks.content_type_conformance,
          st_checks.response_schema_conformance]


@pytest.fixture
def wsgi_in_test_transaction():
    """The WSGI handler closes the database connection around each request; inside a test transaction it must not
    (Django's test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token():
    """A province's bureau and party staff, with organizations, party organizations, members, instructors,
    activities and alerts in a county of that province."""
    user = make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000"))
    party_org, org = healthy_branch("530102")
    lapsed = PartyOrganization.objects.create(name="测试党支部（活动不足）", kind="branch", formation="joint",
                                              region_id="530102", founded_on=datetime.date(2020, 1, 1))
    add_members(lapsed, 2, 1, employer=org)
    assign_instructor(org)
    Activity.objects.create(party_org=lapsed, type="member_assembly", date=datetime.date(2024, 1, 5), topic="学习")
    run_scan(as_of=datetime.date(2025, 7, 15))
    return token_create(user=user)


def test_every_api_operation_answers_within_its_schema(token, wsgi_in_test_transaction):
    headers = {"Authorization": f"Token {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as error:  # collected: one report for every failing operation
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
