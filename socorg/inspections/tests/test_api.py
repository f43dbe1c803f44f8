"""The API contract of issue #15: POST /api/v1/inspection-plans/, …/{id}/commit/, …/{id}/draw/ and the public
GET …/{id}/proof/ with exactly the named fields; bad input answered 400 naming the field, nothing stored."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user
from socorg.inspections.models import InspectionPlan, Selection

from .conftest import EXPERTS

pytestmark = pytest.mark.django_db
URL = "/api/v1/inspection-plans/"
PUBLIC = "福彩3D 2026318期 5 8 1"


def payload(**overrides):
    return {"name": "2026年度丘北县社会组织双随机抽查", "year": 2026, "region": "530102", "count": 4, "per_org": 2,
            "inspectors": EXPERTS} | overrides


def make_plan(api, **overrides):
    response = api.post(URL, payload(**overrides), format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def test_plan_commit_draw_and_the_public_proof(clerk, orgs, tmp_path):
    api = api_as(clerk)
    plan = make_plan(api, items=["finances"])
    assert [i["id"] for i in plan["inspectors"]] == ["I001", "I002", "I003", "I004"]
    assert plan["status"] == "draft" and "party_standalone_branch" in plan["items"]
    committed = api.post(f"{URL}{plan['id']}/commit/")
    assert committed.status_code == 200
    assert set(committed.json()) == {"pool_sha256", "pool_size", "committed_at"}
    assert committed.json()["pool_size"] == 40
    drawn = api.post(f"{URL}{plan['id']}/draw/", {"public_value": PUBLIC}, format="json")
    assert drawn.status_code == 200, drawn.json()
    proof = drawn.json()
    assert {"algorithm", "plan_uid", "pool", "pool_sha256", "committed_at", "public_value", "seed", "n", "per_org",
            "inspectors", "selected"} <= set(proof)
    assert proof["algorithm"] == "socorg-draw-v1" and proof["n"] == 4 and proof["public_value"] == PUBLIC
    assert set(proof["inspectors"][0]) == {"id", "name", "unit", "excluded_for"}
    assert set(proof["selected"][0]) == {"uscc", "key", "inspectors"}
    public = api_as(None).get(f"{URL}{plan['id']}/proof/")
    assert public.status_code == 200 and public.json() == proof
    assert "username" not in public.content.decode()
    path = tmp_path / "proof.json"
    path.write_bytes(public.content)
    call_command("verify_draw", str(path), "--pool-sha256", committed.json()["pool_sha256"])


def test_the_proof_is_404_before_the_draw_and_for_a_plan_that_does_not_exist(clerk, orgs):
    plan = make_plan(api_as(clerk))
    assert api_as(None).get(f"{URL}{plan['id']}/proof/").status_code == 404
    assert api_as(None).get(f"{URL}999999/proof/").status_code == 404


def test_a_share_below_the_minimum_without_reason_is_400_on_share(clerk, orgs):
    response = api_as(clerk).post(URL, payload(count=None, share="0.01"), format="json")
    assert response.status_code == 400 and "share" in response.json()
    assert "3%" in response.json()["share"][0]
    assert not InspectionPlan.objects.exists()


def test_an_empty_pool_is_400(clerk):
    plan = make_plan(api_as(clerk), count=None, share="0.05")
    response = api_as(clerk).post(f"{URL}{plan['id']}/commit/")
    assert response.status_code == 400 and "pool" in response.json()


def test_draw_before_commit_redraw_and_short_public_value_are_400(clerk, orgs):
    api = api_as(clerk)
    plan = make_plan(api)
    assert api.post(f"{URL}{plan['id']}/draw/", {"public_value": PUBLIC}, format="json").json().keys() == {"status"}
    api.post(f"{URL}{plan['id']}/commit/")
    short = api.post(f"{URL}{plan['id']}/draw/", {"public_value": "1234567"}, format="json")
    assert short.status_code == 400 and "public_value" in short.json()
    assert api.post(f"{URL}{plan['id']}/draw/", {"public_value": PUBLIC}, format="json").status_code == 200
    again = api.post(f"{URL}{plan['id']}/draw/", {"public_value": PUBLIC + "x"}, format="json")
    assert again.status_code == 400 and "status" in again.json()
    assert Selection.objects.count() == 4


def test_too_few_eligible_inspectors_is_400_naming_the_usccs(clerk, orgs):
    api = api_as(clerk)
    plan = make_plan(api, count=40, per_org=3, inspectors=EXPERTS[:3])
    api.post(f"{URL}{plan['id']}/commit/")
    declared = api.post(f"{URL}{plan['id']}/conflicts/", {"inspector": "I002", "uscc": orgs[3].uscc,
                                                          "reason": "系该会会员单位负责人"}, format="json")
    assert declared.status_code == 201
    response = api.post(f"{URL}{plan['id']}/draw/", {"public_value": PUBLIC}, format="json")
    assert response.status_code == 400 and orgs[3].uscc in response.json()["inspectors"][0]
    assert not Selection.objects.exists()


def test_recording_an_inspection_and_the_published_results(clerk, orgs):
    api = api_as(clerk)
    plan = make_plan(api)
    api.post(f"{URL}{plan['id']}/commit/")
    proof = api.post(f"{URL}{plan['id']}/draw/", {"public_value": PUBLIC}, format="json").json()
    items = InspectionPlan.objects.get(pk=plan["id"]).items
    assert api_as(None).get(f"{URL}{plan['id']}/results/").status_code == 404
    for entry in proof["selected"]:
        response = api.post(f"{URL}{plan['id']}/inspections/", {
            "uscc": entry["uscc"], "inspected_on": str(timezone.localdate()), "inspectors_present": entry["inspectors"],
            "checklist": dict.fromkeys(items, "conforms"), "result": "qualified"}, format="json")
        assert response.status_code == 200, response.json()
    bad = api.post(f"{URL}{plan['id']}/inspections/", {
        "uscc": proof["selected"][0]["uscc"], "inspected_on": str(timezone.localdate()),
        "inspectors_present": ["I001"], "checklist": {}, "result": "qualified"}, format="json")
    assert bad.status_code == 400 and {"inspectors_present", "checklist"} <= set(bad.json())
    assert api.post(f"{URL}{plan['id']}/close/").json()["status"] == "closed"
    results = api_as(None).get(f"{URL}{plan['id']}/results/")
    assert results.status_code == 200
    assert len(results.json()["inspections"]) == 4 and results.json()["plan"]["pool_sha256"] == proof["pool_sha256"]


def test_a_cancelled_plan_stays_listed_with_its_reason(clerk, orgs):
    api = api_as(clerk)
    plan = make_plan(api)
    assert api.post(f"{URL}{plan['id']}/cancel/", {"reason": ""}, format="json").status_code == 400
    cancelled = api.post(f"{URL}{plan['id']}/cancel/", {"reason": "并入市级统一抽查"}, format="json").json()
    assert cancelled["status"] == "cancelled"
    listed = api.get(URL).json()["results"]
    assert [(p["id"], p["cancel_reason"]) for p in listed] == [(plan["id"], "并入市级统一抽查")]


@pytest.mark.parametrize("role,region,sees,changes", [
    (Role.BUREAU_STAFF, "530102", True, True), (Role.BUREAU_STAFF, "530000", True, True),
    (Role.VIEWER, "530102", True, False), (Role.PARTY_STAFF, "530102", True, False),
    (Role.BUREAU_STAFF, "110000", False, False), (Role.AUDIT_ADMIN, "100000", False, False),
])
def test_scope_of_plans(clerk, orgs, role, region, sees, changes):
    plan = make_plan(api_as(clerk))
    user = make_user((role, region))
    api = api_as(user)
    detail = api.get(f"{URL}{plan['id']}/")
    assert detail.status_code == (200 if sees else (403 if role == Role.AUDIT_ADMIN else 404))
    commit = api.post(f"{URL}{plan['id']}/commit/")
    assert commit.status_code == (200 if changes else 403 if sees or role == Role.AUDIT_ADMIN else 404)
    created = api.post(URL, payload(), format="json")
    assert created.status_code == (201 if changes else 403)


def test_an_organization_account_cannot_reach_plans(clerk, orgs):
    plan = make_plan(api_as(clerk))
    account = make_user((Role.ORG_ACCOUNT, "530102"), organization=orgs[0])
    assert api_as(account).get(f"{URL}{plan['id']}/").status_code == 403
    assert api_as(account).get(URL).status_code == 403


def test_a_year_filter_out_of_range_is_400_not_a_server_error(clerk):
    response = api_as(clerk).get(URL + "?year=10000000")
    assert response.status_code == 400 and "year" in response.json()
