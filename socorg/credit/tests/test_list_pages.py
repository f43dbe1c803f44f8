"""The credit list (/credit/) and the penalty list (/credit/penalties/) page by cursor once they are long: following
下一页 to the end and 上一页 back reaches every row exactly once, in the order asked (ties by id), inside the user's
scope and the default filter (entries in force); a damaged page link shows the first page and says why; a short list
keeps its page numbers."""

import datetime
import re

import pytest

from socorg.core.testing import DAMAGED_CURSOR, client_as, keyset_order, make_user, walk_by_cursor
from socorg.credit.models import CreditEntry, Penalty
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan
DAYS = (datetime.date(2025, 3, 3), datetime.date(2025, 5, 12), datetime.date(2025, 5, 12))  # ties


@pytest.fixture
def orgs():
    return [make_org(region) for region in REGIONS]


@pytest.fixture
def entries(orgs):
    """120 entries about three organizations, decided on three dates; every fourth was removed (not in force)."""
    return CreditEntry.objects.bulk_create(
        CreditEntry(organization=orgs[n % 3], list="abnormal", reason="annual_report_missing",
                    decision_no=f"测试决定{n:03d}", decided_on=DAYS[n % 3], entered_on=DAYS[n % 3],
                    entry_due_on=DAYS[n % 3] + datetime.timedelta(days=7 + n % 2),
                    removed_on=DAYS[n % 3] + datetime.timedelta(days=30) if n % 4 == 3 else None,
                    removal_kind="rectified" if n % 4 == 3 else "")
        for n in range(120))


@pytest.fixture
def penalties(orgs):
    return Penalty.objects.bulk_create(
        Penalty(organization=orgs[n % 3], kind="warning", decision_no=f"罚字P{n:04d}", decided_on=DAYS[n % 3],
                facts="测试", legal_basis="测试", issuing_authority="测试局")
        for n in range(90))


def entry_rows(html: str) -> list[int]:
    return [int(pk) for pk in dict.fromkeys(re.findall(r'href="/credit/(\d+)/"', html))]


def penalty_rows(html: str) -> list[int]:
    by_number = dict(Penalty.objects.values_list("decision_no", "pk"))
    return [by_number[number] for number in re.findall(r"<td>(罚字P\d{4})</td>", html)]


def expected(queryset, *order) -> list[int]:
    return keyset_order(queryset, *order)


IN_FORCE = CreditEntry.objects.filter(removed_on__isnull=True)


def nation():
    return client_as(make_user(("bureau_staff", "100000")))


@pytest.mark.parametrize(("params", "order"), [
    ({}, ("-decided_on", "-id")),
    ({"ordering": "entry_due_on"}, ("entry_due_on", "id")),
    ({"ordering": "-organization"}, ("-organization__name_pinyin", "-id")),
])
def test_next_and_previous_reach_every_entry_in_force_once_in_the_order_asked(entries, long_lists, params, order):
    forward, backward = walk_by_cursor(nation(), "/credit/", {"page_size": 20} | params, entry_rows)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(IN_FORCE.all(), *order)
    assert backward == forward


def test_next_and_previous_reach_every_penalty_once(penalties, long_lists):
    forward, backward = walk_by_cursor(nation(), "/credit/penalties/", {"page_size": 20}, penalty_rows)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(Penalty.objects.all(), "-decided_on", "-id")
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(entries, penalties, long_lists):
    county = client_as(make_user(("bureau_staff", "530102")))
    forward, _ = walk_by_cursor(county, "/credit/", {"page_size": 20}, entry_rows)
    assert sum(forward, []) == expected(IN_FORCE.filter(organization__authority_region_id="530102"),
                                        "-decided_on", "-id")
    forward, _ = walk_by_cursor(county, "/credit/penalties/", {"page_size": 20}, penalty_rows)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(Penalty.objects.filter(organization__authority_region_id="530102"),
                                        "-decided_on", "-id")


@pytest.mark.parametrize(("path", "rows_of"), [("/credit/", entry_rows), ("/credit/penalties/", penalty_rows)])
def test_a_damaged_page_link_shows_the_first_page_and_says_why(entries, penalties, long_lists, path, rows_of):
    response = nation().get(path, {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and len(rows_of(html)) == 20


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(entries):
    html = nation().get("/credit/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert entry_rows(html) == expected(IN_FORCE.all(), "-decided_on", "-id")[20:40]
