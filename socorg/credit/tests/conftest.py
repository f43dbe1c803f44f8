import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.alerts.choices import AlertStatus, Severity, SubjectType
from socorg.alerts.models import Alert
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org


@pytest.fixture
def org(db):
    return make_org("530102", name="五华区科技创新协会", registered_on=datetime.date(2015, 3, 1))


@pytest.fixture
def clerk(db):
    """Registration-authority staff of the county (credit.change, registry.change)."""
    return make_user((Role.BUREAU_STAFF, "530102"))


@pytest.fixture
def national(db):
    return make_user((Role.BUREAU_STAFF, "100000"))


def make_alert(org, *, rule="should_build_missing", status=AlertStatus.OPEN, opened_on, deadline=None):
    return Alert.objects.create(rule=rule, subject_type=SubjectType.SOCIAL_ORG, subject_key=f"social_org:{org.pk}",
                                organization=org, region_id=org.authority_region_id, severity=Severity.HIGH,
                                message="测试", opened_on=opened_on, status=status, deadline=deadline)
