"""The offer list (/projects/offers/ — a million offers at national scale) pages by cursor once it is long: following
下一页 to the end and 上一页 back reaches every offer exactly once, newest first (ties by id), inside the user's
scope; a damaged page link shows the first page and says why; a short list keeps its page numbers. The other lists
of the projects pages (calls, applications, needs, experts) page the same way."""

import datetime
import re

import pytest
from django.utils import timezone

from socorg.core.testing import DAMAGED_CURSOR, client_as, make_user, walk_by_cursor
from socorg.party.tests.factories import make_org
from socorg.projects.models import Offer

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan
AT = timezone.make_aware(datetime.datetime(2026, 3, 2, 9, 30))


@pytest.fixture
def offers():
    """90 offers of three organizations, posted at three shared times."""
    orgs = [make_org(region) for region in REGIONS]
    made = Offer.objects.bulk_create(
        Offer(organization=orgs[n % 3], title=f"测试服务{n:03d}", categories=["elderly"], regions=["530102"],
              capacity=10, starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31))
        for n in range(90))
    for n in range(3):
        Offer.objects.filter(pk__in=[o.pk for o in made[n::3]]).update(created_at=AT + datetime.timedelta(hours=n))
    return made


def rows_of(html: str) -> list[str]:
    return re.findall(r"<tr><td>(测试服务\d{3})</td>", html)


def expected(queryset) -> list[str]:
    return list(queryset.order_by("-created_at", "-id").values_list("title", flat=True))


def nation():
    return client_as(make_user(("bureau_staff", "100000")))


def test_next_and_previous_reach_every_offer_once_newest_first(offers, long_lists):
    forward, backward = walk_by_cursor(nation(), "/projects/offers/", {"page_size": 20}, rows_of)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == expected(Offer.objects.all())
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(offers, long_lists):
    forward, _ = walk_by_cursor(client_as(make_user(("bureau_staff", "530102"))), "/projects/offers/",
                                {"page_size": 20}, rows_of)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == expected(Offer.objects.filter(organization__authority_region_id="530102"))


def test_a_damaged_page_link_shows_the_first_page_and_says_why(offers, long_lists):
    response = nation().get("/projects/offers/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and rows_of(html) == expected(Offer.objects.all())[:20]


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(offers):
    html = nation().get("/projects/offers/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rows_of(html) == expected(Offer.objects.all())[20:40]
