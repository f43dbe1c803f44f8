"""The complaint list (/complaints/) pages by cursor once it is long: following 下一页 to the end and 上一页 back
reaches every complaint exactly once, in the order asked (ties by id), inside the user's scope; a damaged page link
shows the first page and says why; a short list keeps its page numbers."""

import datetime
import re

import pytest

from socorg.complaints.models import Complaint
from socorg.core.testing import DAMAGED_CURSOR, client_as, keyset_order, make_user, walk_by_cursor

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan
DAYS = (datetime.date(2025, 3, 3), datetime.date(2025, 5, 12), datetime.date(2025, 5, 12))  # ties


@pytest.fixture
def complaints():
    """90 complaints in three counties, received on three dates, half of them with a conclusion deadline."""
    return Complaint.objects.bulk_create(
        Complaint(receipt_no=f"TS{n:06d}", lookup_code_hash="x", channel="phone", region_id=REGIONS[n % 3],
                  organization_name=f"测试协会{n}", category="finances", description="测试", received_on=DAYS[n % 3],
                  accept_due_on=DAYS[n % 3] + datetime.timedelta(days=n % 2),
                  conclude_due_on=DAYS[n % 3] + datetime.timedelta(days=60 + n % 3) if n % 2 else None)
        for n in range(90))


def rows_of(html: str) -> list[int]:
    return [int(pk) for pk in dict.fromkeys(re.findall(r'href="/complaints/(\d+)/"', html))]


def expected(queryset, *order) -> list[int]:
    return keyset_order(queryset, *order)


def nation():
    return client_as(make_user(("bureau_staff", "100000")))


@pytest.mark.parametrize(("params", "order"), [
    ({}, ("-received_on", "-id")),
    ({"ordering": "accept_due_on"}, ("accept_due_on", "id")),
    ({"ordering": "-conclude_due_on"}, ("-conclude_due_on", "-id")),  # nulls first
])
def test_next_and_previous_reach_every_complaint_once_in_the_order_asked(complaints, long_lists, params, order):
    forward, backward = walk_by_cursor(nation(), "/complaints/", {"page_size": 20} | params, rows_of)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(Complaint.objects.all(), *order)
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(complaints, long_lists):
    forward, _ = walk_by_cursor(client_as(make_user(("bureau_staff", "530102"))), "/complaints/",
                                {"page_size": 20}, rows_of)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(Complaint.objects.filter(region_id="530102"), "-received_on", "-id")


def test_a_damaged_page_link_shows_the_first_page_and_says_why(complaints, long_lists):
    response = nation().get("/complaints/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and rows_of(html) == expected(Complaint.objects.all(), "-received_on", "-id")[:20]


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(complaints):
    html = nation().get("/complaints/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(Complaint.objects.all(), "-received_on", "-id")[20:40]
