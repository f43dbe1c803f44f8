"""The API contract of issue #17: POST /api/v1/project-calls/, GET …/eligibility/?uscc=, POST /api/v1/needs/,
POST /api/v1/offers/, GET /api/v1/needs/{id}/matches/, and the workflow steps; scope and bad input."""

import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user, scope_cases
from socorg.party.tests.factories import make_org
from socorg.projects.models import Application, Need, Offer, ProjectCall

from .conftest import TODAY, make_call

pytestmark = pytest.mark.django_db
ISSUE_RULES = [{"rule": "not_on_credit_list"}, {"rule": "registered_years", "min": 1}, {"rule": "annual_report_ok"},
               {"rule": "min_evaluation_grade", "grade": 3}, {"rule": "party_coverage"}, {"rule": "no_high_alert"},
               {"rule": "max_awards", "max": 2}]
SCORES = {"需求分析": 18, "项目设计": 25, "执行能力": 20, "预算合理性": 12, "预期成效": 8}


def call_body(**overrides):
    body = {"name": "2026年云南省福彩公益金项目", "kind": "lottery_fund", "region": "530000", "budget": "60000000",
            "opens_on": str(TODAY - datetime.timedelta(days=1)), "closes_on": str(TODAY + datetime.timedelta(days=30)),
            "categories": ["养老服务"], "rules": ISSUE_RULES}
    body.update(overrides)
    return body


