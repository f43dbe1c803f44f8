import datetime

import pytest
from django.utils import timezone

from socorg.accounts.models import User
from socorg.accounts.roles import Role
from socorg.core.models import AuditEntry
from socorg.core.testing import client_as, scope_cases
from socorg.party import services
from socorg.party.models import Instructor, PartyCoverage, PartyMember, PartyOrganization

from .factories import make_org, make_party_org, staff, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def branch(actor, orgs):
    return make_party_org(actor, orgs=orgs[:2], name="五华区联合党支部", founded_on=datetime.date(2020, 1, 1))


@pytest.fixture
def member(actor, branch, orgs):
    return services.member_add(name="王党员", party_org=branch, employer=orgs[0], id_number=valid_id_number(),
                               phone="13812345678", joined_on=datetime.date(2010, 7, 1), actor=actor)


@pytest.fixture
def instructor(actor, orgs):
    instructor = services.instructor_create(name="赵指导员", region="530102", phone="13700001111", actor=actor)
    services.assignment_add(instructor=instructor, organization=orgs[3], actor=actor)
    return instructor


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_party_org_pages_scoped(case, branch):
    client = client_as(case.user())
    detail = client.get(f"/party/{branch.pk}/")
    listing = client.get("/party/")
    if case.sees:
        assert detail.status_code == 200 and branch.name in detail.content.decode()
        assert branch.name in listing.content.decode()
    else:
        assert detail.status_code in (403, 404)
        assert listing.status_code == 403 or branch.name not in listing.content.decode()


@pytest.mark.parametrize("case", scope_cases(home="530102", view_roles={Role.BUREAU_STAFF, Role.PARTY_STAFF,
                                                                         Role.INSTRUCTOR}), ids=str)
def test_member_pages_scoped_and_masked(case, member):
    client = client_as(case.user())
    detail = client.get(f"/party/members/{member.pk}/")
    if case.sees:
        page = detail.content.decode()
        assert detail.status_code == 200
        assert member.id_number not in page and "13812345678" not in page
        assert "138****5678" in page
        assert (f"/party/members/{member.pk}/reveal/" in page) == case.changes
    else:
        assert detail.status_code in (403, 404)


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_instructor_pages_scoped(case, instructor):
    response = client_as(case.user()).get(f"/party/instructors/{instructor.pk}/")
    assert response.status_code == 200 if case.sees else response.status_code in (403, 404)


def test_reveal_button_shows_plaintext_and_audits(actor, member):
    response = client_as(actor).post(f"/party/members/{member.pk}/reveal/")
    assert response.status_code == 200 and member.id_number in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert AuditEntry.objects.filter(action="party.member.reveal", object_id=str(member.pk)).count() == 1


def test_reveal_refused_for_instructor_role(member):
    response = client_as(staff("530102", Role.INSTRUCTOR)).post(f"/party/members/{member.pk}/reveal/")
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="party.member.reveal").exists()


def test_create_party_org_through_form(actor, orgs):
    response = client_as(actor).post("/party/new/", {
        "name": "五华区律师行业党支部", "kind": "branch", "formation": "joint",
        "organizations": f"{orgs[4].uscc}\n{orgs[5].uscc}", "term_years": "3"})
    created = PartyOrganization.objects.get(name="五华区律师行业党支部")
    assert response.status_code == 302 and response["Location"] == f"/party/{created.pk}/"
    assert created.coverages.count() == 2


