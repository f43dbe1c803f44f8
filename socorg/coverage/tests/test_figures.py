"""The figures follow the definitions (docs/domain.md) and the three sources agree."""

import datetime
import re

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import client_as, make_user
from socorg.coverage.queries import region_figures, verify_maintained
from socorg.party.choices import Formation
from socorg.registry.choices import OrgStatus

from . import builders as b

pytestmark = pytest.mark.django_db

SOURCES = ("maintained", "flags", "scratch")


def figures_from_every_source(region):
    results = {source: region_figures(region, source=source).as_json() for source in SOURCES}
    for result in results.values():
        result.pop("source")
    assert results["maintained"] == results["flags"] == results["scratch"]
    return results["maintained"]


def test_definitions_of_each_count(region):
    standalone = b.register("530102", full_members=5)
    joint_a, joint_b = b.register("530102", full_members=3), b.register("530102")
    functional_only = b.register("530102", full_members=4)
    instructed = b.register("530102")
    bare = b.register("530102", full_members=1)
    b.register("530102", status=OrgStatus.DEREGISTERED)  # not counted at all
    b.found([standalone])
    b.found([joint_a, joint_b], formation=Formation.JOINT)
    b.found([functional_only], functional=True)
    b.assign(b.instructor(), instructed)

    totals = figures_from_every_source(region("530102"))["totals"]

    assert totals["orgs"] == 6
    assert totals["org_covered"] == 4 and totals["org_uncovered"] == 2
    assert totals["work_covered"] == 5 and totals["work_uncovered"] == 1
    assert totals["standalone"] == 1
    assert totals["should_build"] == 3 and totals["should_build_built"] == 1 and totals["should_build_missing"] == 2
    assert totals["party_orgs"] == 3 and totals["party_orgs_functional"] == 1
    assert totals["full_members"] == 13
    assert totals["org_coverage_rate"] == pytest.approx(4 / 6, abs=1e-6)
    assert totals["work_coverage_rate"] == pytest.approx(5 / 6, abs=1e-6)
    assert totals["standalone_rate"] == pytest.approx(1 / 6, abs=1e-6)
    assert totals["build_rate"] == pytest.approx(1 / 3, abs=1e-6)
    assert bare.org_covered is False


def test_rates_are_null_when_nothing_to_count(region):
    totals = figures_from_every_source(region("530102"))["totals"]
    assert totals["orgs"] == 0
    assert totals["org_coverage_rate"] is None and totals["build_rate"] is None


def test_province_has_own_level_row_children_and_folds_by_code_prefix(region):
    b.found([b.register("530000")])  # registered by the province itself (本级)
    b.register("530102")
    b.register("530111")
    b.register("530302", full_members=3)

    result = figures_from_every_source(region("530000"))

    assert result["totals"]["orgs"] == 4
    assert result["direct"]["totals"]["orgs"] == 1 and result["direct"]["totals"]["org_covered"] == 1
    children = {child["region"]["code"]: child["totals"] for child in result["children"]}
    assert children["530100"]["orgs"] == 2
    assert children["530300"]["orgs"] == 1 and children["530300"]["should_build"] == 1
    assert children["530400"]["orgs"] == 0  # current children are listed even when empty
    assert sum(c["orgs"] for c in children.values()) + result["direct"]["totals"]["orgs"] == 4


def test_county_has_no_own_level_row_nor_children(region):
    b.register("530102")
    result = region_figures(region("530102")).as_json()
    assert result["direct"] is None and result["children"] == []
    assert result["region"] == {"code": "530102", "name": "五华区", "level": "county", "full_name": result["region"][
        "full_name"]}


def test_counties_directly_under_a_province_are_children(region):
    b.register("429004")
    children = {c["region"]["code"]: c["totals"]["orgs"] for c in region_figures(region("420000")).children}
    assert children["429004"] == 1


