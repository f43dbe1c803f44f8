"""/api/v1/complaints/: intake, every step, masked contact and the audited reveal, figures, scope."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.complaints.models import Complaint
from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, make_user, scope_cases

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints/"


def intake(org, **overrides):
    return {"channel": "letter", "category": "finances", "description": "会费收支不公开",
            "organization_uscc": org.uscc, "complainant_name": "李四", "complainant_phone": "13900001111"} | overrides


def test_the_whole_workflow_over_the_api(org, clerk, investigator):
    created = api_as(clerk).post(URL, intake(org), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "received" and len(body["lookup_code"]) == 8 and body["uscc"] == org.uscc
    assert body["complainant_phone"] == "139****1111" and body["complainant_name"] == "李*"
    url = f"{URL}{body['id']}/"
    assert "lookup_code" not in api_as(clerk).get(url).json()
    assert api_as(clerk).post(url + "accept/", {"accepted": True}, format="json").json()["status"] == "accepted"
    assigned = api_as(clerk).post(url + "assign/", {"assignee": investigator.username}, format="json")
    assert assigned.json()["assignee"] == investigator.username
    assert api_as(investigator).post(url + "investigate/", {"findings": "查阅账册"}, format="json").status_code == 200
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    concluded = api_as(investigator).post(url + "conclude/", {
        "outcome": "founded", "conclusion": "属实", "rectification_requirements": "公开会费收支",
        "rectification_deadline": deadline}, format="json")
    assert concluded.status_code == 200 and concluded.json()["rectification_deadline"] == deadline
    replied = api_as(clerk).post(url + "reply/", {"method": "phone", "reply": "已责令整改"}, format="json")
    assert replied.json()["status"] == "replied"


def test_bad_intake_answers_400_naming_the_fields_and_saves_nothing(org, clerk):
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    response = api_as(clerk).post(URL, intake(org, complainant_name="", complainant_phone="12",
                                              received_on=future), format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"complainant_name", "complainant_phone", "received_on"}
    assert not Complaint.objects.exists()


def test_an_unknown_credit_code_is_accepted_as_free_text_and_flagged(clerk):
    response = api_as(clerk).post(URL, {"channel": "visit", "category": "unregistered", "description": "无证办学",
                                        "organization_uscc": "51530102MJ0000001X", "organization_name": "某学堂",
                                        "region": "530102", "anonymous": True}, format="json")
    assert response.status_code == 201
    assert response.json()["organization_unknown"] is True and response.json()["uscc"] == "51530102MJ0000001X"


def test_the_public_channel_is_not_open_to_staff_over_the_api(org, clerk):
    response = api_as(clerk).post(URL, intake(org, channel="online"), format="json")
    assert response.status_code == 400 and "channel" in response.json()


def test_reveal_is_audited_and_needs_the_capability(org, clerk):
    pk = api_as(clerk).post(URL, intake(org), format="json").json()["id"]
    party = make_user((Role.PARTY_STAFF, "530102"))
    assert api_as(party).post(f"{URL}{pk}/reveal/").status_code in (403, 404)
    revealed = api_as(clerk).post(f"{URL}{pk}/reveal/")
    assert revealed.status_code == 200 and revealed.json()["complainant_phone"] == "13900001111"
    assert revealed["Cache-Control"].startswith("no-store")
    assert AuditEntry.objects.filter(action="complaints.complaint.reveal").count() == 1


def test_a_step_out_of_order_answers_400(org, clerk):
    pk = api_as(clerk).post(URL, intake(org), format="json").json()["id"]
    response = api_as(clerk).post(f"{URL}{pk}/conclude/", {"outcome": "unfounded", "conclusion": "x"}, format="json")
    assert response.status_code == 400 and "status" in response.json()


def test_figures_count_by_category_and_region(org, clerk):
    api_as(clerk).post(URL, intake(org), format="json")
    api_as(clerk).post(URL, intake(org, category="governance"), format="json")
    body = api_as(clerk).get(f"{URL}figures/?region=530100&year={timezone.localdate().year}").json()
    assert body["received"] == 2 and body["awaiting"] == 2
    assert {row["category"]: row["received"] for row in body["by_category"]} == {"finances": 1, "governance": 1}
    assert [(row["region"], row["received"]) for row in body["by_region"]] == [("530102", 2)]
    outsider = make_user((Role.BUREAU_STAFF, "530103"))
    assert api_as(outsider).get(f"{URL}figures/?region=530100").json()["received"] == 0


def test_list_filters_by_status_and_overdue(org, clerk):
    api_as(clerk).post(URL, intake(org), format="json")
    old = (timezone.localdate() - datetime.timedelta(days=60)).isoformat()
    api_as(clerk).post(URL, intake(org, received_on=old), format="json")
    assert api_as(clerk).get(f"{URL}?overdue=true").json()["count"] == 1
    assert api_as(clerk).get(f"{URL}?status=received").json()["count"] == 2
    assert api_as(clerk).get(f"{URL}?figure=overdue").json()["count"] == 1


@pytest.mark.parametrize("case", scope_cases(home="530102", view_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF},
                                             change_roles={Role.BUREAU_STAFF}), ids=str)
def test_complaint_scope(case, org, clerk):
    pk = api_as(clerk).post(URL, intake(org), format="json").json()["id"]
    response = api_as(case.user()).get(f"{URL}{pk}/")
    if case.sees:
        assert response.status_code == 200
    else:
        assert response.status_code in (403, 404)
    accept = api_as(case.user()).post(f"{URL}{pk}/accept/", {"accepted": True}, format="json")
    assert (accept.status_code == 200) is case.changes