def test_post_a_call_with_the_issues_body(bureau):
    response = api_as(bureau).post("/api/v1/project-calls/", call_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "lottery_fund" and body["kind_label"] == "福彩公益金"
    assert body["rules"] == ISSUE_RULES


def test_a_call_with_reversed_dates_and_an_unknown_kind_answers_400_naming_the_fields(bureau):
    response = api_as(bureau).post("/api/v1/project-calls/", call_body(kind="gift"), format="json")
    assert response.status_code == 400 and set(response.json()) == {"kind"}
    response = api_as(bureau).post("/api/v1/project-calls/", call_body(
        opens_on=str(TODAY), closes_on=str(TODAY - datetime.timedelta(days=2)), rules=[{"rule": "x"}]),
        format="json")
    assert response.status_code == 400 and set(response.json()) == {"closes_on", "rules"}
    assert "早于" in response.json()["closes_on"][0]
    assert not ProjectCall.objects.exists()


def test_eligibility_lists_every_rule_with_a_chinese_detail(bureau, org):
    call = make_call(bureau)
    response = api_as(bureau).get(f"/api/v1/project-calls/{call.pk}/eligibility/?uscc={org.uscc}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"eligible", "reasons"} and body["eligible"] is True
    assert [r["rule"] for r in body["reasons"]] == ["in_region", "registered_years", "annual_report_ok",
                                                    "party_coverage", "no_high_alert", "max_awards"]
    assert all(set(r) == {"rule", "passed", "detail"} for r in body["reasons"])
    assert body["reasons"][1]["detail"].startswith("2015-03-01登记成立")


def test_eligibility_without_uscc_is_400_and_of_an_unseen_organization_404(bureau, org):
    call = make_call(bureau)
    assert api_as(bureau).get(f"/api/v1/project-calls/{call.pk}/eligibility/").status_code == 400
    beijing = make_org("110101")
    assert api_as(bureau).get(f"/api/v1/project-calls/{call.pk}/eligibility/?uscc={beijing.uscc}").status_code == 404


def test_the_organizations_account_sees_the_calls_above_it_and_its_own_eligibility(bureau, org, filer):
    call = make_call(bureau)
    make_call(bureau, region="530300", name="曲靖市项目")
    assert [c["id"] for c in api_as(filer).get("/api/v1/project-calls/").json()["results"]] == [call.pk]
    assert api_as(filer).get(f"/api/v1/project-calls/{call.pk}/eligibility/?uscc={org.uscc}").status_code == 200
    other = make_org("530102")
    assert api_as(filer).get(f"/api/v1/project-calls/{call.pk}/eligibility/?uscc={other.uscc}").status_code == 404
    response = api_as(filer).post("/api/v1/project-calls/", call_body(), format="json")
    assert response.status_code == 403


def application_body(call, org, **overrides):
    body = {"call": call.pk, "uscc": org.uscc, "title": "长者助餐", "plan": "助餐", "category": "养老服务",
            "budget_lines": [{"item": "餐费", "amount": "60000"}], "amount_requested": "60000",
            "people_served": 200, "places": ["530102"]}
    body.update(overrides)
    return body


def test_call_application_review_award_and_midterm_over_the_api(bureau, org, filer):
    call = make_call(bureau)
    response = api_as(filer).post("/api/v1/project-applications/", application_body(call, org), format="json")
    assert response.status_code == 201, response.json()
    application = response.json()["id"]
    experts = []
    for name in ("张教授", "李主任"):
        user = make_user((Role.VIEWER, "530000"))
        created = api_as(bureau).post("/api/v1/project-experts/", {"username": user.username, "name": name,
                                                                    "region": "530000"}, format="json")
        assert created.status_code == 201, created.json()
        experts.append((user, created.json()["id"]))
    assigned = api_as(bureau).post(f"/api/v1/project-applications/{application}/assign/",
                                   {"experts": [e for _u, e in experts]}, format="json")
    assert assigned.json()["status"] == "under_review"
    first_user = experts[0][0]
    (mine,) = [r for r in api_as(first_user).get("/api/v1/project-reviews/").json()["results"]
               if r["expert_name"] == "张教授"]
    submitted = api_as(first_user).post(f"/api/v1/project-reviews/{mine['id']}/submit/", {"scores": SCORES},
                                        format="json")
    assert submitted.status_code == 200 and submitted.json()["total"] == "83.00"
    second_user = experts[1][0]
    seen_by_other = api_as(second_user).get(f"/api/v1/project-reviews/{mine['id']}/").json()
    assert seen_by_other["scores"] is None and seen_by_other["total"] is None
    not_yet = api_as(bureau).post(f"/api/v1/project-applications/{application}/award/", {"amount": "60000"},
                                  format="json")
    assert not_yet.status_code == 400 and "status" in not_yet.json()
    other_review = [r for r in api_as(second_user).get("/api/v1/project-reviews/").json()["results"]
                    if r["expert_name"] == "李主任"][0]
    api_as(second_user).post(f"/api/v1/project-reviews/{other_review['id']}/submit/", {"scores": SCORES},
                             format="json")
    assert api_as(second_user).get(f"/api/v1/project-reviews/{mine['id']}/").json()["total"] == "83.00"
    awarded = api_as(bureau).post(f"/api/v1/project-applications/{application}/award/", {"amount": "60000"},
                                  format="json")
    assert awarded.status_code == 201
    project = awarded.json()["id"]
    evaluated = api_as(bureau).post(f"/api/v1/projects/{project}/evaluations/", {
        "stage": "midterm", "evaluated_on": str(TODAY), "score": "82.5", "conclusion": "good",
        "findings": "按计划推进", "site_visit_on": str(TODAY)}, format="json")
    assert evaluated.status_code == 201 and evaluated.json()["stage_label"] == "中期评估"
    seen = api_as(filer).get(f"/api/v1/projects/{project}/").json()
    assert seen["evaluations"][0]["conclusion_label"] == "良好"


def test_an_ineligible_application_answers_400_with_the_reasons(bureau, db):
    young = make_org("530102", registered_on=TODAY - datetime.timedelta(days=3))
    own = make_user((Role.ORG_ACCOUNT, "530102"), organization=young)
    call = make_call(bureau)
    response = api_as(own).post("/api/v1/project-applications/", application_body(call, young), format="json")
    assert response.status_code == 400
    assert any("要求满1年" in reason for reason in response.json()["eligibility"])
    assert not Application.objects.exists()


def test_post_a_need_with_the_issues_body_and_get_its_matches(db):
    county = make_user((Role.BUREAU_STAFF, "530102"))
    response = api_as(county).post("/api/v1/needs/", {
        "title": "独居老人助餐", "region": "530102", "category": "养老服务", "people": 80,
        "starts_on": str(TODAY), "ends_on": str(TODAY + datetime.timedelta(days=60))}, format="json")
    assert response.status_code == 201, response.json()
    need = response.json()["id"]
    org = make_org("530102", name="翠湖养老服务社")
    own = make_user((Role.ORG_ACCOUNT, "530102"), organization=org)
    offered = api_as(own).post("/api/v1/offers/", {
        "uscc": org.uscc, "title": "上门助餐", "categories": ["养老服务"], "regions": ["530100"], "capacity": 100,
        "starts_on": str(TODAY), "ends_on": str(TODAY + datetime.timedelta(days=365))}, format="json")
    assert offered.status_code == 201, offered.json()
    ranked = api_as(county).get(f"/api/v1/needs/{need}/matches/").json()
    assert [m["offer"]["id"] for m in ranked] == [offered.json()["id"]]
    assert {r["factor"] for r in ranked[0]["reasons"]} == {"category", "area", "capacity", "rating", "credit",
                                                            "track_record"}
    assert all(set(r) >= {"factor", "weight", "detail"} for r in ranked[0]["reasons"])
    proposed = api_as(county).post(f"/api/v1/needs/{need}/matches/", {"offer": offered.json()["id"]}, format="json")
    assert proposed.status_code == 201
    accepted = api_as(own).post(f"/api/v1/matches/{proposed.json()['id']}/accept/")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_bad_needs_and_offers_answer_400_and_save_nothing(db):
    county = make_user((Role.BUREAU_STAFF, "530102"))
    response = api_as(county).post("/api/v1/needs/", {
        "title": "助餐", "region": "530103", "category": "养老服务", "people": 80,
        "starts_on": str(TODAY), "ends_on": str(TODAY - datetime.timedelta(days=1))}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"region", "ends_on"}
    org = make_org("530102")
    own = make_user((Role.ORG_ACCOUNT, "530102"), organization=org)
    response = api_as(own).post("/api/v1/offers/", {
        "uscc": org.uscc, "title": "助餐", "categories": ["养老"], "regions": ["000000"], "capacity": 5,
        "starts_on": str(TODAY), "ends_on": str(TODAY)}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"categories", "regions"}
    assert not Need.objects.exists() and not Offer.objects.exists()


@pytest.mark.parametrize("case", scope_cases(
    home="530102", view_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF, Role.VIEWER, Role.INSTRUCTOR},
    change_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF}), ids=str)
def test_need_scope(case, db):
    need = Need.objects.create(title="t", region_id="530102", category="养老服务", people=1, starts_on=TODAY,
                               ends_on=TODAY)
    response = api_as(case.user()).get(f"/api/v1/needs/{need.pk}/")
    if case.role is None or case.role in ("system_admin", "security_admin", "audit_admin"):
        assert response.status_code == 403
    else:
        assert response.status_code == (200 if case.sees else 404)
