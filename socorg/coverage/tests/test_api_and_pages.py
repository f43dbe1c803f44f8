"""API and dashboard: same figures as the command, scoped to the user's subtree, every number traceable."""

import io
import re

import pytest
from openpyxl import load_workbook

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, client_as, make_user, scope_cases
from socorg.coverage.queries import region_figures

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def yunnan_data():
    covered = b.register("530102", full_members=4)
    b.found([covered])
    b.register("530102")
    b.register("530302")
    b.register("530000")
    return covered


def test_api_returns_the_same_json_as_the_queries(region, yunnan_data):
    user = make_user((Role.BUREAU_STAFF, "530000"))
    response = api_as(user).get("/api/v1/coverage/", {"region": "530000"})
    assert response.status_code == 200
    assert response.json() == region_figures(region("530000")).as_json()
    assert response.json()["direct"]["totals"]["orgs"] == 1


def test_api_defaults_to_the_users_region(yunnan_data):
    response = api_as(make_user((Role.VIEWER, "530100"))).get("/api/v1/coverage/")
    assert response.json()["region"]["code"] == "530100"


@pytest.mark.parametrize("case", scope_cases(home="530102", change_roles=set()), ids=str)
def test_figures_of_a_county_follow_the_scope_matrix(case, yunnan_data):
    response = api_as(case.user()).get("/api/v1/coverage/", {"region": "530102"})
    if case.role is None or case.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN):
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if case.sees else 404)


def test_county_user_asking_for_the_province_gets_404(yunnan_data):
    client = api_as(make_user((Role.BUREAU_STAFF, "530102")))
    assert client.get("/api/v1/coverage/", {"region": "530000"}).status_code == 404
    assert client.get("/api/v1/coverage/orgs/", {"region": "530000"}).status_code == 404
    assert client_as(make_user((Role.BUREAU_STAFF, "530102"))).get("/coverage/?region=530000").status_code == 404


@pytest.mark.parametrize(("params", "field"), [
    ({"by": "colour"}, "by"), ({"as_of": "2026-02-30"}, "as_of"), ({"as_of": "2999-01-01"}, "as_of"),
])
def test_bad_query_parameters_name_the_field(params, field):
    response = api_as(make_user((Role.VIEWER, "530000"))).get("/api/v1/coverage/", params)
    assert response.status_code == 400 and field in response.json()


def test_orgs_behind_a_number_match_the_number(yunnan_data):
    client = api_as(make_user((Role.VIEWER, "530000")))
    figures = client.get("/api/v1/coverage/", {"region": "530000"}).json()
    for measure, count in [("all", "orgs"), ("org_uncovered", "org_uncovered"), ("standalone", "standalone"),
                           ("should_build", "should_build"), ("work_uncovered", "work_uncovered")]:
        listed = client.get("/api/v1/coverage/orgs/", {"region": "530000", "measure": measure}).json()
        assert listed["count"] == figures["totals"][count], measure
    direct = client.get("/api/v1/coverage/orgs/", {"region": "530000", "direct": "true"}).json()
    assert direct["count"] == figures["direct"]["totals"]["orgs"] == 1
    assert client.get("/api/v1/coverage/orgs/", {"measure": "nonsense"}).status_code == 400


def test_orgs_list_query_count_does_not_grow_with_rows(django_assert_max_num_queries):
    for _ in range(12):
        b.register("530102")
    client = api_as(make_user((Role.VIEWER, "530000")))
    client.get("/api/v1/coverage/orgs/", {"region": "530000"})  # warm the grant cache path
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/coverage/orgs/", {"region": "530000"})
    assert response.json()["count"] == 12


def test_figures_query_count_is_constant(django_assert_max_num_queries, yunnan_data):
    client = api_as(make_user((Role.VIEWER, "100000")))
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/coverage/", {"region": "100000"}).status_code == 200


