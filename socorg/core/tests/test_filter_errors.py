"""Bad filter values are never silently ignored: every list names the wrong value above the list (in Chinese, saying
what is expected), keeps the user's input in the form and lists nothing until it is corrected; the API answers 400
from the same FilterSet. The coverage dashboard says which query value it could not use."""

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user
from socorg.coverage.tests import builders

pytestmark = pytest.mark.django_db

LISTS = ["/orgs/", "/party/", "/party/members/", "/party/instructors/", "/activities/", "/alerts/list/"]


@pytest.fixture
def clerk():
    return make_user((Role.BUREAU_STAFF, "530000"))


@pytest.fixture
def org():
    return builders.register("530102")


def filter_errors(html: str) -> str:
    start = html.index('id="filter-errors"')
    return html[start:html.index("<form", start)]  # the error list ends where the form begins


@pytest.mark.parametrize("url", LISTS)
@pytest.mark.parametrize("value, expected", [("abc", "“abc”不是行政区划代码"),
                                             ("999999", "不存在代码为 999999 的行政区划")])
def test_a_bad_region_code_is_named_above_the_list_and_kept_in_the_form(url, value, expected, clerk):
    response = client_as(clerk).get(url, {"region": value})
    html = response.content.decode()
    assert response.status_code == 200
    errors = filter_errors(html)
    assert expected in errors and "530100" in errors
    assert f'name="region" value="{value}"' in html


def test_a_bad_region_lists_nothing_instead_of_everything(clerk, org):
    assert org.uscc in client_as(clerk).get("/orgs/").content.decode()
    html = client_as(clerk).get("/orgs/", {"region": "abc"}).content.decode()
    assert org.uscc not in html and "filter-errors" in html


def test_a_valid_region_shows_no_error(clerk, org):
    html = client_as(clerk).get("/orgs/", {"region": "530102"}).content.decode()
    assert org.uscc in html and "filter-errors" not in html


@pytest.mark.parametrize("url, params", [("/activities/", {"date_from": "garbage"}),
                                         ("/orgs/", {"status": "nonsense"}),
                                         ("/party/", {"parent": "1.5"})])
def test_other_bad_values_are_named_too(url, params, clerk):
    html = client_as(clerk).get(url, params).content.decode()
    assert "filter-errors" in html
    if "date_from" in params:
        assert "YYYY-MM-DD" in filter_errors(html)


def test_the_api_refuses_the_same_bad_value_with_400(clerk):
    response = api_as(clerk).get("/api/v1/orgs/", {"region": "abc"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and "“abc”不是行政区划代码" in response.json()["region"][0]


@pytest.mark.parametrize("params, named", [({"as_of": "garbage"}, "“garbage”"), ({"by": "colour"}, "“colour”"),
                                           ({"as_of": "2999-01-01"}, "“2999-01-01”")])
def test_the_coverage_dashboard_names_a_query_value_it_cannot_use(params, named, clerk):
    html = client_as(clerk).get("/coverage/", {"region": "530000", **params}).content.decode()
    alert = html[html.index("alert-danger"):]
    assert named in alert[:400] and "不使用该值" in alert[:400]


def test_a_valid_coverage_query_shows_no_message(clerk):
    html = client_as(clerk).get("/coverage/", {"region": "530000", "as_of": "2025-01-01"}).content.decode()
    assert "alert-danger" not in html
