"""Keyset pagination (socorg.core.keyset): `?cursor=` in the API and next/previous links on list pages reach every
row of a list exactly once, forward and back, inside the user's scope, whatever the sort order and however many
rows share a sort value."""

import base64
import datetime
import json
import re
from html import unescape
from urllib.parse import parse_qs

import pytest
from django.test import RequestFactory
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

from socorg.accounts.roles import Role
from socorg.core import pagination
from socorg.core.api.pagination import StandardPagination
from socorg.core.keyset import Keyset
from socorg.core.testing import api_as, client_as, make_user
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db

COUNTIES = ("530102", "530103")  # two counties of 昆明市
ELSEWHERE = "510104"  # a county of another province
DATES = (datetime.date(2020, 1, 1), datetime.date(2021, 6, 1), None)  # many ties, and rows without a date


@pytest.fixture
def orgs():
    """31 organizations: 12 in each Kunming county and 7 in Sichuan, registered on three dates (or none) and with
    few distinct member counts, so every sort value is shared by several rows."""
    made = []
    for n in range(31):
        region = ELSEWHERE if n >= 24 else COUNTIES[n % 2]
        made.append(SocialOrganization.objects.create(
            uscc=f"51{region}MJ{n:07d}X"[:18], name=f"测试协会{n:02d}", org_type="social_group",
            authority_region_id=region, authority_level="county", registered_on=DATES[n % 3],
            full_members=n % 4))
    return made


def nation():
    return api_as(make_user((Role.BUREAU_STAFF, "100000")))


def walk(client, url: str, params: dict) -> tuple[list[list[str]], list[str]]:
    """Follow `next` from the first page to the end; the pages (USCCs) and the `previous` link of each."""
    body = client.get(url, params).json()
    pages, previous = [[row["uscc"] for row in body["results"]]], [body["previous"]]
    while body["next"]:
        assert "cursor=" in body["next"]
        response = client.get(body["next"])
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([row["uscc"] for row in body["results"]])
        previous.append(body["previous"])
    return pages, previous


def expected(queryset, *order) -> list[str]:
    """The list's rows in the order asked, ties broken by id (what the cursor promises)."""
    return list(queryset.order_by(*order).values_list("uscc", flat=True))


ORDERINGS = [
    ("", ("authority_region_id", "uscc")),  # the list's default order
    ("registered_on", ("registered_on", "id")),  # nullable, with ties: nulls last
    ("-registered_on", ("-registered_on", "-id")),  # nulls first
    ("full_members", ("full_members", "id")),
    ("-full_members", ("-full_members", "-id")),
]


@pytest.mark.parametrize(("ordering", "order"), ORDERINGS)
def test_following_next_reaches_every_row_once_in_order_and_previous_walks_back(orgs, ordering, order):
    from django.db.models import F

    client = nation()
    params = {"page_size": 4, **({"ordering": ordering} if ordering else {})}
    pages, previous = walk(client, "/api/v1/orgs/", params)
    rows = [uscc for page in pages for uscc in page]
    keys = [F(o.lstrip("-")).desc(nulls_first=True) if o.startswith("-") else F(o).asc(nulls_last=True)
            for o in order]
    assert rows == expected(SocialOrganization.objects.all(), *keys)
    assert len(rows) == len(set(rows)) == 31 and [len(p) for p in pages] == [4] * 7 + [3]
    assert previous[0] is None
    # Back from the last page: each `previous` gives exactly the page before it.
    for index in range(len(pages) - 1, 0, -1):
        body = client.get(previous[index]).json()
        assert [row["uscc"] for row in body["results"]] == pages[index - 1]
    # The first page reached backwards has no previous page.
    assert client.get(previous[1]).json()["previous"] is None


def test_a_cursor_keeps_to_the_users_scope(orgs):
    county = api_as(make_user((Role.BUREAU_STAFF, COUNTIES[0])))
    pages, _previous = walk(county, "/api/v1/orgs/", {"page_size": 5})
    rows = [uscc for page in pages for uscc in page]
    assert rows == expected(SocialOrganization.objects.filter(authority_region_id=COUNTIES[0]), "uscc")
    # A cursor taken from the nation's list shows the county user only the county's rows after that position.
    first = nation().get("/api/v1/orgs/", {"page_size": 2}).json()
    body = county.get(first["next"]).json()
    assert {row["authority_region"] for row in body["results"]} <= {COUNTIES[0]}