def test_orgs_export_is_a_formatted_workbook(yunnan_data):
    response = api_as(make_user((Role.VIEWER, "530000"))).get(
        "/api/v1/coverage/orgs/", {"region": "530000", "measure": "org_uncovered", "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "C3"
    assert sheet["A2"].font.bold and len(list(sheet.iter_rows(min_row=3))) == 3
    title = " ".join(str(cell.value) for cell in sheet[1] if cell.value)
    assert "未实现组织覆盖" in title
    assert "org_uncovered" not in title  # the measure's name, not its code


def test_dashboard_shows_cards_table_charts_and_links_every_number(yunnan_data):
    client = client_as(make_user((Role.BUREAU_STAFF, "530000")))
    response = client.get("/coverage/", {"region": "530000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="coverage-bar"' in html and 'id="coverage-trend"' in html and "echarts.min.js" in html
    table = html[html.index('id="coverage-table"'):html.index("</table>", html.index('id="coverage-table"'))]
    rows = re.findall(r"<tr class=\"[^\"]*\" data-kind=\"(\w+)\"", table)
    assert rows[0] == "direct" and rows[-1] == "total"
    # every count cell holds a link; only the rate columns are plain text
    cells = re.findall(r'<td class="text-end( text-primary)?">(.*?)</td>', table)
    assert all(rate or text.startswith("<a ") for rate, text in cells)
    link = re.search(r'href="(/coverage/orgs/\?region=530100&amp;measure=org_covered)"', table).group(1)
    page = client.get(link.replace("&amp;", "&"))
    assert page.status_code == 200 and "测试社会组织" in page.content.decode()
    assert client.get("/coverage/", {"region": "530000", "as_of": "2025-01-01"}).status_code == 200
    assert client.get("/coverage/", {"region": "530000", "by": "type"}).status_code == 200


def test_dashboard_export_is_a_formatted_sheet_with_own_level_first(yunnan_data):
    response = client_as(make_user((Role.VIEWER, "530000"))).get("/coverage/export/", {"region": "530000"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "C3" and sheet["A2"].font.bold
    assert sheet["B3"].value == "530000" and sheet["C3"].value == 1
    assert sheet["E3"].number_format == "0.0%"


def test_party_org_page_lists_the_party_orgs_counted(yunnan_data):
    response = client_as(make_user((Role.VIEWER, "530000"))).get("/coverage/party-orgs/", {"region": "530102"})
    assert response.status_code == 200 and "测试党组织" in response.content.decode()


def test_users_without_coverage_rights_are_refused():
    admin = make_user((Role.SYSTEM_ADMIN, "100000"))
    assert client_as(admin).get("/coverage/").status_code == 403
    assert client_as(None).get("/coverage/").status_code == 302


@pytest.mark.parametrize(("params", "field"), [
    ({"measure": "nonsense"}, "measure"), ({"direct": "maybe"}, "direct"), ({"as_of": "2999-01-01"}, "as_of"),
    ({"as_of": "not-a-date"}, "as_of"), ({"responsible": "999999"}, "responsible"),
    ({"responsible": "x"}, "responsible"), ({"group_by": "region"}, "group_by"), ({"region": "53\x00000"}, "region"),
])
def test_the_orgs_list_filterset_names_the_bad_parameter_and_lists_nothing(params, field):
    """The organizations behind a number filter through core.filters.FilterSet like every list: 400 naming it."""
    response = api_as(make_user((Role.VIEWER, "530000"))).get("/api/v1/coverage/orgs/", params)
    assert response.status_code == 400 and list(response.json()) == [field]


def test_the_orgs_list_takes_direct_as_true_or_1(yunnan_data):
    client = api_as(make_user((Role.VIEWER, "530000")))
    as_true = client.get("/api/v1/coverage/orgs/", {"region": "530000", "direct": "true"}).json()["count"]
    assert client.get("/api/v1/coverage/orgs/", {"region": "530000", "direct": "1"}).json()["count"] == as_true
    everything = client.get("/api/v1/coverage/orgs/", {"region": "530000", "direct": "false"}).json()["count"]
    assert everything > as_true
