"""The API as named in issue #16: the ratings list and its filters, one rating with criteria, points, evidence and
status, its workflow steps (scope: outside 404, seen but not allowed 403), eligibility, recording a grade."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user, scope_cases
from socorg.ratings import services
from socorg.ratings.models import EvaluationGrade

from .conftest import CYCLE, submitted_report
from .test_services import CLAIMS, own_account

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(model, weak):
    services.rate_cycle(cycle=CYCLE, region_prefix="530102")
    return {"model": model, "weak": weak}


def url(branch, step=""):
    return f"/api/v1/party-orgs/{branch.pk}/ratings/{CYCLE}/" + (f"{step}/" if step else "")


def claims_body():
    return {"criteria": [{"code": code, **{k: str(v) for k, v in item.items()}} for code, item in CLAIMS.items()]}


def test_the_list_filters_by_cycle_region_and_stars(rated):
    client = api_as(make_user((Role.VIEWER, "530000")))
    rows = client.get("/api/v1/ratings/", {"cycle": CYCLE, "region": "530102"}).json()["results"]
    assert {r["party_org_name"] for r in rows} == {"五华区模范科技协会党支部", "五华区薄弱商会联合党支部"}
    four = client.get("/api/v1/ratings/", {"cycle": CYCLE, "stars": "4"}).json()["results"]
    assert [r["party_org_name"] for r in four] == ["五华区模范科技协会党支部"]
    assert client.get("/api/v1/ratings/", {"cycle": CYCLE, "region": "110000"}).json()["results"] == []
    assert client.get("/api/v1/ratings/", {"stars": "9"}).status_code == 400


def test_one_rating_carries_criteria_points_evidence_and_status(rated):
    body = api_as(make_user((Role.VIEWER, "530102"))).get(url(rated["weak"]["branch"])).json()
    assert body["status"] == "computed" and body["stars"] == 0
    criteria = {c["code"]: c for c in body["criteria"]}
    assert criteria["no_open_alerts"]["points"] == 1.0 and criteria["no_open_alerts"]["max"] == 6
    assert criteria["no_open_alerts"]["evidence"] == {"open": 1, "overdue": 1}
    assert criteria["no_open_alerts"]["label"] == "年末无未处理或逾期的预警"
    assert [v["code"] for v in body["vetoes"]] == ["open_high_alert"]


@pytest.mark.parametrize("case", scope_cases(home="530102", view_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF,
                                                                         Role.VIEWER, Role.INSTRUCTOR,
                                                                         Role.ORG_ACCOUNT}), ids=str)
def test_reading_a_rating_follows_the_scope(case, rated):
    response = api_as(case.user()).get(url(rated["model"]["branch"]))
    if case.role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, None):
        assert response.status_code in (403, 404)
    else:
        assert response.status_code == (200 if case.sees else 404)


def test_the_branchs_own_account_sees_its_rating_and_not_the_others(rated):
    client = api_as(own_account(rated["model"]["org"]))
    assert client.get(url(rated["model"]["branch"])).status_code == 200
    assert client.get(url(rated["weak"]["branch"])).status_code == 404


def test_self_assessment_review_approval_publication_through_the_api(rated):
    branch = rated["model"]["branch"]
    response = api_as(own_account(rated["model"]["org"])).post(url(branch, "self-assessment"), claims_body(),
                                                               format="json")
    assert response.status_code == 200 and response.json()["status"] == "self_assessed"
    committee = make_user((Role.PARTY_STAFF, "530100"))
    response = api_as(committee).post(url(branch, "review"), {
        "comment": "材料属实", "adjustments": [{"code": "service", "points": "4", "reason": "服务台账不全"}]},
        format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "reviewed" and body["total_points"] == "99.0"
    assert next(c for c in body["criteria"] if c["code"] == "service")["review_reason"] == "服务台账不全"
    assert api_as(committee).post(url(branch, "approve")).status_code == 400  # the reviewer does not approve
    approver = make_user((Role.PARTY_STAFF, "530000"))
    assert api_as(approver).post(url(branch, "approve")).json()["status"] == "approved"
    assert api_as(approver).post(url(branch, "publish")).json()["status"] == "published"


def test_a_judged_criterion_without_reason_is_a_400_naming_it(rated):
    body = claims_body()
    body["criteria"][1]["reason"] = ""
    response = api_as(own_account(rated["model"]["org"])).post(url(rated["model"]["branch"], "self-assessment"),
                                                               body, format="json")
    assert response.status_code == 400
    assert response.json() == {"reason_highlights": ["请说明给分理由。"]}


def test_a_review_out_of_scope_is_404_and_without_the_capability_403(rated):
    branch = rated["model"]["branch"]
    services.rating_self_assess(rating=branch.ratings.get(), actor=own_account(rated["model"]["org"]), items=CLAIMS)
    body = {"comment": "越权"}
    assert api_as(make_user((Role.PARTY_STAFF, "110000"))).post(url(branch, "review"), body,
                                                                format="json").status_code == 404
    assert api_as(make_user((Role.VIEWER, "530102"))).post(url(branch, "review"), body,
                                                           format="json").status_code == 403
    assert api_as(make_user((Role.BUREAU_STAFF, "530102"))).post(url(branch, "review"), body,
                                                                 format="json").status_code == 403
    assert branch.ratings.get().status == "self_assessed"


def test_eligibility_answers_eligible_and_the_reasons(model):
    client = api_as(make_user((Role.BUREAU_STAFF, "530102")))
    response = client.get(f"/api/v1/orgs/{model['org'].uscc}/evaluation-eligibility/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"eligible", "reasons"}
    assert [set(r) for r in body["reasons"]] == [{"rule", "passed", "detail"}] * 4
    outside = api_as(make_user((Role.BUREAU_STAFF, "110000")))
    assert outside.get(f"/api/v1/orgs/{model['org'].uscc}/evaluation-eligibility/").status_code == 404


def test_recording_an_evaluation_and_its_bad_inputs(model):
    today = timezone.localdate()
    submitted_report(model["org"], today.year - 1, timezone.now())
    clerk = api_as(make_user((Role.BUREAU_STAFF, "530102")))
    good = {"uscc": model["org"].uscc, "grade": "5A", "valid_from": today.isoformat(),
            "decision_number": "五民评〔2026〕8号"}
    bad = clerk.post("/api/v1/evaluations/", good | {"grade": "6A"}, format="json")
    assert bad.status_code == 400 and "grade" in bad.json()
    response = clerk.post("/api/v1/evaluations/", good, format="json")
    assert response.status_code == 201
    assert response.json()["valid_to"] == (datetime.date(today.year + 5, today.month, today.day)
                                           - datetime.timedelta(days=1)).isoformat()
    overlap = clerk.post("/api/v1/evaluations/", good | {"grade": "4A"}, format="json")
    assert overlap.status_code == 400 and "valid_from" in overlap.json()
    party = api_as(make_user((Role.PARTY_STAFF, "530102")))
    assert party.post("/api/v1/evaluations/", good, format="json").status_code == 403
    assert EvaluationGrade.objects.count() == 1


def test_an_evaluation_for_an_ineligible_organization_is_400_with_the_reasons(weak):
    clerk = api_as(make_user((Role.BUREAU_STAFF, "530102")))
    response = clerk.post("/api/v1/evaluations/", {
        "uscc": weak["org"].uscc, "grade": "3A", "valid_from": timezone.localdate().isoformat(),
        "decision_number": "x"}, format="json")
    assert response.status_code == 400
    assert any("年度工作报告未提交" in reason for reason in response.json()["eligibility"])
    assert EvaluationGrade.objects.count() == 0


def test_an_evaluation_round_is_opened_with_its_participants_and_read_back_in_scope(model, weak):
    today = timezone.localdate()
    submitted_report(model["org"], today.year - 1, timezone.now())
    clerk = api_as(make_user((Role.BUREAU_STAFF, "530102")))
    body = {"year": today.year, "region": "530102", "authority": "五华区民政局", "scorecard": "evaluation-10-of-100",
            "opens_on": today.isoformat(), "closes_on": (today + datetime.timedelta(days=30)).isoformat(),
            "organizations": [model["org"].uscc, weak["org"].uscc.lower()]}
    response = clerk.post("/api/v1/evaluation-rounds/", body, format="json")
    assert response.status_code == 201
    created = response.json()
    assert (created["total_points"], created["party_building_points"]) == (100, 10)
    entries = {e["uscc"]: e for e in created["entries"]}
    assert entries[model["org"].uscc]["eligible"] is True and entries[model["org"].uscc]["grade"] is None
    assert entries[weak["org"].uscc]["eligible"] is False
    assert [set(r) for r in entries[weak["org"].uscc]["reasons"]] == [{"rule", "passed", "detail"}] * 4
    listed = clerk.get("/api/v1/evaluation-rounds/").json()
    assert [r["id"] for r in listed["results"]] == [created["id"]]
    assert api_as(make_user((Role.BUREAU_STAFF, "110000"))).get("/api/v1/evaluation-rounds/").json()["results"] == []
    assert api_as(make_user((Role.BUREAU_STAFF, "110000"))).get(
        f"/api/v1/evaluation-rounds/{created['id']}/").status_code == 404


def test_a_bad_evaluation_round_is_a_400_naming_the_fields_and_a_party_committee_may_not_open_one(model):
    today = timezone.localdate()
    clerk = api_as(make_user((Role.BUREAU_STAFF, "530102")))
    body = {"year": today.year, "region": "530102", "authority": "", "opens_on": today.isoformat(),
            "closes_on": (today - datetime.timedelta(days=1)).isoformat(), "organizations": ["91530000XXXXXXXXXX"]}
    response = clerk.post("/api/v1/evaluation-rounds/", body, format="json")
    assert response.status_code == 400 and "organizations" in response.json()
    body["organizations"] = []
    response = clerk.post("/api/v1/evaluation-rounds/", body, format="json")
    assert response.status_code == 400 and {"authority", "closes_on"} <= set(response.json())
    party = api_as(make_user((Role.PARTY_STAFF, "530102")))
    body |= {"authority": "五华区民政局", "closes_on": today.isoformat()}
    assert party.post("/api/v1/evaluation-rounds/", body, format="json").status_code == 403
    from socorg.ratings.models import EvaluationRound

    assert EvaluationRound.objects.count() == 0