def test_page_numbers_keep_working_and_lead_into_cursors(orgs):
    client = nation()
    by_page = client.get("/api/v1/orgs/", {"page_size": 4, "page": 2}).json()
    assert "cursor=" in by_page["next"] and "&page=" not in by_page["next"] and "?page=" not in by_page["next"]
    first = client.get("/api/v1/orgs/", {"page_size": 4}).json()
    assert client.get(by_page["previous"]).json()["results"] == first["results"]
    by_cursor = client.get(first["next"]).json()
    assert [r["uscc"] for r in by_cursor["results"]] == [r["uscc"] for r in by_page["results"]]
    assert (by_cursor["count"], by_cursor["count_is_exact"]) == (31, True)


def cursor_of(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "not-a-cursor",
    cursor_of({"o": "registered_on,id", "v": ["2020-01-01", 1]}),  # made for another order
    cursor_of({"o": "authority_region_id,uscc", "v": ["530102"]}),  # too few values
    cursor_of({"o": "authority_region_id,uscc", "v": [None, "X"]}),  # null where the key has none
    cursor_of({"o": "authority_region_id,uscc", "v": [["530102"], "X"]}),  # not a value
])
def test_a_bad_cursor_is_refused_with_400_in_chinese(orgs, cursor):
    response = nation().get("/api/v1/orgs/", {"cursor": cursor})
    assert response.status_code == 400
    (message,) = response.json()["cursor"]
    assert "第一页" in message


def test_a_value_of_the_wrong_type_is_refused(orgs):
    cursor = cursor_of({"o": "registered_on,id", "v": ["yesterday", 3]})
    response = nation().get("/api/v1/orgs/", {"cursor": cursor, "ordering": "registered_on"})
    assert response.status_code == 400 and "cursor" in response.json()


def test_an_order_a_cursor_cannot_follow_is_refused_and_pages_by_number():
    assert Keyset.of(Region.objects.order_by("?")) is None
    assert Keyset.of(Region.objects.values("code")) is None  # rows as dicts
    assert Keyset.of(list(Region.objects.all()[:3])) is None
    request = Request(RequestFactory().get("/api/v1/regions/", {"cursor": "abc"}))
    with pytest.raises(ValidationError) as refused:
        StandardPagination().paginate_queryset(Region.objects.order_by("?"), request)
    assert "cursor" in refused.value.detail
    paginator = StandardPagination()
    request = Request(RequestFactory().get("/api/v1/regions/", {"page_size": 2}))
    assert len(paginator.paginate_queryset(Region.objects.order_by("?"), request)) == 2
    assert "page=2" in paginator.get_next_link()


def test_the_schema_describes_the_cursor():
    schema = nation().get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/orgs/"]["get"]["parameters"]}
    assert {"cursor", "page", "page_size"} <= names


# --- list pages -------------------------------------------------------------------------------------------------

LINK = re.compile(r'href="\?([^"]*)" rel="(next|prev)"')


def links(html: str) -> dict[str, str]:
    return {rel: unescape(query) for query, rel in LINK.findall(html)}


def rows_on(html: str) -> list[str]:
    return list(dict.fromkeys(re.findall(r"/orgs/(\w{18})/", html)))  # each row links its code twice


def test_a_long_list_page_has_next_and_previous_links_by_cursor(orgs, monkeypatch):
    monkeypatch.setattr(pagination, "NUMBERED_PAGES", 1)  # 31 rows in pages of 20 count as a long list
    client = client_as(make_user((Role.BUREAU_STAFF, "100000")))
    first = client.get("/orgs/", {"page_size": 20, "ordering": "-registered_on"}).content.decode()
    assert set(links(first)) == {"next"}
    second_query = links(first)["next"]
    assert "cursor" in parse_qs(second_query) and parse_qs(second_query)["ordering"] == ["-registered_on"]
    second = client.get(f"/orgs/?{second_query}").content.decode()
    assert set(links(second)) == {"prev"}
    seen = rows_on(first) + rows_on(second)
    assert len(seen) == len(set(seen)) == 31
    back = client.get(f"/orgs/?{links(second)['prev']}").content.decode()
    assert rows_on(back) == rows_on(first)


def test_a_short_list_page_keeps_page_numbers(orgs):
    client = client_as(make_user((Role.BUREAU_STAFF, "100000")))
    html = client.get("/orgs/", {"page_size": 20}).content.decode()
    assert "cursor=" not in html and 'id="page-jump"' in html and "1 / 2" in html


def test_a_damaged_cursor_on_a_page_shows_the_first_page_and_says_why(orgs):
    client = client_as(make_user((Role.BUREAU_STAFF, "100000")))
    response = client.get("/orgs/", {"cursor": "garbage", "page_size": 20})
    assert response.status_code == 200
    html = response.content.decode()
    assert "第一页" in html and len(rows_on(html)) == 20
