"""Registry pages: scope on every page (404 outside), forms with inline Chinese field errors, lifecycle actions,
masked members, change history, the home-page card and a pinned query count for the list."""

import datetime

import pytest

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user, scope_cases
from socorg.party.choices import Formation, Membership, PartyOrgKind
from socorg.party.models import PartyCoverage, PartyMember, PartyOrganization
from socorg.registry.choices import OrgStatus, OrgType
from socorg.registry.models import SocialOrganization

from .conftest import new_uscc

pytestmark = pytest.mark.django_db
CASES = scope_cases(home="530102")


@pytest.fixture
def org(register):
    return register("530102", name="五华区书法协会", phone="13812345678")


def refused(user, capability: str, hidden: bool = True) -> int:
    return 404 if hidden and user.has_capability(capability) else 403


def form_data(**fields):
    return {"uscc": new_uscc("530102"), "name": "五华区围棋协会", "org_type": OrgType.SOCIAL_GROUP,
            "category": "other", "authority_region": "530102", "declared_full_members": 0,
            "declared_probationary_members": 0, **fields}


# --- the matrix --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("case", CASES, ids=str)
def test_list_page_shows_the_org_only_inside_the_scope(case, org):
    user = case.user()
    response = client_as(user).get("/orgs/")
    if not user.has_capability("registry.view"):
        assert response.status_code == 403
        return
    assert response.status_code == 200
    assert (org.uscc in response.content.decode()) == case.sees


@pytest.mark.parametrize("case", CASES, ids=str)
def test_detail_page_inside_the_scope_else_404(case, org):
    user = case.user()
    response = client_as(user).get(f"/orgs/{org.uscc}/")
    assert response.status_code == (200 if case.sees else 404)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_create_page_only_for_changers_and_only_into_their_regions(case):
    user = case.user()
    client = client_as(user)
    data = form_data()
    response = client.post("/orgs/new/", data)
    if not user.has_capability("registry.change"):
        assert response.status_code == 403
    elif case.changes:
        assert response.status_code == 302
    else:  # the region is not offered in the drop-down: a field error
        assert response.status_code == 200 and 'data-field="authority_region"' in response.content.decode()
    assert SocialOrganization.objects.filter(uscc=data["uscc"]).exists() == case.changes


@pytest.mark.parametrize("case", CASES, ids=str)
def test_edit_page_only_for_changers_in_scope(case, org):
    user = case.user()
    response = client_as(user).post(f"/orgs/{org.uscc}/edit/", form_data(uscc=org.uscc, name="改名协会"))
    assert response.status_code == (302 if case.changes else 404)
    assert (SocialOrganization.objects.get(pk=org.pk).name == "改名协会") == case.changes


@pytest.mark.parametrize("case", CASES, ids=str)
@pytest.mark.parametrize("action", ["deregister", "revoke"])
def test_status_pages_only_for_changers_in_scope(case, action, org):
    user = case.user()
    response = client_as(user).post(f"/orgs/{org.uscc}/{action}/", {"date": "2024-05-01", "reason": "决议"})
    assert response.status_code == (302 if case.changes else 404)
    assert (SocialOrganization.objects.get(pk=org.pk).status != OrgStatus.ACTIVE) == case.changes


@pytest.mark.parametrize("case", CASES, ids=str)
def test_delete_only_for_changers_in_scope(case, org):
    response = client_as(case.user()).post(f"/orgs/{org.uscc}/delete/")
    assert response.status_code == (302 if case.changes else 404)
    assert SocialOrganization.objects.filter(pk=org.pk).exists() != case.changes


# --- forms ---------------------------------------------------------------------------------------------------------

