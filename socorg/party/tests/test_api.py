import datetime

import pytest
from django.utils import timezone

from socorg.accounts.models import User
from socorg.accounts.roles import Role, capabilities_of
from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, scope_cases
from socorg.party import services
from socorg.party.models import Instructor, PartyCoverage, PartyMember, PartyOrganization

from .factories import make_org, make_party_org, staff, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MEMBER_VIEW_ROLES = {Role.BUREAU_STAFF, Role.PARTY_STAFF, Role.INSTRUCTOR}  # viewers do not see members


@pytest.fixture
def branch(actor, orgs):
    return make_party_org(actor, orgs=orgs[:2], name="五华区科技社团联合党支部", founded_on=datetime.date(2020, 1, 1),
                          secretary_name="张书记")


@pytest.fixture
def member(actor, branch, orgs):
    return services.member_add(name="王党员", party_org=branch, employer=orgs[0], id_number=valid_id_number(),
                               phone="13812345678", joined_on=datetime.date(2010, 7, 1), actor=actor)


@pytest.fixture
def instructor(actor):
    return services.instructor_create(name="赵指导员", region="530102", phone="13700001111", actor=actor)


# --- role × region matrix ------------------------------------------------------------------------------------

def holds(case, capability: str) -> bool:
    return bool(case.role) and capability in capabilities_of(case.role)


def expected_read(case, domain: str) -> int:
    """200 in scope; 404 for a user with the capability elsewhere; 403 for a user without it at all."""
    if case.sees:
        return 200
    return 404 if holds(case, f"{domain}.view") else 403


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_party_org_read_scope(case, branch):
    client = api_as(case.user())
    assert client.get(f"/api/v1/party-orgs/{branch.pk}/").status_code == expected_read(case, "party")
    listing = client.get("/api/v1/party-orgs/")
    if case.sees:
        assert [row["id"] for row in listing.json()["results"]] == [branch.pk]
    elif holds(case, "party.view"):
        assert listing.json()["results"] == []
    else:
        assert listing.status_code == 403


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_party_org_write_scope(case, branch, orgs):
    client = api_as(case.user())
    response = client.patch(f"/api/v1/party-orgs/{branch.pk}/", {"secretary_name": "新书记"}, format="json")
    branch.refresh_from_db()
    if case.changes:
        assert response.status_code == 200, response.json()
        assert branch.secretary_name == "新书记"
    else:
        assert response.status_code in (403, 404)
        assert branch.secretary_name == "张书记"


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_party_org_create_scope(case, orgs):
    body = {"name": "新建党支部", "kind": "branch", "formation": "standalone", "organizations": [orgs[5].uscc]}
    response = api_as(case.user()).post("/api/v1/party-orgs/", body, format="json")
    if case.changes:
        assert response.status_code == 201, response.json()
        assert response.json()["organizations"] == [orgs[5].uscc]
    else:
        assert response.status_code in (400, 403)
        assert not PartyOrganization.objects.filter(name="新建党支部").exists()


@pytest.mark.parametrize("case", scope_cases(home="530102", view_roles=MEMBER_VIEW_ROLES), ids=str)
def test_member_read_scope(case, member):
    client = api_as(case.user())
    assert client.get(f"/api/v1/members/{member.pk}/").status_code == expected_read(case, "members")
    listing = client.get("/api/v1/members/")
    if case.sees:
        assert [row["id"] for row in listing.json()["results"]] == [member.pk]
    elif holds(case, "members.view"):
        assert listing.json()["results"] == []


@pytest.mark.parametrize("case", scope_cases(home="530102", view_roles=MEMBER_VIEW_ROLES), ids=str)
def test_member_reveal_scope(case, member):
    response = api_as(case.user()).post(f"/api/v1/members/{member.pk}/reveal/")
    if case.changes:  # bureau and party staff hold members.reveal over their regions
        assert response.status_code == 200
        assert response.json()["id_number"] == member.id_number
    else:
        assert response.status_code in (403, 404)
    assert AuditEntry.objects.filter(action="party.member.reveal").count() == (1 if case.changes else 0)


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_instructor_read_and_write_scope(case, instructor, orgs):
    client = api_as(case.user())
    assert client.get(f"/api/v1/instructors/{instructor.pk}/").status_code == expected_read(case, "party")
    response = client.post(f"/api/v1/instructors/{instructor.pk}/assignments/", {"organization": orgs[0].uscc},
                           format="json")
    if case.changes:
        assert response.status_code == 201
        assert instructor.assignments.count() == 1
    else:
        assert response.status_code in (403, 404)
        assert not instructor.assignments.exists()


