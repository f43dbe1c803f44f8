"""Free-text search of the organization list: the same FilterSet behind the page and /api/v1/orgs/?q=."""

import re

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs(register):
    return {
        "qiubei": register(region="532626", name="丘北县科技创新协会"),
        "kunming": register(region="530102", name="昆明市科技创新促进会"),
        "qiubei_other": register(region="532626", name="丘北县书法协会"),
    }


def _api_names(user, q):
    body = api_as(user).get("/api/v1/orgs/", {"q": q}).json()
    return sorted(row["name"] for row in body["results"])


def _page_names(user, q):
    html = client_as(user).get("/orgs/", {"q": q}).content.decode()
    return sorted(set(re.findall(r'<a href="/orgs/[0-9A-Z]{18}/">([^<]+)</a>', html))), html


@pytest.mark.parametrize(("query", "expected"), [
    ("kejichuangxin", ["丘北县科技创新协会", "昆明市科技创新促进会"]),  # full pinyin in the middle of the name
    ("kjcx", ["丘北县科技创新协会", "昆明市科技创新促进会"]),  # initials in the middle of the name
    ("KJCX", ["丘北县科技创新协会", "昆明市科技创新促进会"]),
    ("丘北 科技", ["丘北县科技创新协会"]),  # several words narrow the result
    ("qiubei，shufa", ["丘北县书法协会"]),
    ("科技 nothing", []),
])
def test_search_matches_pinyin_anywhere_and_every_word_narrows(orgs, national_staff, query, expected):
    assert _api_names(national_staff, query) == expected
    page_names, _ = _page_names(national_staff, query)
    assert page_names == expected


def test_search_finds_a_credit_code_fragment(orgs, national_staff):
    fragment = orgs["kunming"].uscc[4:14]
    assert _api_names(national_staff, fragment.lower()) == ["昆明市科技创新促进会"]


def test_page_always_shows_the_result_count(orgs, national_staff):
    _, html = _page_names(national_staff, "丘北")
    assert "共 2 条" in html
    _, html = _page_names(national_staff, "kjcx 丘北")
    assert "共 1 条" in html


def test_search_stays_inside_the_scope(orgs):
    county = make_user((Role.BUREAU_STAFF, "532626"))
    assert _api_names(county, "kjcx") == ["丘北县科技创新协会"]
