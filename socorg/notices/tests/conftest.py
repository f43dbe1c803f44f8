import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.notices import services
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.registry.choices import Category, OrgType


@pytest.fixture
def sender(db):
    """Bureau staff of Kunming (5301)."""
    return make_user((Role.BUREAU_STAFF, "530100"), username="kunming-staff")


@pytest.fixture
def orgs(db):
    """Three organizations in Kunming, one in Beijing, each with its own account."""
    made = {
        "charity": make_org("530102", name="五华区慈善协会", category=Category.CHARITY),
        "foundation": make_org("530103", name="盘龙区教育基金会", org_type=OrgType.FOUNDATION),
        "tech": make_org("530102", name="五华区科技协会", category=Category.SCIENCE_TECHNOLOGY),
        "beijing": make_org("110101", name="东城区某协会"),
    }
    for key, org in made.items():
        make_user((Role.ORG_ACCOUNT, org.authority_region_id), organization=org, username=f"acct-{key}")
    return made


@pytest.fixture
def instructor(db):
    return make_user((Role.INSTRUCTOR, "530102"), username="instructor-wuhua")


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def draft(actor, **values):
    defaults = {"title": "关于报送2026年组织生活计划的通知", "body": "<p>请各社会组织党组织报送计划。</p>",
                "region": region("530100")}
    return services.notice_save(actor=actor, **(defaults | values))


def in_days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)
