import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import make_user


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def clerk(db):
    return make_user((Role.BUREAU_STAFF, "530100"))


D = datetime.date
