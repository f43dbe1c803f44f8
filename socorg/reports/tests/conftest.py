import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org

YEAR = timezone.localdate().year - 1


@pytest.fixture
def org(db):
    return make_org("530102", name="丘北县科技创新协会", registered_on=datetime.date(2018, 3, 1))


@pytest.fixture
def filer(org):
    """The organization's own account."""
    return make_user((Role.ORG_ACCOUNT, "530102"), organization=org)


@pytest.fixture
def clerk(db):
    return make_user((Role.BUREAU_STAFF, "530102"))
