import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def org(db):
    return make_org("530102", name="五华区家政服务协会", registered_on=datetime.date(2015, 3, 1))


@pytest.fixture
def clerk(db):
    return make_user((Role.BUREAU_STAFF, "530102"))


@pytest.fixture
def investigator(db):
    return make_user((Role.BUREAU_STAFF, "530100"))
