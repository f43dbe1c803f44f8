"""Regions: the drill-down page, search, the API with its filters, the home-page card."""

import re

import pytest
from django.test import Client

from socorg.core.home import cards_for
from socorg.core.testing import api_as, client_as, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer():
    return make_user(("viewer", "530000"))


def html(client, url) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200, url
    return response.content.decode()


def test_regions_entry_opens_the_users_own_province(viewer):
    response = client_as(viewer).get("/regions/")
    assert response.status_code == 302 and response["Location"] == "/regions/530000/"


def test_regions_entry_opens_the_nation_for_several_roots():
    user = make_user(("viewer", "530000"), ("viewer", "110000"))
    assert client_as(user).get("/regions/")["Location"] == "/regions/100000/"


def test_drill_down_province_prefecture_county_with_breadcrumbs(viewer):
    client = client_as(viewer)
    province = html(client, "/regions/530000/")
    assert "昆明市" in province and "/regions/530100/" in province
    assert "地级：16 个" in province and "共 129 个县级行政区" in province
    prefecture = html(client, "/regions/530100/")
    assert "五华区" in prefecture and '<a href="/regions/530000/">云南省</a>' in prefecture
    county = html(client, "/regions/530102/")
    breadcrumb = county[county.index('class="breadcrumb"'):county.index("</ol>")]
    assert [name in breadcrumb for name in ("中华人民共和国", "云南省", "昆明市", "五华区")] == [True] * 4
    assert "该行政区没有下级行政区" in county


def test_municipality_goes_straight_to_districts(viewer):
    page = html(client_as(viewer), "/regions/110000/")
    assert "东城区" in page and "/regions/110101/" in page


def test_county_level_unit_directly_under_a_province_is_listed(viewer):
    page = html(client_as(viewer), "/regions/420000/")
    assert "仙桃市" in page and "/regions/429004/" in page


def test_retired_codes_are_hidden_until_asked_for(viewer):
    client = client_as(viewer)
    default = html(client, "/regions/110000/")
    assert "崇文区" not in default and "显示 " in default
    with_retired = html(client, "/regions/110000/?retired=1")
    assert "崇文区" in with_retired and "2010-12-31" in with_retired and "隐藏已撤销代码" in with_retired


def test_retired_code_page_names_its_successor(viewer):
    page = html(client_as(viewer), "/regions/110103/")
    assert "该代码已于 2010-12-31 撤销" in page and "东城区" in page


def test_unknown_code_is_404(viewer):
    assert client_as(viewer).get("/regions/999999/").status_code == 404


@pytest.mark.parametrize(("query", "expected"), [("五华", "530102"), ("wuhua", "530102"), ("whq", "530102"),
                                                 ("5301", "530102"), ("Kunming", "530100")])
def test_search_by_name_pinyin_initials_or_code(query, expected, viewer):
    assert f"/regions/{expected}/" in html(client_as(viewer), f"/regions/?q={query}")


@pytest.mark.parametrize("query", ["532700", "5327", "崇文", "chongwen"])
def test_search_finds_retired_codes_by_default_marked_with_their_retirement(query, viewer):
    page = html(client_as(viewer), f"/regions/?q={query}")
    retired = "/regions/532700/" if query.startswith("53") else "/regions/110103/"
    assert retired in page
    row = page[page.index(retired) - 200:page.index(retired) + 300]
    assert 'class="text-muted"' in row and re.search(r"\d{4}-\d{2}-\d{2}", row)


def test_search_can_leave_retired_codes_out(viewer):
    assert "/regions/110103/" not in html(client_as(viewer), "/regions/?q=崇文&include_retired=false")


def test_listing_without_a_search_shows_units_in_force_unless_asked(viewer):
    client = client_as(viewer)
    assert "/regions/110103/" not in html(client, "/regions/?parent=110000")
    assert "/regions/110103/" in html(client, "/regions/?parent=110000&include_retired=true")


def test_api_search_finds_retired_codes_by_default(viewer):
    assert "532700" in codes(api_as(viewer).get("/api/v1/regions/?q=532700"))


def test_search_with_no_match_says_so(viewer):
    # (initials match anywhere, so "zzzzzz" would find 甘孜藏族自治州, gzzzzzz)
    assert "没有符合条件的行政区划" in html(client_as(viewer), "/regions/?q=qxqxqx")