def test_joint_branch_spanning_two_counties_counts_in_both_and_once_above(region):
    b.found([b.register("530102"), b.register("530103")], formation=Formation.JOINT)

    prefecture = figures_from_every_source(region("530100"))
    children = {c["region"]["code"]: c["totals"]["party_orgs"] for c in prefecture["children"]}
    assert children["530102"] == 1 and children["530103"] == 1
    assert prefecture["totals"]["party_orgs"] == 1
    assert figures_from_every_source(region("100000"))["totals"]["party_orgs"] == 1


def test_party_org_covering_nobody_in_scope_is_not_counted(region):
    org = b.register("530102")
    party_org = b.found([org])
    b.end_org(org)  # its only organization is deregistered: the 党委 covers none
    assert figures_from_every_source(region("530102"))["totals"]["party_orgs"] == 0
    assert party_org.status == "active"


def test_nation_direct_row_is_national_registrations(region):
    b.register("100000")
    b.register("110101")
    result = figures_from_every_source(region("100000"))
    assert result["direct"]["totals"]["orgs"] == 1
    assert {c["region"]["code"]: c["totals"]["orgs"] for c in result["children"]}["110000"] == 1


def test_past_date_uses_history_of_orgs_party_orgs_and_coverages(region):
    today = timezone.localdate()
    last_year = today - datetime.timedelta(days=365)
    older = today - datetime.timedelta(days=700)
    covered_then = b.register("530102", registered_on=older)
    party_org = b.found([covered_then], start_on=older)
    b.dissolve(party_org, on=today - datetime.timedelta(days=30))
    deregistered_since = b.register("530102", registered_on=older)
    b.end_org(deregistered_since, on=today - datetime.timedelta(days=10))
    b.register("530102", registered_on=today - datetime.timedelta(days=5))  # not yet registered then

    then = region_figures(region("530102"), on=last_year).totals
    now = region_figures(region("530102")).totals

    assert then["orgs"] == 2 and then["org_covered"] == 1 and then["party_orgs"] == 1
    assert now["orgs"] == 2 and now["org_covered"] == 0 and now["party_orgs"] == 0


def test_future_date_is_refused(region):
    with pytest.raises(ValueError, match="future"):
        region_figures(region("530102"), on=timezone.localdate() + datetime.timedelta(days=1))


@pytest.mark.parametrize("by", ["type", "category", "level", "supervisor"])
def test_breakdown_by_another_dimension_sums_to_the_totals(region, by):
    b.found([b.register("530102", org_type="foundation", supervisor="云南省教育厅")], functional=True)
    b.register("530102", category="charity")
    b.register("530100", full_members=4)
    result = region_figures(region("530100"), by=by).as_json()
    assert sum(group["totals"]["orgs"] for group in result["children"]) == result["totals"]["orgs"] == 3
    assert all(group["group"]["name"] for group in result["children"])
    assert sum(group["totals"]["party_orgs"] for group in result["children"]) == 1
    assert result["direct"] is None  # no 本级 row: the groups already sum to the total


def test_the_dashboard_by_category_shows_no_own_level_row(region):
    b.register("530100", category="charity")
    b.register("530102")
    page = client_as(make_user((Role.VIEWER, "530000"))).get("/coverage/", {"region": "530100", "by": "category"})
    html = page.content.decode()
    table = html[html.index('id="coverage-table"'):html.index("</table>", html.index('id="coverage-table"'))]
    kinds = re.findall(r"<tr class=\"[^\"]*\" data-kind=\"(\w+)\"", table)
    assert "direct" not in kinds and "本级" not in table
    assert kinds.count("group") == 2 and kinds[-1] == "total"


def test_verify_maintained_reports_no_difference_after_changes(region):
    org = b.register("530102", full_members=3)
    party_org = b.found([org])
    b.set_functional(party_org, True)
    b.transfer(org, "530103")
    assert verify_maintained(region("530100")) == []
    assert verify_maintained() == []
