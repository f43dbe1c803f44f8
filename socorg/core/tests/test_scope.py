"""The region scope on a real scoped model (SocialOrganization rows written directly, no service involved)."""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction

from socorg.accounts.roles import Role
from socorg.core.scope import can, ensure_in_scope, prefix_filter
from socorg.core.testing import make_user, scope_cases
from socorg.registry.models import SocialOrganization

pytestmark = pytest.mark.django_db

_uscc = (f"51{n:016d}" for n in itertools.count(1))


def org_in(county: str, name: str = "") -> SocialOrganization:
    # The USCC is not validated here: scope only reads the authority region.
    return SocialOrganization.objects.create(
        uscc=next(_uscc), name=name or f"测试协会{county}", org_type="social_group",
        authority_region_id=county, authority_level="county",
    )


@pytest.fixture
def wuhua_org():
    return org_in("530102", "五华区测试协会")


@pytest.fixture
def orgs():
    return {code: org_in(code) for code in ("530102", "530103", "530302", "110101", "429004")}


@pytest.mark.parametrize("case", scope_cases(home="530102"), ids=str)
def test_role_region_matrix_on_social_organizations(case, wuhua_org):
    user = case.user()
    visible = SocialOrganization.objects.visible_to(user, "view")
    changeable = SocialOrganization.objects.visible_to(user, "change")
    assert visible.filter(pk=wuhua_org.pk).exists() is case.sees
    assert changeable.filter(pk=wuhua_org.pk).exists() is case.changes


def test_county_user_cannot_see_other_county(orgs):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    visible = set(SocialOrganization.objects.visible_to(user).values_list("authority_region_id", flat=True))
    assert visible == {"530102"}


def test_prefecture_user_sees_its_counties_only(orgs):
    user = make_user((Role.BUREAU_STAFF, "530100"))
    visible = set(SocialOrganization.objects.visible_to(user).values_list("authority_region_id", flat=True))
    assert visible == {"530102", "530103"}


def test_province_user_sees_all_its_counties(orgs):
    user = make_user((Role.VIEWER, "530000"))
    visible = set(SocialOrganization.objects.visible_to(user).values_list("authority_region_id", flat=True))
    assert visible == {"530102", "530103", "530302"}


def test_nation_user_sees_everything(orgs):
    user = make_user((Role.PARTY_STAFF, "100000"))
    assert SocialOrganization.objects.visible_to(user).count() == len(orgs)


def test_grants_in_two_provinces_add_up(orgs):
    user = make_user((Role.VIEWER, "110000"), (Role.VIEWER, "429004"))
    visible = set(SocialOrganization.objects.visible_to(user).values_list("authority_region_id", flat=True))
    assert visible == {"110101", "429004"}


def test_viewer_sees_but_cannot_change(orgs):
    user = make_user((Role.VIEWER, "100000"))
    assert SocialOrganization.objects.visible_to(user, "view").count() == len(orgs)
    assert not SocialOrganization.objects.visible_to(user, "change").exists()


def test_change_right_follows_the_grant_region_not_the_view_right(orgs):
    # Viewer over the whole province, bureau staff only over one county: changes only there.
    user = make_user((Role.VIEWER, "530000"), (Role.BUREAU_STAFF, "530103"))
    changeable = set(SocialOrganization.objects.visible_to(user, "change").values_list("authority_region_id",
                                                                                       flat=True))
    assert changeable == {"530103"}


