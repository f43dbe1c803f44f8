"""The organizations behind a coverage figure (/coverage/orgs/) page by cursor once they are many: following 下一页
to the end and 上一页 back reaches every organization exactly once, in the order asked (ties by id), inside the
user's scope; a damaged page link shows the first page and says why; a short list keeps its page numbers. The party
organizations behind a figure (/coverage/party-orgs/) page the same way."""

import re

import pytest

from socorg.core.testing import DAMAGED_CURSOR, client_as, keyset_order, make_user, walk_by_cursor
from socorg.party.tests.factories import make_org
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan


@pytest.fixture
def orgs():
    """90 organizations in three counties with few distinct full-member counts."""
    return [make_org(REGIONS[n % 3], full_members=n % 4) for n in range(90)]


def rows_of(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/orgs/(\w{18})/"', html)))


def expected(queryset, *order) -> list[str]:
    return keyset_order(queryset, *order, field="uscc")


def nation():
    return client_as(make_user(("bureau_staff", "100000")))


@pytest.mark.parametrize(("params", "order"), [
    ({}, ("uscc",)),
    ({"ordering": "-full_members"}, ("-full_members", "-id")),
    ({"ordering": "name_pinyin"}, ("name_pinyin", "id")),
])
def test_next_and_previous_reach_every_organization_once_in_the_order_asked(orgs, long_lists, params, order):
    forward, backward = walk_by_cursor(nation(), "/coverage/orgs/",
                                       {"region": "100000", "measure": "all", "page_size": 20} | params, rows_of)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(SocialOrganization.objects.all(), *order)
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(orgs, long_lists):
    county = client_as(make_user(("bureau_staff", "530102")))
    forward, _ = walk_by_cursor(county, "/coverage/orgs/", {"region": "530102", "measure": "all", "page_size": 20},
                                rows_of)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(SocialOrganization.objects.filter(authority_region_id="530102"), "uscc")


@pytest.mark.parametrize("path", ["/coverage/orgs/", "/coverage/party-orgs/"])
def test_a_damaged_page_link_shows_the_first_page_and_says_why(orgs, long_lists, path):
    response = nation().get(path, {"region": "100000", "cursor": "garbage", "page_size": 20})
    assert response.status_code == 200 and DAMAGED_CURSOR in response.content.decode()


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(orgs):
    html = nation().get("/coverage/orgs/", {"region": "100000", "page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(SocialOrganization.objects.all(), "uscc")[20:40]