# --- behaviour ------------------------------------------------------------------------------------------------

def test_member_output_is_masked(actor, member):
    body = api_as(actor).get(f"/api/v1/members/{member.pk}/").json()
    assert body["id_number_masked"] == member.id_number[:3] + "*" * 11 + member.id_number[-4:]
    assert body["phone_masked"] == "138****5678"
    assert member.id_number not in str(body) and "13812345678" not in str(body)


def test_member_lookup_by_id_number_is_a_post_never_a_query_string(actor, member):
    """Issue #10 item 14: personal data never in an address."""
    client = api_as(actor)
    found = client.post("/api/v1/members/find/", {"id_number": member.id_number.lower()}, format="json").json()
    assert [row["id"] for row in found["results"]] == [member.pk]
    none = client.post("/api/v1/members/find/", {"id_number": valid_id_number(seq=999)}, format="json").json()
    assert none["results"] == []
    refused = client.get("/api/v1/members/", {"id_number": member.id_number})
    assert refused.status_code == 400 and "id_number" in refused.json()


def test_member_create_duplicate_gets_field_error(actor, member, branch):
    body = {"name": "重复", "party_org": branch.pk, "id_number": member.id_number}
    response = api_as(actor).post("/api/v1/members/", body, format="json")
    assert response.status_code == 400
    assert branch.name in response.json()["id_number"][0]


