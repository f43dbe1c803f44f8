"""Who is responsible for an organization's party building (党建工作管理关系; issue 11, item 7): a responsible party
body per organization with history (the day it took over; a 脱钩 hand-over ends the previous one); coverage grouped
and filtered by it; and a responsible body as an account's scope, beside regions, inside the one visible_to."""

import datetime
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from socorg.accounts.models import RoleGrant
from socorg.accounts.roles import Role
from socorg.core.testing import api_as, make_user
from socorg.coverage.queries import orgs_behind, region_figures
from socorg.party import services
from socorg.party.choices import ResponsibleBodyKind
from socorg.party.models import PartyMember, PartyOrganization, Responsibility
from socorg.registry.models import SocialOrganization

from . import builders as b

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LAST_YEAR = TODAY - datetime.timedelta(days=365)
VIEW_ROLES = [Role.BUREAU_STAFF, Role.PARTY_STAFF, Role.VIEWER, Role.INSTRUCTOR]


@pytest.fixture
def staff():
    return make_user((Role.PARTY_STAFF, "100000"))


@pytest.fixture
def world(staff):
    """Body A (the province's 行业党委) is responsible for x (Kunming) and y (Beijing: across regions); body B (the
    comprehensive committee) for z, and for w since a hand-over from A this year (脱钩); v has none recorded."""
    a = services.responsible_body_create(name="云南省行业协会商会党委", kind=ResponsibleBodyKind.INDUSTRY,
                                         region="530000", actor=staff)
    bb = services.responsible_body_create(name="五华区社会组织综合党委", kind=ResponsibleBodyKind.COMPREHENSIVE,
                                          region="530102", actor=staff)
    x, y, z, w, v = (b.register("530102", full_members=3), b.register("110101"), b.register("530102"),
                     b.register("530102"), b.register("530102"))
    b.found([x])
    for org, body in ((x, a), (y, a), (z, bb), (w, a)):
        services.responsibility_hand_over(organization=org, body=body, start_on=LAST_YEAR, actor=staff)
    services.responsibility_hand_over(organization=w, body=bb, start_on=TODAY, reason="脱钩", actor=staff)
    return {"a": a, "b": bb, "x": x, "y": y, "z": z, "w": w, "v": v}


def body_user(role, body):
    user = make_user()
    RoleGrant.objects.create(user=user, role=role, region_id=body.region_id, responsible_body=body)
    return user


# --- history --------------------------------------------------------------------------------------------------


def test_a_hand_over_ends_the_current_responsibility_and_keeps_the_history(world):
    history = list(Responsibility.objects.filter(organization=world["w"]).order_by("start_on")
                   .values_list("body__name", "start_on", "end_on", "reason"))
    assert history == [("云南省行业协会商会党委", LAST_YEAR, TODAY, ""),
                       ("五华区社会组织综合党委", TODAY, None, "脱钩")]


@pytest.mark.parametrize(("body", "start_on", "field"), [
    ("b", TODAY + datetime.timedelta(days=1), "start_on"),  # in the future
    ("b", TODAY - datetime.timedelta(days=400), "start_on"),  # before the current one took over
])
def test_hand_overs_are_checked(world, staff, body, start_on, field):
    with pytest.raises(ValidationError) as error:
        services.responsibility_hand_over(organization=world["x"], body=world[body], start_on=start_on, actor=staff)
    assert field in error.value.message_dict


def test_the_same_body_cannot_take_over_again(world, staff):
    with pytest.raises(ValidationError) as error:
        services.responsibility_hand_over(organization=world["x"], body=world["a"], actor=staff)
    assert "body" in error.value.message_dict


