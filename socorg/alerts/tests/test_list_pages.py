"""The alert list (/alerts/list/) pages by cursor once it is long: following 下一页 to the end and 上一页 back
reaches every alert exactly once, in the order asked (ties by id), inside the user's scope and — without a filter —
among the open alerts only, on every page; a damaged page link shows the first page and says why; a short list keeps
its page numbers."""

import datetime
import re

import pytest

from socorg.alerts.choices import OPEN_STATUSES
from socorg.alerts.models import Alert
from socorg.core.testing import DAMAGED_CURSOR, client_as, keyset_order, make_user, walk_by_cursor
from socorg.party.models import PartyOrganization

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan
OPENED = (datetime.date(2025, 3, 1), datetime.date(2025, 5, 10), datetime.date(2025, 5, 10))  # ties
STATUSES = ("open", "assigned", "submitted", "resolved")


@pytest.fixture
def alerts():
    """120 alerts about three branches, opened on three dates, 90 of them open, some with a deadline."""
    branches = [PartyOrganization.objects.create(name=f"测试党支部{region}", kind="branch", formation="standalone",
                                                 region_id=region, founded_on=datetime.date(2020, 1, 1))
                for region in REGIONS]
    return Alert.objects.bulk_create(
        Alert(rule="member_assembly_shortfall", subject_type="party_org", subject_key=f"test:{n}",
              party_org=branches[n % 3], region_id=REGIONS[n % 3], severity=("high", "medium", "low")[n % 3],
              message=f"测试预警{n:03d}", opened_on=OPENED[n % 3], status=STATUSES[n % 4],
              deadline=datetime.date(2025, 6, 1 + n % 2) if n % 4 == 1 else None)
        for n in range(120))


def rows_of(html: str) -> list[int]:
    return [int(pk) for pk in dict.fromkeys(re.findall(r'href="/alerts/(\d+)/"', html))]


def expected(queryset, *order) -> list[int]:
    return keyset_order(queryset, *order)


OPEN = Alert.objects.filter(status__in=OPEN_STATUSES)


@pytest.mark.parametrize(("params", "rows", "order"), [
    ({}, OPEN, ("-opened_on", "-id")),
    ({"ordering": "deadline"}, OPEN, ("deadline", "id")),  # nulls last
    ({"ordering": "-severity"}, OPEN, ("-severity", "-id")),
    ({"state": "closed", "ordering": "opened_on"}, Alert.objects.exclude(status__in=OPEN_STATUSES),
     ("opened_on", "id")),
])
def test_next_and_previous_reach_every_alert_once_in_the_order_asked(alerts, long_lists, params, rows, order):
    forward, backward = walk_by_cursor(client_as(make_user(("bureau_staff", "100000"))), "/alerts/list/",
                                       {"page_size": 20} | params, rows_of)
    assert all(len(page) == 20 for page in forward[:-1])
    assert sum(forward, []) == expected(rows.all(), *order)
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(alerts, long_lists):
    forward, _ = walk_by_cursor(client_as(make_user(("bureau_staff", "530102"))), "/alerts/list/",
                                {"page_size": 20}, rows_of)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(OPEN.filter(region_id="530102"), "-opened_on", "-id")


def test_a_damaged_page_link_shows_the_first_page_and_says_why(alerts, long_lists):
    client = client_as(make_user(("bureau_staff", "100000")))
    response = client.get("/alerts/list/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and rows_of(html) == expected(OPEN.all(), "-opened_on", "-id")[:20]


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(alerts):
    client = client_as(make_user(("bureau_staff", "100000")))
    html = client.get("/alerts/list/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(OPEN.all(), "-opened_on", "-id")[20:40]
