"""Organization lists are ordered region first (then USCC), and a scope is also stated as a range of region codes."""

import pytest

from socorg.accounts.roles import Role
from socorg.core.scope import prefix_filter
from socorg.core.testing import api_as, make_user
from socorg.regions.models import Region
from socorg.registry.choices import OrgType

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("prefix", ["1", "53", "5301", "5309", "530102", "429004", "65"])
def test_scope_range_selects_exactly_the_codes_under_the_prefix(prefix):
    # The range ("5309" <= code < "5310") must neither add nor drop a real code beside the LIKE.
    scoped = set(Region.objects.filter(prefix_filter("code", [prefix])).values_list("code", flat=True))
    expected = {code for code in Region.objects.values_list("code", flat=True) if code.startswith(prefix)}
    assert scoped == expected and expected


def test_org_api_lists_region_first_then_uscc(register):
    # A foundation's USCC (53…) sorts after a social group's (51…): in USCC order Beijing's foundation would be last.
    kunming = sorted([register("530102"), register("530102")], key=lambda org: org.uscc)
    beijing = register("110101", org_type=OrgType.FOUNDATION)
    assert beijing.uscc > kunming[-1].uscc
    user = make_user((Role.BUREAU_STAFF, "100000"))
    rows = api_as(user).get("/api/v1/orgs/").json()["results"]
    assert [row["uscc"] for row in rows] == [beijing.uscc] + [org.uscc for org in kunming]


def test_explicit_ordering_still_wins_over_the_region_first_default(register):
    first, second = register("530102", name="甲协会"), register("110101", name="乙协会")
    user = make_user((Role.BUREAU_STAFF, "100000"))
    rows = api_as(user).get("/api/v1/orgs/", {"ordering": "-uscc"}).json()["results"]
    assert [row["uscc"] for row in rows] == sorted([first.uscc, second.uscc], reverse=True)
