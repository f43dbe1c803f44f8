"""Organization list totals taken from the coverage app's maintained per-region counts (registry.totals) agree with
a plain COUNT(*) of the same rows, for every scope and every filter combination they answer."""

import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user
from socorg.registry import services
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db
URL = "/api/v1/orgs/"
DAY = datetime.date(2024, 5, 1)


@pytest.fixture
def spread(register, national_staff):
    for region, n in (("530102", 4), ("530103", 3), ("530403", 2), ("110101", 2)):
        for _ in range(n):
            register(region)
    services.org_deregister(org=register("530102"), date=DAY, reason="解散", actor=national_staff)
    services.org_revoke(org=register("530103"), date=DAY, reason="违法", actor=national_staff)
    services.org_deregister(org=register("110101"), date=DAY, reason="解散", actor=national_staff)
    # still registered (in the maintained counts) but not in normal status; and one more way of ending
    services.org_suspend(org=register("530102"), date=DAY, reason="限期停止活动三个月", actor=national_staff)
    services.org_revoke_certificate(org=register("530403"), date=DAY, reason="吊销", actor=national_staff)


USERS = {
    "nation": [(Role.BUREAU_STAFF, "100000")],
    "province": [(Role.BUREAU_STAFF, "530000")],
    "prefecture": [(Role.BUREAU_STAFF, "530100")],
    "county": [(Role.BUREAU_STAFF, "530102")],
    "county and another province": [(Role.BUREAU_STAFF, "530103"), (Role.VIEWER, "110000")],
}
QUERIES = ["", "status=active", "status=deregistered", "status=revoked", "region=530100",
           "region=530100&status=active", "region=530000&ordering=-name_pinyin", "region=100000"]


def expected(user, query: str) -> int:
    rows = SocialOrganization.objects.visible_to(user, "view")
    params = dict(p.split("=") for p in query.split("&") if p)
    if "status" in params:
        rows = rows.filter(status=params["status"])
    if params.get("region", "100000") != "100000":
        rows = rows.filter(authority_region__code__startswith=params["region"].rstrip("0"))
    return rows.count()


@pytest.mark.parametrize("query", QUERIES)
@pytest.mark.parametrize("who", USERS)
def test_api_total_from_maintained_counts_equals_a_recount(spread, who, query):
    user = make_user(*USERS[who])
    body = api_as(user).get(f"{URL}?{query}").json()
    assert (body["count"], body["count_is_exact"]) == (expected(user, query), True)


@pytest.mark.parametrize("query", ["", "status=active", "region=530100"])
def test_list_page_total_from_maintained_counts_equals_a_recount(spread, query):
    user = make_user((Role.BUREAU_STAFF, "530000"))
    page = client_as(user).get(f"/orgs/?{query}").context["page"]
    assert (page.paginator.count, page.paginator.count_is_exact) == (expected(user, query), True)


def test_unfiltered_total_is_one_query_over_the_counts_not_a_count_of_every_row(spread, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_as(make_user((Role.BUREAU_STAFF, "530000")))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).json()["count"] == 13
    (total,) = [q["sql"] for q in queries.captured_queries if "coverage_regioncounts" in q["sql"]]
    assert "LIMIT" not in total  # not the capped count either: the maintained counts answered


def test_other_filters_are_counted_directly(spread, register):
    register("530102", name="五华区围棋协会")
    body = api_as(make_user((Role.BUREAU_STAFF, "530000"))).get(f"{URL}?q=围棋").json()
    assert (body["count"], body["count_is_exact"], len(body["results"])) == (1, True, 1)


def test_unknown_region_is_refused_naming_the_code(spread):
    response = api_as(make_user((Role.BUREAU_STAFF, "530000"))).get(f"{URL}?region=999999")
    assert response.status_code == 400 and "999999" in response.json()["region"][0]
