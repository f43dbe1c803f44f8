import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.party.tests.factories import make_org


@pytest.fixture
def clerk(db):
    """Bureau staff of the county 530102 (the registration authority)."""
    return make_user((Role.BUREAU_STAFF, "530102"), username="clerk")


@pytest.fixture
def orgs(db):
    return [make_org("530102", name=f"抽查测试协会{i}") for i in range(40)]


EXPERTS = [{"name": "张检查", "unit": "县民政局"}, {"name": "李检查", "unit": "县民政局"},
           {"name": "王专家", "unit": "云南大学"}, {"name": "赵会计", "unit": "某会计师事务所"}]


@pytest.fixture
def plan_values():
    return {"name": "2026年县本级社会组织双随机抽查", "year": 2026, "region": "530102", "share": None, "count": 4,
            "per_org": 2, "inspectors": EXPERTS}
