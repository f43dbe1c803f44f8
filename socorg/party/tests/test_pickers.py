"""Type-ahead pickers (core.pickers): region and party organization suggestions by name, pinyin or code, inside
the user's scope; forms show pickers instead of drop-downs of thousands or fields asking for exact names or ids."""

import re

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user

from .factories import make_org, make_party_org, staff

pytestmark = pytest.mark.django_db


def _picks(client, url, field, text, **extra):
    html = client.get(url, {"field": field, field: text, **extra}).content.decode()
    return re.findall(r'data-pick="([^"]*)"', html)


def test_region_picker_finds_by_name_pinyin_and_code_inside_the_scope():
    county_staff = client_as(staff("530102", Role.BUREAU_STAFF))
    assert _picks(county_staff, "/regions/pick/", "region", "五华") == ["530102"]
    assert _picks(county_staff, "/regions/pick/", "region", "wuhua") == ["530102"]
    assert _picks(county_staff, "/regions/pick/", "region", "530102") == ["530102"]
    # 盘龙区 (530103) exists but lies outside a 五华区 grant.
    assert _picks(county_staff, "/regions/pick/", "region", "panlong", capability="registry.change") == []
    province_staff = client_as(staff("530000", Role.BUREAU_STAFF))
    assert _picks(province_staff, "/regions/pick/", "region", "panlong", capability="registry.change") == ["530103"]


def test_party_org_picker_finds_by_pinyin_initials_inside_the_scope():
    actor = staff("530102", Role.PARTY_STAFF)
    make_party_org(actor, orgs=[make_org("530102")], name="五华区科技创新联合党支部")
    other = staff("530103", Role.PARTY_STAFF)
    make_party_org(other, orgs=[make_org("530103")], name="盘龙区科技创新联合党支部")
    assert _picks(client_as(actor), "/party/pick/", "parent", "kjcx") == ["五华区科技创新联合党支部"]
    national = make_user((Role.PARTY_STAFF, "100000"))
    assert sorted(_picks(client_as(national), "/party/pick/", "parent", "kejichuangxin")) == [
        "五华区科技创新联合党支部", "盘龙区科技创新联合党支部"]
    viewer = make_user((Role.VIEWER, "530102"))  # sees party organizations, records no activity
    assert _picks(client_as(viewer), "/party/pick/", "party_org", "kjcx", capability="activities.change") == []


@pytest.mark.parametrize(("url", "field", "picker_url"), [
    ("/orgs/new/", "authority_region", "/regions/pick/"),
    ("/party/new/", "parent", "/party/pick/"),
    ("/party/new/", "region", "/regions/pick/"),
    ("/activities/new/", "party_org", "/party/pick/"),
    ("/party/members/new/", "party_org", "/party/pick/"),
    ("/party/instructors/new/", "region", "/regions/pick/"),
])
def test_forms_offer_pickers_instead_of_long_drop_downs(url, field, picker_url):
    user = make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000"))
    html = client_as(user).get(url).content.decode()
    field_html = re.search(rf'<input[^>]*name="{field}"[^>]*>', html).group(0)
    assert f'hx-get="{picker_url}"' in field_html
    assert f'<select name="{field}"' not in html