def test_form_shows_field_errors_in_chinese(actor, orgs):
    response = client_as(actor).post("/party/new/", {
        "name": "单独党支部", "kind": "branch", "formation": "standalone",
        "organizations": f"{orgs[4].uscc}, {orgs[5].uscc}, 91110000000000000X", "term_years": "3"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "91110000000000000X" in page and "is-invalid" in page
    assert not PartyOrganization.objects.exists()


def test_form_refuses_region_outside_scope_inline(actor):
    response = client_as(actor).post("/party/new/", {
        "name": "北京党委", "kind": "committee", "formation": "industry", "region": "110101", "term_years": "3"})
    assert response.status_code == 200 and "110101" in response.content.decode()
    assert not PartyOrganization.objects.exists()


def test_edit_form_sets_vacancy(actor, branch):
    services.party_org_update(party_org=branch, secretary_name="张书记", actor=actor)
    response = client_as(actor).post(f"/party/{branch.pk}/edit/", {
        "name": branch.name, "kind": "branch", "formation": "joint", "region": "530102", "founded_on": "2020-01-01",
        "secretary_name": "", "term_years": "3"})
    assert response.status_code == 302
    branch.refresh_from_db()
    assert branch.secretary_vacant_since == TODAY


def test_coverage_add_and_end_buttons(actor, branch, orgs):
    client = client_as(actor)
    client.post(f"/party/{branch.pk}/coverages/", {"organization": orgs[6].uscc})
    coverage = PartyCoverage.objects.get(party_org=branch, organization=orgs[6])
    orgs[6].refresh_from_db()
    assert orgs[6].org_covered
    client.post(f"/party/{branch.pk}/coverages/{coverage.pk}/end/", {"day": ""})
    coverage.refresh_from_db()
    assert coverage.end_on == TODAY


def test_coverage_add_error_is_flashed(actor, branch):
    foreign = make_org("110101")
    response = client_as(actor).post(f"/party/{branch.pk}/coverages/", {"organization": foreign.uscc}, follow=True)
    assert foreign.uscc in response.content.decode()
    assert not PartyCoverage.objects.filter(organization=foreign).exists()


def test_member_form_duplicate_id_inline(actor, member, branch):
    response = client_as(actor).post("/party/members/new/", {
        "name": "另一人", "id_number": member.id_number, "membership": "full", "party_org": branch.name})
    assert response.status_code == 200 and branch.name in response.content.decode()
    assert PartyMember.objects.count() == 1


def test_member_edit_keeps_id_when_left_empty(actor, member, branch):
    number = member.id_number
    response = client_as(actor).post(f"/party/members/{member.pk}/edit/", {
        "name": "王党员", "id_number": "", "phone": "", "membership": "full", "joined_on": "2010-07-01",
        "party_org": branch.name})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.id_number == number and member.phone == "13812345678"


def test_member_leave_button(actor, member):
    client_as(actor).post(f"/party/members/{member.pk}/leave/", {"day": TODAY.isoformat()})
    member.refresh_from_db()
    assert not member.is_active


def test_instructor_create_and_leave(actor, orgs):
    client = client_as(actor)
    response = client.post("/party/instructors/new/", {"kind": "liaison", "name": "钱联络员", "region": "530102",
                                                       "phone": "13600002222"})
    assert response.status_code == 302
    instructor = services.find_by_phone(Instructor.objects.all(), "13600002222").get()
    client.post(f"/party/instructors/{instructor.pk}/assignments/", {"organization": orgs[0].uscc})
    orgs[0].refresh_from_db()
    assert orgs[0].work_covered
    client.post(f"/party/instructors/{instructor.pk}/leave/", {"day": ""})
    orgs[0].refresh_from_db()
    assert not orgs[0].work_covered


def test_list_filters_and_sorting(actor, branch, orgs):
    make_party_org(actor, orgs=orgs[2:3], name="安宁党支部", formation="standalone")
    client = client_as(actor)
    page = client.get("/party/", {"formation": "standalone"}).content.decode()
    assert "安宁党支部" in page and "五华区联合党支部" not in page
    page = client.get("/party/", {"ordering": "-name"}).content.decode()
    assert page.index("五华区联合党支部") < page.index("安宁党支部")
    page = client.get("/party/", {"covers": orgs[0].uscc}).content.decode()
    assert "五华区联合党支部" in page and "安宁党支部" not in page


def test_home_cards_count_scope(actor, member, branch):
    from socorg.core.home import _providers
    from socorg.party.home import party_cards

    assert party_cards in _providers  # registered by PartyConfig.ready()
    assert [(c.value, c.url) for c in party_cards(actor)] == [(1, "/party/?status=active"),
                                                               (1, "/party/members/?active=true")]
    assert [c.value for c in party_cards(staff("530103"))] == [0, 0]
    viewer_cards = party_cards(staff("530102", Role.VIEWER))
    assert [c.url for c in viewer_cards] == ["/party/?status=active"]  # viewers do not see members


@pytest.mark.parametrize("url", ["/party/", "/party/members/", "/party/instructors/"])
def test_list_page_query_count_is_constant(url, actor, orgs, django_assert_max_num_queries):
    def grow(start):
        for i in range(start, start + 5):
            org = make_org("530102")
            party_org = make_party_org(actor, orgs=[org], name=f"页面党支部{i}")
            services.member_add(name=f"党员{i}", party_org=party_org, employer=org, actor=actor)
            inst = services.instructor_create(name=f"指导员{i}", region="530102", actor=actor)
            services.assignment_add(instructor=inst, organization=org, actor=actor)

    grow(0)
    reader = staff("530100")
    client = client_as(reader)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    grow(5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200
    assert User.objects.filter(pk=reader.pk).exists()