def test_region_pages_need_login():
    assert Client().get("/regions/530000/").status_code == 302


def test_region_page_query_count_is_bounded(viewer, django_assert_max_num_queries):
    client = client_as(viewer)
    client.get("/regions/100000/")
    with django_assert_max_num_queries(10):
        client.get("/regions/100000/")


# --- API ---------------------------------------------------------------------------------------------------------

def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [r["code"] for r in response.json()["results"]]


def test_api_lists_provinces(viewer):
    result = codes(api_as(viewer).get("/api/v1/regions/?level=province&page_size=100"))
    assert len(result) == 34 and "530000" in result


@pytest.mark.parametrize(("query", "must", "must_not"), [
    ("parent=530100", "530102", "530302"),
    ("code_prefix=5301", "530102", "530302"),
    ("q=wuhua", "530102", "110101"),
    ("q=五华区", "530102", "110101"),
    ("level=county&code_prefix=42", "429004", "420100"),
])
def test_api_filters(query, must, must_not, viewer):
    result = codes(api_as(viewer).get(f"/api/v1/regions/?{query}&page_size=500"))
    assert must in result and must_not not in result


def test_api_counts_of_each_level(viewer):
    api = api_as(viewer)
    assert api.get("/api/v1/regions/?level=prefecture").json()["count"] == 333
    assert 2800 < api.get("/api/v1/regions/?level=county").json()["count"] < 2900


def test_api_hides_retired_codes_unless_included(viewer):
    api = api_as(viewer)
    assert "110103" not in codes(api.get("/api/v1/regions/?parent=110000"))
    assert "110103" in codes(api.get("/api/v1/regions/?parent=110000&include_retired=true"))


def test_api_detail_by_code_includes_retired_codes(viewer):
    api = api_as(viewer)
    current = api.get("/api/v1/regions/530102/").json()
    assert (current["name"], current["parent"], current["level"], current["is_retired"]) == (
        "五华区", "530100", "county", False)
    retired = api.get("/api/v1/regions/110103/").json()
    assert retired["is_retired"] is True and retired["valid_to"] == "2010-12-31" and retired["successor"] == "110101"


def test_api_unknown_code_is_404(viewer):
    assert api_as(viewer).get("/api/v1/regions/999999/").status_code == 404


def test_api_bad_filter_value_is_400(viewer):
    response = api_as(viewer).get("/api/v1/regions/?level=galaxy", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "level" in response.json()


def test_api_refuses_anonymous():
    assert Client().get("/api/v1/regions/").status_code == 401
    assert Client().get("/api/v1/regions/530000/").status_code == 401


def test_api_is_read_only(viewer):
    assert api_as(viewer).post("/api/v1/regions/", {"code": "999999"}).status_code == 405


def test_api_list_query_count_is_constant(viewer, django_assert_max_num_queries):
    api = api_as(viewer)
    with django_assert_max_num_queries(3):
        api.get("/api/v1/regions/?level=county&page_size=500")


# --- home card ---------------------------------------------------------------------------------------------------

def _region_card(user):
    return [c for c in cards_for(user) if c.url == "/regions/"]


def test_home_card_counts_counties_in_scope():
    assert _region_card(make_user(("viewer", "530000")))[0].value == 129
    assert _region_card(make_user(("viewer", "530100")))[0].value == 14
    assert _region_card(make_user(("viewer", "530102")))[0].value == 1
    nation = _region_card(make_user(("viewer", "100000")))[0].value
    assert 2800 < nation < 2900


def test_home_card_is_absent_without_any_role():
    assert _region_card(make_user()) == []


def test_regions_are_readable_by_any_active_account_and_changeable_by_none(viewer):
    from django.contrib.auth.models import AnonymousUser

    from socorg.regions.models import Region

    no_grants = make_user()
    assert Region.objects.visible_to(no_grants).filter(code="530102").exists()
    assert not Region.objects.visible_to(viewer, "change").exists()
    assert not Region.objects.visible_to(AnonymousUser()).exists()
    no_grants.is_active = False
    assert not Region.objects.visible_to(no_grants).exists()
    assert api_as(make_user()).get("/api/v1/regions/530102/").status_code == 200
    assert Client().get("/api/v1/regions/530102/").status_code in (401, 403)
