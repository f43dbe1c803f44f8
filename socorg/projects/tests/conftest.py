import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org
from socorg.projects import services

TODAY = timezone.localdate()
LONG_AGO = datetime.date(2015, 3, 1)


@pytest.fixture
def org(db):
    return make_org("530102", name="五华区夕阳红养老服务中心", registered_on=LONG_AGO, org_covered=True,
                    work_covered=True)


@pytest.fixture
def filer(org):
    """The organization's own account."""
    return make_user((Role.ORG_ACCOUNT, "530102"), organization=org)


@pytest.fixture
def bureau(db):
    """Provincial bureau staff: issues calls, awards, evaluates."""
    return make_user((Role.BUREAU_STAFF, "530000"))


def make_call(actor, **overrides):
    values = {
        "name": "2026年昆明市公益创投", "kind": "venture", "region": "530000", "budget": "600000",
        "max_per_project": "200000", "opens_on": TODAY - datetime.timedelta(days=10),
        "closes_on": TODAY + datetime.timedelta(days=20), "categories": ["养老服务", "乡村振兴"],
        "rules_config": [{"rule": "registered_years", "min": 1}, {"rule": "annual_report_ok"},
                         {"rule": "party_coverage"}, {"rule": "no_high_alert"}, {"rule": "max_awards", "max": 2}],
    }
    values.update(overrides)
    return services.call_create(actor=actor, **values)


@pytest.fixture
def call(bureau):
    return make_call(bureau)


def application_values(**overrides):
    values = {"title": "社区长者助餐", "plan": "为辖区独居老人提供助餐服务", "category": "养老服务",
              "budget_lines": [{"item": "餐费补贴", "amount": "80000"}, {"item": "人员费用", "amount": "20000"}],
              "amount_requested": "100000", "people_served": 300, "places": ["530102"]}
    values.update(overrides)
    return values


def list_on_credit(org, *, list="abnormal", decided_on=None):
    """A credit-list entry through the credit app's own service (a county clerk's decision)."""
    from socorg.credit.services import entry_create

    clerk = make_user((Role.BUREAU_STAFF, org.authority_region_id))
    return entry_create(org=org, list=list, reason="annual_report_missing", decision_no="民社异〔2026〕1号",
                        decided_on=decided_on or TODAY - datetime.timedelta(days=1), actor=clerk)


def grade(org, code: str, *, valid_from=None):
    """An evaluation grade as the ratings app records it (valid 5 years)."""
    from socorg.ratings.models import EvaluationGrade

    start = valid_from or TODAY - datetime.timedelta(days=100)
    return EvaluationGrade.objects.create(organization=org, grade=code, valid_from=start,
                                          valid_to=start.replace(year=start.year + 5),
                                          decision_number="云民评〔2025〕8号")