def test_a_county_user_cannot_hand_over_an_organization_of_another_region(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.responsibility_hand_over(organization=world["y"], body=world["b"],
                                          actor=make_user((Role.PARTY_STAFF, "530102")))


# --- coverage grouped and filtered by responsible body ----------------------------------------------------------


def groups(figures) -> dict[str, int]:
    return {child["group"]["key"]: child["totals"]["orgs"] for child in figures.children}


def test_coverage_grouped_by_responsible_body_today_and_as_of_a_past_day(world, region):
    a, bb = str(world["a"].pk), str(world["b"].pk)
    figures = region_figures(region("100000"), by="responsible")
    assert groups(figures) == {a: 2, bb: 2, "": 1}  # "": none recorded
    assert {c["group"]["name"] for c in figures.children} >= {"云南省行业协会商会党委", "五华区社会组织综合党委"}
    assert sum(groups(figures).values()) == figures.totals["orgs"]
    past = region_figures(region("100000"), by="responsible", on=TODAY - datetime.timedelta(days=1))
    assert groups(past) == {a: 3, bb: 1, "": 1}  # w was still under A before the hand-over


def test_coverage_filtered_by_responsible_body_across_regions(world, region):
    totals = region_figures(region("100000"), responsible=world["a"]).totals
    assert (totals["orgs"], totals["org_covered"], totals["should_build"], totals["party_orgs"]) == (2, 1, 1, 1)
    assert region_figures(region("100000"), responsible=world["a"], source="scratch").totals == totals
    assert region_figures(region("530000"), responsible=world["a"]).totals["orgs"] == 1  # y is in Beijing
    user = make_user((Role.VIEWER, "100000"))
    listed = orgs_behind(user, region("100000"), "all", responsible=world["a"])
    assert {o.pk for o in listed} == {world["x"].pk, world["y"].pk}


def test_command_and_api_group_and_filter_by_responsible_body(world):
    out = io.StringIO()
    call_command("coverage", "--by", "responsible", "--format", "json", stdout=out)
    assert {c["group"]["name"] for c in json.loads(out.getvalue())["children"]} >= {"云南省行业协会商会党委"}
    out = io.StringIO()
    call_command("coverage", "--responsible", "云南省行业协会商会党委", "--format", "json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["totals"]["orgs"] == 2 and result["responsible"]["name"] == "云南省行业协会商会党委"
    client = api_as(make_user((Role.VIEWER, "100000")))
    assert client.get("/api/v1/coverage/", {"responsible": world["a"].pk}).json()["totals"]["orgs"] == 2
    assert client.get("/api/v1/coverage/", {"by": "responsible"}).status_code == 200
    bad = client.get("/api/v1/coverage/", {"responsible": 999999})
    assert bad.status_code == 400 and "responsible" in bad.json()


# --- a responsible body as an account's scope: role × scope, no leak --------------------------------------------


@pytest.mark.parametrize("role", VIEW_ROLES)
def test_a_body_grant_reads_exactly_the_organizations_the_body_is_responsible_for_today(world, role):
    user = body_user(role, world["a"])
    seen = set(SocialOrganization.objects.visible_to(user).values_list("pk", flat=True))
    assert seen == {world["x"].pk, world["y"].pk}  # across regions; not z (B), not w (handed over), not v
    assert not SocialOrganization.objects.visible_to(user, "change").exists()  # reading rights only
    client = api_as(user)
    for name, status in (("x", 200), ("y", 200), ("z", 404), ("w", 404), ("v", 404)):
        assert client.get(f"/api/v1/orgs/{world[name].uscc}/").status_code == status, name
    # the party organizations covering them follow the same path; member records (personal data) do not
    assert set(PartyOrganization.objects.visible_to(user).values_list("pk", flat=True)) == set(
        PartyOrganization.objects.filter(coverages__organization=world["x"]).values_list("pk", flat=True))
    assert not PartyMember.objects.visible_to(user).exists()


@pytest.mark.parametrize("role", VIEW_ROLES)
def test_a_body_grants_figures_are_those_of_its_organizations_only(world, role):
    client = api_as(body_user(role, world["a"]))
    figures = client.get("/api/v1/coverage/").json()
    assert figures["responsible"]["name"] == "云南省行业协会商会党委" and figures["totals"]["orgs"] == 2
    assert client.get("/api/v1/coverage/", {"region": "530000"}).json()["totals"]["orgs"] == 1
    assert client.get("/api/v1/coverage/", {"responsible": world["b"].pk}).status_code == 404  # another body
    listed = client.get("/api/v1/coverage/orgs/", {"region": "100000"}).json()
    assert {row["uscc"] for row in listed["results"]} == {world["x"].uscc, world["y"].uscc}


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_administrators_read_no_business_data_through_a_body_grant(world, role):
    user = body_user(role, world["a"])
    assert not SocialOrganization.objects.visible_to(user).exists()
    assert api_as(user).get("/api/v1/coverage/").status_code == 403


def test_a_region_grant_beside_a_body_grant_adds_its_region_and_nothing_else(world):
    user = body_user(Role.VIEWER, world["a"])
    RoleGrant.objects.create(user=user, role=Role.VIEWER, region_id="530102")
    user.forget_grants()
    seen = set(SocialOrganization.objects.visible_to(user).values_list("pk", flat=True))
    assert seen == {world[name].pk for name in ("x", "y", "z", "w", "v")}
    assert api_as(user).get("/api/v1/coverage/", {"region": "110101"}).status_code == 404  # no region grant there
