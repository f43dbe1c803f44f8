"""Alert pages and API: scoped reads, the board's figures, rule settings page, query counts."""

import datetime

import pytest
from django.utils import timezone

from socorg.activities.models import Activity
from socorg.alerts.config import rule_config
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.core.testing import api_as, client_as, make_user

from .factories import AS_OF, healthy_branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def alerts():
    for region in ("530102", "530102", "110101"):
        party_org, _org = healthy_branch(region)
        Activity.objects.filter(party_org=party_org, type="member_assembly").delete()
    healthy_branch("530102")
    run_scan(as_of=AS_OF)
    return Alert.objects.order_by("pk")


def test_county_user_cannot_see_other_province_alert(alerts):
    beijing = alerts.get(region_id="110101")
    viewer = make_user(("viewer", "530102"))
    assert client_as(viewer).get(f"/alerts/{beijing.pk}/").status_code == 404
    assert api_as(viewer).get(f"/api/v1/alerts/{beijing.pk}/").status_code == 404
    yunnan = alerts.filter(region_id="530102").first()
    page = client_as(viewer).get(f"/alerts/{yunnan.pk}/").content.decode()
    assert "第十一条" in page and "2025年第二季度" in page and "2025Q2" not in page


def test_board_counts_red_amber_green_per_child_region(alerts):
    user = make_user(("party_staff", "530100"))
    response = client_as(user).get("/alerts/?region=530100")
    assert response.status_code == 200
    row = next(r for r in response.context["rows"] if r.region.code == "530102")
    assert (row.party_orgs, row.red, row.amber, row.green) == (3, 0, 2, 1)
    assert client_as(user).get("/alerts/?region=110000").status_code == 404


def test_api_list_is_scoped_filtered_and_has_constant_queries(alerts, django_assert_max_num_queries):
    client = api_as(make_user(("party_staff", "530000")))
    with django_assert_max_num_queries(5):
        body = client.get("/api/v1/alerts/?state=open&rule=member_assembly_shortfall").json()
    assert body["count"] == 2
    assert {a["subject_type"] for a in body["results"]} == {"party_org"}


def test_api_assign_and_submit_round_trip(alerts):
    alert = alerts.filter(region_id="530102").first()
    staff = make_user(("party_staff", "530102"))
    branch = make_user(("org_account", "530102"), organization=alert.party_org.coverages.get().organization)
    deadline = (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    response = api_as(staff).post(f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": branch.username,
                                                                         "deadline": deadline}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "assigned"
    response = api_as(branch).post(f"/api/v1/alerts/{alert.pk}/submit/", {"note": ""}, format="json")
    assert response.status_code == 400 and "整改情况" in response.json()["note"][0]
    response = api_as(branch).post(f"/api/v1/alerts/{alert.pk}/submit/", {"note": "已召开"}, format="json")
    assert response.json()["status"] == "submitted"
    assert api_as(branch).post(f"/api/v1/alerts/{alert.pk}/accept/", {}, format="json").status_code == 403


def test_rule_settings_page_is_read_only_below_national_level(alerts):
    county = client_as(make_user(("party_staff", "530102")))
    assert "第十一条" in county.get("/alerts/rules/").content.decode()
    assert county.get("/alerts/rules/secretary_vacant/").status_code == 403
    national = client_as(make_user(("party_staff", "100000")))
    form = national.get("/alerts/rules/secretary_vacant/").content.decode()
    assert 'name="param_months"' in form and "允许空缺的月数" in form  # one labelled field per parameter, no JSON
    response = national.post("/alerts/rules/secretary_vacant/", {"enabled": "on", "severity": "high",
                                                                 "param_months": "99"})
    assert response.status_code == 200 and "24" in response.content.decode()
    response = national.post("/alerts/rules/secretary_vacant/", {"enabled": "on", "severity": "high",
                                                                 "param_months": "6"})
    assert response.status_code == 302
    assert rule_config("secretary_vacant").params["months"] == 6


def test_home_page_shows_open_alerts_card(alerts):
    response = client_as(make_user(("viewer", "530102"))).get("/")
    assert "未关闭预警" in response.content.decode()