@pytest.mark.parametrize("role", [Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_administrators_see_no_business_rows(role, orgs):
    user = make_user((role, "100000"))
    assert not SocialOrganization.objects.visible_to(user, "view").exists()
    assert not can(user, "registry.view")


def test_user_without_grants_sees_nothing(orgs):
    assert not SocialOrganization.objects.visible_to(make_user()).exists()


def test_anonymous_user_sees_nothing(orgs):
    assert not SocialOrganization.objects.visible_to(AnonymousUser()).exists()


def test_deactivated_user_sees_nothing(orgs):
    user = make_user((Role.BUREAU_STAFF, "100000"))
    user.is_active = False
    user.save()
    assert not SocialOrganization.objects.visible_to(user).exists()


def test_forgetting_the_user_fails_loudly():
    with pytest.raises(TypeError, match="acting user"):
        SocialOrganization.objects.visible_to(None)


def test_prefix_filter_is_a_single_like_per_region_and_drops_covered_prefixes():
    q = prefix_filter("code", ["5301", "53", "530102", "11"])
    assert sorted(child[1] for child in q.children if isinstance(child, tuple) and child[1]) == ["11", "53"]
    assert prefix_filter("code", ["", "53"]) is None


def test_visible_to_is_one_query(orgs, django_assert_num_queries):
    user = make_user((Role.BUREAU_STAFF, "530000"))
    user.active_grants()  # grants are read once per request and cached on the user
    with django_assert_num_queries(1):
        list(SocialOrganization.objects.visible_to(user))


def test_ensure_in_scope_rolls_back_a_write_that_leaves_the_scope(wuhua_org):
    user = make_user((Role.BUREAU_STAFF, "530102"))
    with pytest.raises(PermissionDenied), transaction.atomic():
        wuhua_org.authority_region_id = "110101"
        wuhua_org.save()
        ensure_in_scope(user, wuhua_org)
    wuhua_org.refresh_from_db()
    assert wuhua_org.authority_region_id == "530102"


def test_ensure_in_scope_accepts_a_write_inside_the_scope(wuhua_org):
    user = make_user((Role.BUREAU_STAFF, "530100"))
    with transaction.atomic():
        wuhua_org.authority_region_id = "530103"
        wuhua_org.save()
        ensure_in_scope(user, wuhua_org)
    wuhua_org.refresh_from_db()
    assert wuhua_org.authority_region_id == "530103"


def test_ensure_in_scope_refuses_a_viewer_write(wuhua_org):
    user = make_user((Role.VIEWER, "530000"))
    with pytest.raises(PermissionDenied), transaction.atomic():
        wuhua_org.name = "改名"
        wuhua_org.save()
        ensure_in_scope(user, wuhua_org)
    wuhua_org.refresh_from_db()
    assert wuhua_org.name == "五华区测试协会"


def test_can_checks_a_capability_over_a_region():
    user = make_user((Role.BUREAU_STAFF, "530100"))
    assert can(user, "registry.change", "530102")
    assert not can(user, "registry.change", "530302")
    assert not can(user, "audit.view")


def test_in_subtree_selects_a_prefix_subtree_by_range(orgs):
    """in_subtree is the one region-subtree filter: "53" selects Yunnan's rows, "5301" Kunming's, "" everything."""
    from socorg.core.scope import in_subtree

    def codes(prefix):
        return set(SocialOrganization.objects.filter(in_subtree("authority_region__code", prefix))
                   .values_list("authority_region_id", flat=True))

    assert codes("53") == {"530102", "530103", "530302"}
    assert codes("5301") == {"530102", "530103"}
    assert codes("530102") == {"530102"}
    assert codes("") == set(orgs)
    sql = str(SocialOrganization.objects.filter(in_subtree("authority_region__code", "5301")).query)
    assert ">= 5301" in sql and "< 5302" in sql  # the planner-friendly range, not only LIKE


def test_a_county_subtree_is_stated_as_equality_on_its_code(orgs):
    """A county's code is as long as a region code gets: only that code starts with it, and equality lets an index
    on (region, sort key) deliver the county's rows in order (the county member list); the rows are the same."""
    from socorg.core.scope import in_subtree
    from socorg.party.models import PartyOrganization

    county = SocialOrganization.objects.filter(in_subtree("authority_region__code", "530102"))
    assert set(county.values_list("authority_region_id", flat=True)) == {"530102"}
    sql = str(county.query)
    assert "= 530102" in sql and ">= 530102" not in sql and "LIKE" not in sql
    via_key = str(PartyOrganization.objects.filter(in_subtree("region", "530102")).query)  # a foreign key to a region
    assert "= 530102" in via_key and ">= 530102" not in via_key


def test_subtree_sql_states_the_same_range_for_raw_sql():
    from socorg.core.scope import subtree_sql

    assert subtree_sql("a.region_id", "") == ("", [])
    assert subtree_sql("a.region_id", "3709") == (
        " AND a.region_id LIKE %s AND a.region_id >= %s AND a.region_id < %s", ["3709%", "3709", "3710"])


def test_no_hand_written_region_prefix_filters():
    """Region subtrees are selected through core.scope.in_subtree only (issue #12 item 5)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"region(_id|__code)?__startswith|\bcode__startswith=prefix|region_id LIKE")
    offenders = [f"{path.relative_to(root)}:{n}" for path in root.rglob("*.py") if "tests" not in path.parts
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if pattern.search(line)]
    assert offenders == []
