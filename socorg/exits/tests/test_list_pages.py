"""The exit-screening case list (/exits/) pages by cursor once it is long: following 下一页 to the end and 上一页 back
reaches every case exactly once, in the list's order (the organization's region, then its credit code, ties by id —
an organization may have several closed cases), inside the user's scope; a damaged page link shows the first page
and says why; a short list keeps its page numbers."""

import datetime
import re

import pytest

from socorg.core.testing import DAMAGED_CURSOR, client_as, make_user, walk_by_cursor
from socorg.exits.models import ScreeningCase, ScreeningRun
from socorg.party.tests.factories import make_org

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan
ORDER = ("organization__authority_region_id", "organization__uscc", "id")


@pytest.fixture
def cases():
    """90 cases about 30 organizations of three counties: three cases each (two closed, one open)."""
    run = ScreeningRun.objects.create(region_id="100000", as_of=datetime.date(2025, 6, 30))
    orgs = [make_org(REGIONS[n % 3]) for n in range(30)]
    return ScreeningCase.objects.bulk_create(
        ScreeningCase(run=run, organization=orgs[n % 30], status="open" if n < 30 else "rectified",
                      closed_on=None if n < 30 else datetime.date(2025, 7, 1))
        for n in range(90))


def rows_of(html: str) -> list[int]:
    return [int(pk) for pk in dict.fromkeys(re.findall(r'href="/exits/(\d+)/"', html))]


def expected(queryset) -> list[int]:
    return list(queryset.order_by(*ORDER).values_list("pk", flat=True))


def nation():
    return client_as(make_user(("bureau_staff", "100000")))


def test_next_and_previous_reach_every_case_once_in_order(cases, long_lists):
    forward, backward = walk_by_cursor(nation(), "/exits/", {"page_size": 20}, rows_of)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(ScreeningCase.objects.all())
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(cases, long_lists):
    forward, _ = walk_by_cursor(client_as(make_user(("bureau_staff", "530102"))), "/exits/", {"page_size": 20},
                                rows_of)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(ScreeningCase.objects.filter(organization__authority_region_id="530102"))


def test_a_damaged_page_link_shows_the_first_page_and_says_why(cases, long_lists):
    response = nation().get("/exits/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and rows_of(html) == expected(ScreeningCase.objects.all())[:20]


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(cases):
    html = nation().get("/exits/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(ScreeningCase.objects.all())[20:40]
