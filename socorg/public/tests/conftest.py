import datetime

import pytest
from django.core.cache import cache

from socorg.party.tests.factories import make_org, make_party_org, valid_id_number

PHONE = "13987654321"
MEMBER_PHONE = "13812345678"
MEMBER_NAME = "王秘密"
ID_NUMBER = valid_id_number(datetime.date(1985, 6, 15), "530102", 123)


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db, settings, tmp_path):
    """An organization with a phone, a party branch with a member (ID number, phone), on the abnormal list, with a
    grade, a reviewed annual report; every section of the public site has a row."""
    settings.MEDIA_ROOT = tmp_path
    from socorg.accounts.roles import Role
    from socorg.core.testing import make_user
    from socorg.party.services import member_add
    from socorg.registry import services as registry

    staff = make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000"))
    org = make_org("530102", name="五华区科技创新协会", registered_on=datetime.date(2015, 3, 1),
                   legal_representative="张法人", supervisor="五华区科学技术局",
                   name_pinyin="wuhuaqukejichuangxinxiehui", name_initials="whqkjcxxh")
    registry.org_update(org=org, actor=staff, phone=PHONE)
    branch = make_party_org(staff, orgs=[org], name="五华区科技创新协会党支部", founded_on=datetime.date(2020, 1, 1),
                            formation="standalone")
    member_add(name=MEMBER_NAME, party_org=branch, employer=org, id_number=ID_NUMBER, phone=MEMBER_PHONE,
               joined_on=datetime.date(2010, 7, 1), actor=staff)
    from socorg.credit.models import CreditEntry

    CreditEntry.objects.create(organization=org, list="abnormal", reason="annual_report_missing",
                               decision_no="昆民异〔2026〕3号", decided_on=datetime.date(2026, 6, 1),
                               entered_on=datetime.date(2026, 6, 2), entry_due_on=datetime.date(2026, 6, 8))
    from socorg.ratings.models import EvaluationGrade

    EvaluationGrade.objects.create(organization=org, grade="4A", valid_from=datetime.date(2024, 1, 1),
                                   valid_to=datetime.date(2028, 12, 31), decision_number="云民评〔2024〕1号")
    return {"org": org, "staff": staff, "branch": branch}
