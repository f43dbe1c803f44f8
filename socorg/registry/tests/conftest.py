import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.registry import services
from socorg.registry.choices import OrgType
from socorg.registry.uscc import make_uscc

_serials = iter(range(1, 10**7))


def new_uscc(region: str = "530102", org_type: str = OrgType.SOCIAL_GROUP) -> str:
    return make_uscc(region, org_type, str(next(_serials)))


@pytest.fixture
def national_staff(db):
    return make_user((Role.BUREAU_STAFF, "100000"))


@pytest.fixture
def register(national_staff):
    """register(region="530102", **fields) -> a SocialOrganization registered through the service."""

    def _register(region: str = "530102", **fields):
        org_type = fields.pop("org_type", OrgType.SOCIAL_GROUP)
        values = {
            "uscc": new_uscc(region, org_type), "name": f"测试协会{next(_serials)}", "org_type": org_type,
            "authority_region": region, "registered_on": datetime.date(2020, 1, 15), **fields,
        }
        return services.org_register(actor=fields.pop("actor", national_staff), **values)

    return _register
