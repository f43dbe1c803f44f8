"""The star-rating list (/ratings/), the evaluation list (/ratings/evaluations/) and an evaluation round's list
(/ratings/evaluations/round/) page by cursor once they are long: following 下一页 to the end and 上一页 back reaches
every row exactly once, in the order asked (ties by party organization and id), inside the user's scope; a damaged
page link shows the first page and says why; a short list keeps its page numbers."""

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from socorg.core.testing import DAMAGED_CURSOR, client_as, keyset_order, make_user, walk_by_cursor
from socorg.party.models import PartyOrganization
from socorg.party.tests.factories import make_org
from socorg.ratings.models import EvaluationGrade, Rating
from socorg.ratings.queries import scorecard_for

pytestmark = pytest.mark.django_db

REGIONS = ("530102", "530103", "510104")  # two Kunming counties, one in Sichuan
CYCLE = timezone.localdate().year - 1  # the list's default cycle


@pytest.fixture
def ratings():
    """90 ratings of last year's cycle (and 9 of the year before, never listed) with few distinct point totals."""
    scorecard = scorecard_for("star", CYCLE)
    branches = [PartyOrganization.objects.create(name=f"测试党支部{n:02d}", kind="branch", formation="standalone",
                                                 region_id=REGIONS[n % 3], founded_on=datetime.date(2020, 1, 1))
                for n in range(90)]
    return Rating.objects.bulk_create(
        Rating(party_org=branch, cycle=cycle, region_id=branch.region_id, scorecard=scorecard,
               as_of=datetime.date(cycle, 12, 31), total_points=Decimal(80 + n % 4), stars=n % 3)
        for n, branch in enumerate(branches) for cycle in ((CYCLE, CYCLE - 1) if n % 10 == 0 else (CYCLE,)))


def rating_rows(html: str) -> list[int]:
    return [int(pk) for pk in dict.fromkeys(re.findall(rf'href="/ratings/(\d+)/{CYCLE}/"', html))]


def by_party_org(queryset, *order) -> list[int]:
    return keyset_order(queryset, *order, field="party_org_id")


def nation():
    return client_as(make_user(("party_staff", "100000")))


@pytest.mark.parametrize(("params", "order"), [
    ({}, ("-total_points", "party_org_id", "id")),
    ({"ordering": "-stars"}, ("-stars", "-id")),
    ({"ordering": "party_org"}, ("party_org__name_pinyin", "id")),
])
def test_next_and_previous_reach_every_rating_of_the_cycle_once_in_the_order_asked(ratings, long_lists, params,
                                                                                   order):
    forward, backward = walk_by_cursor(nation(), "/ratings/", {"page_size": 20} | params, rating_rows)
    assert [len(page) for page in forward] == [20, 20, 20, 20, 10]
    assert sum(forward, []) == by_party_org(Rating.objects.filter(cycle=CYCLE), *order)
    assert backward == forward


def test_the_county_user_pages_through_their_county_only(ratings, long_lists):
    forward, _ = walk_by_cursor(client_as(make_user(("party_staff", "530102"))), "/ratings/", {"page_size": 20},
                                rating_rows)
    assert [len(page) for page in forward] == [20, 10]
    assert sum(forward, []) == by_party_org(Rating.objects.filter(cycle=CYCLE, region_id="530102"),
                                            "-total_points", "party_org_id", "id")


def test_a_damaged_page_link_shows_the_first_page_and_says_why(ratings, long_lists):
    response = nation().get("/ratings/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert DAMAGED_CURSOR in html and len(rating_rows(html)) == 20


def test_a_short_list_keeps_page_numbers_and_page_addresses_work(ratings):
    html = nation().get("/ratings/", {"page_size": 20, "page": 2}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "2 / 5" in html
    assert rating_rows(html) == by_party_org(Rating.objects.filter(cycle=CYCLE),
                                             "-total_points", "party_org_id", "id")[20:40]


def uscc_rows(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r'href="/ratings/evaluations/(\w{18})/"', html)))


def test_the_evaluation_list_and_a_rounds_list_reach_every_row_once_in_order(long_lists):
    orgs = [make_org(REGIONS[n % 3]) for n in range(45)]
    EvaluationGrade.objects.bulk_create(
        EvaluationGrade(organization=org, grade="3A", valid_from=datetime.date(2024 - n % 3, 1, 1),
                        valid_to=datetime.date(2030, 1, 1), decision_number=f"评字{n}")
        for n, org in enumerate(orgs))
    client = nation()
    forward, backward = walk_by_cursor(client, "/ratings/evaluations/", {"page_size": 20}, uscc_rows)
    assert sum(forward, []) == list(EvaluationGrade.objects.order_by("-valid_from", "id")
                                    .values_list("organization__uscc", flat=True))
    assert backward == forward and len(forward) == 3
    forward, backward = walk_by_cursor(client, "/ratings/evaluations/round/", {"page_size": 20, "region": "530000"},
                                       uscc_rows)
    assert sum(forward, []) == sorted(o.uscc for o in orgs if o.authority_region_id.startswith("53"))
    assert backward == forward and len(forward) == 2
