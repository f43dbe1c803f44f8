"""BoundedPaginator and the API's StandardPagination: exact counts up to a cap, bounded cost above it."""

import pytest
from django.core.paginator import EmptyPage

from socorg.accounts.roles import Role
from socorg.core import pagination
from socorg.core.pagination import BoundedPaginator
from socorg.core.testing import api_as, make_user
from socorg.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def cap_of_five(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 5)


def regions(n: int):
    codes = list(Region.objects.order_by("code").values_list("code", flat=True)[:n])
    return Region.objects.filter(code__in=codes).order_by("code")


def test_count_is_exact_up_to_the_cap(cap_of_five):
    paginator = BoundedPaginator(regions(5), 2)
    assert (paginator.count, paginator.count_is_exact, paginator.num_pages) == (5, True, 3)


def test_above_the_cap_the_count_is_the_cap_and_marked_inexact(cap_of_five):
    paginator = BoundedPaginator(Region.objects.all(), 2)
    assert (paginator.count, paginator.count_is_exact, paginator.num_pages) == (5, False, 3)
    assert [r.code for r in paginator.page(3)] == list(Region.objects.values_list("code", flat=True)[4:5])
    with pytest.raises(EmptyPage):
        paginator.page(4)  # rows beyond the cap are not paged through
    assert paginator.get_page(999).number == 3


def test_counting_reads_at_most_cap_plus_one_keys(cap_of_five, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert BoundedPaginator(Region.objects.order_by("name"), 2).count == 5
    (sql,) = [q["sql"] for q in queries.captured_queries]
    assert "LIMIT 6" in sql and "ORDER BY" not in sql


def test_an_exact_total_from_the_caller_is_used_without_counting(django_assert_num_queries):
    with django_assert_num_queries(0):
        paginator = BoundedPaginator(Region.objects.all(), 50, exact_count=lambda: 123_456)
        assert (paginator.count, paginator.count_is_exact) == (123_456, True)


def test_numbered_pages_reach_the_cap_even_when_the_total_is_exact(cap_of_five):
    paginator = BoundedPaginator(Region.objects.order_by("code"), 2, exact_count=lambda: 123_456)
    assert (paginator.count, paginator.num_pages) == (123_456, 3)  # page 3 holds row 5: no OFFSET beyond the cap
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_a_caller_that_cannot_answer_falls_back_to_the_capped_count(cap_of_five):
    paginator = BoundedPaginator(regions(3), 2, exact_count=lambda: None)
    assert (paginator.count, paginator.count_is_exact) == (3, True)


def test_lists_are_counted_exactly():
    paginator = BoundedPaginator(list(range(12_000)), 50)
    assert (paginator.count, paginator.count_is_exact) == (12_000, True)


@pytest.fixture
def three_numbered_pages(monkeypatch):
    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 3)


# --- the API --------------------------------------------------------------------------------------------------------

def test_api_lists_say_whether_the_count_is_exact(cap_of_five):
    client = api_as(make_user((Role.BUREAU_STAFF, "100000")))
    body = client.get("/api/v1/regions/", {"page_size": 2}).json()
    assert (body["count"], body["count_is_exact"]) == (5, False)
    body = client.get("/api/v1/regions/", {"page_size": 2, "q": "五华区"}).json()
    assert body["count_is_exact"] is True and body["count"] == len(body["results"]) >= 1


def test_api_lists_count_beyond_the_list_pages_numbered_pages(three_numbered_pages):
    """The API's count is a published figure (scripts page by number through it): it does not stop at the 20
    numbered pages of a list page."""
    client = api_as(make_user((Role.BUREAU_STAFF, "100000")))
    body = client.get("/api/v1/regions/", {"page_size": 2, "level": "county"}).json()
    assert body["count_is_exact"] is True and body["count"] > 6
    assert client.get("/api/v1/regions/", {"page_size": 2, "level": "county", "page": 100}).status_code == 200


def test_api_page_beyond_the_cap_is_404_with_an_explanation(cap_of_five):
    client = api_as(make_user((Role.BUREAU_STAFF, "100000")))
    assert client.get("/api/v1/regions/", {"page_size": 2, "page": 3}).status_code == 200
    response = client.get("/api/v1/regions/", {"page_size": 2, "page": 4})
    assert response.status_code == 404
    assert "5" in response.json()["detail"] and "筛选" in response.json()["detail"]
    response = client.get("/api/v1/regions/", {"page_size": 2, "page": 4}, HTTP_ACCEPT_LANGUAGE="en")
    assert "narrow the filters" in response.json()["detail"]
