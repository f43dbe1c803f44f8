"""/api/v1/orgs/: the role × region matrix for every endpoint, field errors, phone masking, query counts."""

import datetime

import pytest

from socorg.accounts.models import User
from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import api_as, make_user, scope_cases
from socorg.registry.choices import OrgStatus, OrgType
from socorg.registry.models import SocialOrganization

from .conftest import new_uscc

pytestmark = pytest.mark.django_db
CASES = scope_cases(home="530102")
URL = "/api/v1/orgs/"


def refused(user, capability: str, hidden: bool = True) -> int:
    """What a refused request answers: 403 without the capability anywhere, else 404 (out of scope, hidden)."""
    return 404 if hidden and user.has_capability(capability) else 403


@pytest.fixture
def org(register):
    return register("530102", phone="13812345678", supervisor="昆明市科学技术协会")


def payload(**fields):
    return {"uscc": new_uscc("530102"), "name": "五华区摄影家协会", "org_type": OrgType.SOCIAL_GROUP,
            "authority_region": "530102", "registered_on": "2021-03-01", "declared_full_members": 3, **fields}


# --- the matrix --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=str)
def test_list_shows_the_org_only_inside_the_scope(case, org):
    user = case.user()
    response = api_as(user).get(URL)
    if not user.has_capability("registry.view"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert [row["uscc"] for row in response.json()["results"]] == ([org.uscc] if case.sees else [])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_detail_inside_the_scope_else_404(case, org):
    user = case.user()
    response = api_as(user).get(f"{URL}{org.uscc}/")
    assert response.status_code == (200 if case.sees else refused(user, "registry.view"))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_create_only_where_the_user_may_change(case, register):
    user = case.user()
    data = payload()
    response = api_as(user).post(URL, data, format="json")
    if case.changes:
        assert response.status_code == 201, response.json()
        assert response.json()["authority_region"] == "530102"
    else:
        assert response.status_code == (400 if user.has_capability("registry.change") else 403)
        if response.status_code == 400:
            assert list(response.json()) == ["authority_region"]
    assert SocialOrganization.objects.filter(uscc=data["uscc"]).exists() == case.changes


@pytest.mark.parametrize("case", CASES, ids=str)
def test_update_only_where_the_user_may_change(case, org):
    user = case.user()
    response = api_as(user).patch(f"{URL}{org.uscc}/", {"short_name": "摄协"}, format="json")
    assert response.status_code == (200 if case.changes else refused(user, "registry.change", not case.sees))
    assert (SocialOrganization.objects.get(pk=org.pk).short_name == "摄协") == case.changes


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("action", ["deregister", "revoke"])
def test_status_actions_only_where_the_user_may_change(case, action, org):
    user = case.user()
    response = api_as(user).post(f"{URL}{org.uscc}/{action}/", {"date": str(datetime.date.today()),
                                                                "reason": "决议"}, format="json")
    assert response.status_code == (200 if case.changes else refused(user, "registry.change", not case.sees))
    stored = SocialOrganization.objects.get(pk=org.pk)
    assert (stored.status != OrgStatus.ACTIVE) == case.changes


@pytest.mark.parametrize("case", CASES, ids=str)
def test_delete_only_where_the_user_may_change(case, org):
    user = case.user()
    response = api_as(user).delete(f"{URL}{org.uscc}/")
    assert response.status_code == (204 if case.changes else refused(user, "registry.change", not case.sees))
    assert SocialOrganization.objects.filter(pk=org.pk).exists() != case.changes


# --- bodies, errors, languages -------------------------------------------------------------------------------------

def test_detail_has_the_documented_fields_and_the_full_phone_for_a_changer(org, national_staff):
    body = api_as(national_staff).get(f"{URL}{org.uscc.lower()}/").json()
    for field in ["uscc", "name", "short_name", "org_type", "category", "authority_region", "authority_level",
                  "supervisor", "registered_on", "status", "status_changed_on", "status_reason",
                  "declared_full_members", "declared_probationary_members", "full_members", "probationary_members",
                  "party_clause_in_charter", "legal_representative", "phone", "org_covered", "work_covered",
                  "standalone"]:
        assert field in body
    assert (body["authority_region"], body["phone"], body["status"]) == ("530102", "13812345678", "active")


def test_phone_is_masked_in_lists_and_for_readers(org, national_staff):
    row = api_as(national_staff).get(URL).json()["results"][0]
    assert row["phone"] == "138****5678"
    viewer = make_user((Role.VIEWER, "530000"))
    assert api_as(viewer).get(f"{URL}{org.uscc}/").json()["phone"] == "138****5678"


def test_duplicate_code_is_a_400_on_uscc(org, national_staff):
    response = api_as(national_staff).post(URL, payload(uscc=org.uscc), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["uscc"]
    assert SocialOrganization.objects.count() == 1


def test_error_messages_are_chinese_by_default_and_english_on_request(national_staff):
    bad = payload(uscc="91530102MJ0000000X")
    chinese = api_as(national_staff).post(URL, bad, format="json").json()["uscc"][0]
    english = api_as(national_staff).post(URL, bad, format="json", HTTP_ACCEPT_LANGUAGE="en").json()["uscc"][0]
    assert "民政" in chinese and "统一社会信用代码" in chinese
    assert "civil affairs" in english
    assert not SocialOrganization.objects.exists()


def test_deregister_needs_a_reason_and_a_date(org, national_staff):
    response = api_as(national_staff).post(f"{URL}{org.uscc}/deregister/", {"date": "2999-01-01", "reason": "x"},
                                           format="json")
    assert response.status_code == 400 and list(response.json()) == ["date"]
    response = api_as(national_staff).post(f"{URL}{org.uscc}/deregister/", {}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"date", "reason"}
    assert SocialOrganization.objects.get(pk=org.pk).status == OrgStatus.ACTIVE


def test_delete_with_history_is_a_400_and_keeps_the_record(org, national_staff):
    api_as(national_staff).post(f"{URL}{org.uscc}/deregister/", {"date": "2024-01-01", "reason": "解散"},
                                format="json")
    response = api_as(national_staff).delete(f"{URL}{org.uscc}/")
    assert response.status_code == 400
    assert SocialOrganization.objects.filter(pk=org.pk).exists()


def test_create_writes_an_audit_entry_with_the_request_actor(national_staff):
    response = api_as(national_staff).post(URL, payload(phone="0871-64100000"), format="json")
    assert response.status_code == 201
    entry = AuditEntry.objects.get(action="registry.org.register")
    assert entry.actor == national_staff and "64100000" not in str(entry.after)


# --- filters -------------------------------------------------------------------------------------------------------

@pytest.fixture
def spread(register):
    return {
        "wuhua": register("530102", name="五华区书法协会", supervisor="五华区文化馆"),
        "panlong": register("530103", name="盘龙区养老服务中心", org_type=OrgType.PRIVATE_NON_ENTERPRISE,
                            declared_full_members=5),
        "beijing": register("110101", name="东城区慈善基金会", org_type=OrgType.FOUNDATION, category="charity"),
    }


def names(response):
    assert response.status_code == 200, response.json()
    return sorted(row["name"] for row in response.json()["results"])


@pytest.mark.parametrize("query, expected", [
    ("region=530100", ["五华区书法协会", "盘龙区养老服务中心"]),
    ("region=530102", ["五华区书法协会"]),
    ("region=100000", ["东城区慈善基金会", "五华区书法协会", "盘龙区养老服务中心"]),
    ("org_type=foundation", ["东城区慈善基金会"]),
    ("category=charity", ["东城区慈善基金会"]),
    ("supervisor=文化", ["五华区书法协会"]),
    ("direct=true", ["东城区慈善基金会", "盘龙区养老服务中心"]),
    ("coverage=should_build_missing", ["盘龙区养老服务中心"]),
    ("coverage=org_covered", []),
    ("coverage=work_uncovered", ["东城区慈善基金会", "五华区书法协会", "盘龙区养老服务中心"]),
    ("q=书法", ["五华区书法协会"]),
    ("q=panlong", ["盘龙区养老服务中心"]),
    ("q=dcq", ["东城区慈善基金会"]),
    ("q=51530", ["五华区书法协会"]),
    ("status=deregistered", []),
])
def test_filters(spread, national_staff, query, expected):
    assert names(api_as(national_staff).get(f"{URL}?{query}")) == expected


def test_ordering_by_full_members_descending(spread, national_staff):
    rows = api_as(national_staff).get(f"{URL}?ordering=-full_members").json()["results"]
    assert rows[0]["name"] == "盘龙区养老服务中心"


def test_list_query_count_is_constant(register, national_staff, django_assert_num_queries):
    for _ in range(3):
        register("530102")
    client = api_as(User.objects.get(pk=national_staff.pk))  # a fresh user object: its grants are not cached
    with django_assert_num_queries(3):  # grants, count, page (authority region joined)
        assert len(client.get(URL).json()["results"]) == 3
    for _ in range(20):
        register("530103", phone="13800000000")
    client = api_as(make_user((Role.BUREAU_STAFF, "530000")))
    with django_assert_num_queries(4):  # + the region of the region filter
        assert len(client.get(f"{URL}?region=530100&ordering=name_pinyin").json()["results"]) == 23
