"""The organizational-life list (/activities/) pages by cursor once it is long: following 下一页 to the end and
上一页 back reaches every record exactly once, in the order asked (ties by id), inside the user's scope; a damaged
page link shows the first page and says why; a short list keeps its page numbers."""

import datetime
import re

import pytest

from socorg.activities.models import Activity
from socorg.core.testing import DAMAGED_CURSOR, client_as, keyset_order, make_user, walk_by_cursor
from socorg.party.models import PartyOrganization

pytestmark = pytest.mark.django_db

COUNTIES = ("530102", "530103")
ELSEWHERE = "510104"
DATES = (datetime.date(2025, 3, 1), datetime.date(2025, 5, 10), datetime.date(2025, 5, 10),
         datetime.date(2024, 12, 31))  # shared dates: ties the id must order


@pytest.fixture
def activities():
    """90 records of three branches (two Kunming counties, one in Sichuan), on four dates, some without an
    attendance."""
    branches = [PartyOrganization.objects.create(name=f"测试党支部{region}", kind="branch", formation="standalone",
                                                 region_id=region, founded_on=datetime.date(2020, 1, 1))
                for region in (*COUNTIES, ELSEWHERE)]
    return Activity.objects.bulk_create(
        Activity(party_org=branches[n % 3], type="member_assembly", date=DATES[n % 4], topic=f"学习{n:02d}",
                 actual_attendance=None if n % 5 == 0 else n % 3)
        for n in range(90))


def rows_of(html: str) -> list[int]:
    return [int(pk) for pk in dict.fromkeys(re.findall(r'href="/activities/(\d+)/"', html))]


def expected(queryset, *order) -> list[int]:
    return list(queryset.order_by(*order).values_list("pk", flat=True))


@pytest.mark.parametrize(("ordering", "order"), [
    ("", ("-date", "-id")),
    ("date", ("date", "id")),
    ("-party_org", ("-party_org__name_pinyin", "-id")),
    ("attendance", ("actual_attendance", "id")),  # nulls last
    ("-attendance", ("-actual_attendance", "-id")),  # nulls first
])
def test_next_and_previous_reach_every_record_once_in_the_order_asked(activities, long_lists, ordering, order):
    params = {"page_size": 20} | ({"ordering": ordering} if ordering else {})
    forward, backward = walk_by_cursor(client_as(make_user(("bureau_staff", "100000"))), "/activities/", params,
                                       rows_of)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == keyset_order(Activity.objects.all(), *order)
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(activities, long_lists):
    forward, _ = walk_by_cursor(client_as(make_user(("bureau_staff", "530102"))), "/activities/",
                                {"page_size": 20}, rows_of)
    in_county = Activity.objects.filter(party_org__region_id="530102")
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(in_county, "-date", "-id")


def test_a_damaged_page_link_shows_the_first_page_and_says_why(activities, long_lists):
    client = client_as(make_user(("bureau_staff", "100000")))
    response = client.get("/activities/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and rows_of(html) == expected(Activity.objects.all(), "-date", "-id")[:20]


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(activities):
    client = client_as(make_user(("bureau_staff", "100000")))
    html = client.get("/activities/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(Activity.objects.all(), "-date", "-id")[20:40]