def test_member_bad_input_in_chinese_and_english(actor, branch):
    body = {"name": "错误", "party_org": branch.pk, "id_number": "123"}
    response = api_as(actor).post("/api/v1/members/", body, format="json")
    assert response.status_code == 400 and "18" in response.json()["id_number"][0]
    assert "身份证" in response.json()["id_number"][0]
    english = api_as(actor).post("/api/v1/members/", body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert "18" in english.json()["id_number"][0] and "ID number" in english.json()["id_number"][0]
    assert not PartyMember.objects.exists()


def test_coverage_add_and_end_via_api(actor, branch, orgs):
    client = api_as(actor)
    response = client.post(f"/api/v1/party-orgs/{branch.pk}/coverages/", {"organization": orgs[3].uscc},
                           format="json")
    assert response.status_code == 201, response.json()
    coverage_id = response.json()["id"]
    orgs[3].refresh_from_db()
    assert orgs[3].org_covered
    response = client.post(f"/api/v1/party-orgs/{branch.pk}/coverages/{coverage_id}/end/", {}, format="json")
    assert response.status_code == 200 and response.json()["end_on"] == TODAY.isoformat()
    orgs[3].refresh_from_db()
    assert not orgs[3].org_covered
    history = client.get(f"/api/v1/party-orgs/{branch.pk}/coverages/").json()
    assert len(history) == 3


def test_coverage_of_unknown_or_foreign_org_refused(actor, branch):
    foreign = make_org("110101")
    client = api_as(actor)
    for uscc in (foreign.uscc, "not-a-code"):
        response = client.post(f"/api/v1/party-orgs/{branch.pk}/coverages/", {"organization": uscc}, format="json")
        assert response.status_code == 400 and "organization" in response.json()
    assert not PartyCoverage.objects.filter(organization=foreign).exists()


def test_standalone_second_coverage_refused_via_api(actor, orgs):
    standalone = make_party_org(actor, orgs=orgs[:1], formation="standalone")
    response = api_as(actor).post(f"/api/v1/party-orgs/{standalone.pk}/coverages/",
                                  {"organization": orgs[1].uscc}, format="json")
    assert response.status_code == 400
    assert "单独组建" in response.json()["organization"][0]


def test_too_wide_warning_and_filter(actor, orgs):
    wide = make_party_org(actor, orgs=orgs[:6], name="宽联合党支部")
    make_party_org(actor, orgs=orgs[6:7], name="窄党支部")
    client = api_as(actor)
    body = client.get(f"/api/v1/party-orgs/{wide.pk}/").json()
    assert body["too_wide"] and body["covered_count"] == 6 and body["warnings"]
    flagged = client.get("/api/v1/party-orgs/", {"too_wide": "true"}).json()["results"]
    assert [row["name"] for row in flagged] == ["宽联合党支部"]


def test_party_org_filters(actor, branch, orgs):
    client = api_as(actor)

    def names(**params):
        return [row["name"] for row in client.get("/api/v1/party-orgs/", params).json()["results"]]

    assert names(covers=orgs[0].uscc) == [branch.name]
    assert names(covers=orgs[6].uscc) == []
    assert names(region="530100") == [branch.name]
    assert names(region="530103") == []
    assert names(q="wuhua") == [branch.name]
    assert names(q="whq") == [branch.name]
    assert names(kind="committee") == []
    assert names(secretary_vacant="true") == []
    assert names(formation="joint", functional="false", status="active") == [branch.name]


def test_parent_cycle_refused_via_api(actor, orgs):
    top = make_party_org(actor, kind="committee", formation="industry", region="530102", name="综合党委")
    child = make_party_org(actor, kind="committee", formation="industry", region="530102", name="行业党委",
                           parent=top)
    response = api_as(actor).patch(f"/api/v1/party-orgs/{top.pk}/", {"parent": child.pk}, format="json")
    assert response.status_code == 400 and "parent" in response.json()


def test_dissolve_via_api(actor, branch, orgs):
    response = api_as(actor).post(f"/api/v1/party-orgs/{branch.pk}/dissolve/", {"dissolved_on": TODAY.isoformat()},
                                  format="json")
    assert response.status_code == 200 and response.json()["status"] == "dissolved"
    orgs[0].refresh_from_db()
    assert not orgs[0].org_covered


def test_party_org_region_outside_scope_is_403(actor):
    body = {"name": "北京党委", "kind": "committee", "formation": "industry", "region": "110101"}
    response = api_as(actor).post("/api/v1/party-orgs/", body, format="json")
    assert response.status_code == 403
    assert not PartyOrganization.objects.exists()


def test_delete_not_offered(actor, branch):
    assert api_as(actor).delete(f"/api/v1/party-orgs/{branch.pk}/").status_code == 405


def test_instructor_phone_masked_and_filterable(actor, instructor):
    client = api_as(actor)
    body = client.get(f"/api/v1/instructors/{instructor.pk}/").json()
    assert body["phone_masked"] == "137****1111"
    found = client.post("/api/v1/instructors/find/", {"phone": "137-0000-1111"}, format="json").json()["results"]
    assert [row["id"] for row in found] == [instructor.pk]
    assert client.get("/api/v1/instructors/", {"phone": "13700001111"}).status_code == 400


def test_instructor_leave_via_api(actor, instructor, orgs):
    client = api_as(actor)
    client.post(f"/api/v1/instructors/{instructor.pk}/assignments/", {"organization": orgs[0].uscc}, format="json")
    orgs[0].refresh_from_db()
    assert orgs[0].work_covered
    response = client.post(f"/api/v1/instructors/{instructor.pk}/leave/", {}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "left"
    orgs[0].refresh_from_db()
    assert not orgs[0].work_covered


# --- query counts -------------------------------------------------------------------------------------------

def _grow(actor, start, n):
    for i in range(start, start + n):
        org = make_org("530102")
        party_org = make_party_org(actor, orgs=[org], name=f"批量党支部{i}")
        services.member_add(name=f"党员{i}", party_org=party_org, employer=org, id_number=valid_id_number(seq=i),
                            phone="13812345678", actor=actor)
        instructor = services.instructor_create(name=f"指导员{i}", region="530102", phone=f"1370000{i:04d}",
                                                actor=actor)
        services.assignment_add(instructor=instructor, organization=org, actor=actor)


# grants + count + page (+ one prefetch of current coverages / assignments / employers), whatever the page holds
@pytest.mark.parametrize("url, queries", [("/api/v1/party-orgs/", 4), ("/api/v1/members/", 4),
                                          ("/api/v1/instructors/", 4)])
def test_list_query_count_is_constant(url, queries, actor, django_assert_num_queries):
    reader = staff("530100")
    _grow(actor, 0, 3)
    client = api_as(User.objects.get(pk=reader.pk))
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _grow(actor, 3, 10)
    client = api_as(User.objects.get(pk=reader.pk))  # a fresh user object: grants are read once per request
    with django_assert_num_queries(queries):
        response = client.get(url, {"ordering": "-name"})
    assert response.json()["count"] == 13
    assert Instructor.objects.count() == 13