def test_bad_code_shows_an_inline_chinese_error_and_writes_nothing(national_staff):
    response = client_as(national_staff).post("/orgs/new/", form_data(uscc="51530102MJ0000000"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-field="uscc"' in html and "统一社会信用代码" in html and "18" in html
    assert "is-invalid" in html
    assert not SocialOrganization.objects.exists()


def test_form_errors_are_english_when_the_browser_asks_for_english(national_staff):
    response = client_as(national_staff).post("/orgs/new/", form_data(uscc="51530102MJ0000000"),
                                              HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "The unified social credit code has 17 characters; it must have exactly 18." in html
    assert "统一社会信用代码为" not in html


def test_service_errors_land_on_their_fields(org, national_staff):
    response = client_as(national_staff).post("/orgs/new/", form_data(uscc=org.uscc))
    html = response.content.decode()
    assert 'data-field="uscc"' in html and "已" in html
    assert SocialOrganization.objects.count() == 1


def test_region_picker_offers_only_the_users_regions():
    county_staff = client_as(make_user((Role.BUREAU_STAFF, "530102")))
    html = county_staff.get("/orgs/new/").content.decode()
    assert 'hx-get="/regions/pick/"' in html
    query = {"field": "authority_region", "capability": "registry.change"}
    offered = county_staff.get("/regions/pick/", {**query, "authority_region": "5301"}).content.decode()
    assert 'data-pick="530102"' in offered and 'data-pick="530103"' not in offered
    beijing = county_staff.get("/regions/pick/", {**query, "authority_region": "1101"}).content.decode()
    assert 'data-pick="110101"' not in beijing
    refused = county_staff.post("/orgs/new/", form_data(authority_region="530103"))
    assert refused.status_code == 200 and not SocialOrganization.objects.exists()


def test_create_through_the_form_redirects_to_the_detail(national_staff):
    data = form_data(phone="13812345678", supervisor="五华区体育局")
    response = client_as(national_staff).post("/orgs/new/", data)
    assert response.status_code == 302 and response["Location"] == f"/orgs/{data['uscc']}/"
    org = SocialOrganization.objects.get(uscc=data["uscc"])
    assert (org.supervisor, org.phone, org.authority_level) == ("五华区体育局", "13812345678", "county")


def test_edit_changes_only_what_was_changed(org, national_staff):
    client = client_as(national_staff)
    form = client.get(f"/orgs/{org.uscc}/edit/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="五华区书画协会")
    data.pop("party_clause_in_charter")
    response = client.post(f"/orgs/{org.uscc}/edit/", data)
    assert response.status_code == 302
    stored = SocialOrganization.objects.get(pk=org.pk)
    assert (stored.name, stored.phone) == ("五华区书画协会", "13812345678")


def test_status_change_form_shows_field_errors(org, national_staff):
    response = client_as(national_staff).post(f"/orgs/{org.uscc}/revoke/", {"date": "2999-01-01", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-field="reason"' in html
    assert SocialOrganization.objects.get(pk=org.pk).status == OrgStatus.ACTIVE


def test_delete_refused_with_a_message_when_history_exists(org, national_staff):
    client = client_as(national_staff)
    client.post(f"/orgs/{org.uscc}/deregister/", {"date": "2024-05-01", "reason": "解散"})
    response = client.post(f"/orgs/{org.uscc}/delete/", follow=True)
    assert SocialOrganization.objects.filter(pk=org.pk).exists()
    assert "注销" in response.content.decode()


def test_delete_only_by_post(org, national_staff):
    assert client_as(national_staff).get(f"/orgs/{org.uscc}/delete/").status_code == 405


# --- detail content --------------------------------------------------------------------------------------------------

def test_detail_lists_party_orgs_masked_members_and_history(org, national_staff):
    party_org = PartyOrganization.objects.create(name="五华区书法协会党支部", kind=PartyOrgKind.BRANCH,
                                                 formation=Formation.STANDALONE, region_id="530102")
    PartyCoverage.objects.create(party_org=party_org, organization=org, start_on=datetime.date(2022, 1, 1))
    PartyMember.objects.create(name="张三", id_number="530102199001011234", membership=Membership.FULL,
                               party_org=party_org, employer=org)
    client = client_as(national_staff)
    client.post(f"/orgs/{org.uscc}/edit/", {**client.get(f"/orgs/{org.uscc}/edit/").context["form"].initial,
                                            "short_name": "书协", "registered_on": "2020-01-15"})
    html = client.get(f"/orgs/{org.uscc}/").content.decode()
    assert "五华区书法协会党支部" in html and "张三" in html
    assert "530***********1234" in html and "530102199001011234" not in html
    assert "社会组织登记" in html and "修改社会组织信息" in html  # the history names actions in words
    assert "registry.org.register" not in html and "registry.org.update" not in html
    assert "13812345678" in html  # a changer sees the contact phone in full


def test_detail_masks_the_phone_and_hides_members_from_a_viewer(org):
    viewer = make_user((Role.VIEWER, "530000"))
    html = client_as(viewer).get(f"/orgs/{org.uscc}/").content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "编辑" not in html


# --- list page, home card --------------------------------------------------------------------------------------------

def test_list_page_filters_and_sorts(register, national_staff):
    register("530102", name="五华区书法协会")
    register("110101", name="东城区慈善基金会", org_type=OrgType.FOUNDATION)
    html = client_as(national_staff).get("/orgs/?region=530000&ordering=-name_pinyin").content.decode()
    assert "五华区书法协会" in html and "东城区慈善基金会" not in html


def test_list_page_query_count_is_constant(register, django_assert_num_queries):
    user = make_user((Role.BUREAU_STAFF, "530000"))
    client = client_as(user)
    for _ in range(3):
        register("530102")
    client.get("/orgs/")  # the first request of a session records its activity time (a session save)
    # session, user, grants, region of the filter, count, page, the region picker's label (its full name)
    with django_assert_num_queries(7):
        client.get("/orgs/?region=530100")
    for _ in range(30):
        register("530103")
    # The same, less the picker's label: the filter form's HTML is cached for these values.
    with django_assert_num_queries(6):
        response = client.get("/orgs/?region=530100")
    assert response.context["page"].paginator.count == 33


def test_home_card_counts_active_orgs_in_scope(register, national_staff):
    register("530102")
    ended = register("530102")
    register("110101")
    client_as(national_staff).post(f"/orgs/{ended.uscc}/deregister/", {"date": "2024-05-01", "reason": "解散"})
    cards = client_as(make_user((Role.VIEWER, "530000"))).get("/").context["cards"]
    card = next(c for c in cards if c.url.startswith("/orgs/"))
    assert card.value == 1
    admin_cards = client_as(make_user((Role.AUDIT_ADMIN, "100000"))).get("/").context["cards"]
    assert not any(c.url.startswith("/orgs/") for c in admin_cards)
