"""The seed articles' own figures, reproduced from ledgers describing those organizations (docs/domain.md)."""

import pytest

from socorg.coverage.queries import region_figures
from socorg.party.choices import Formation, PartyOrgKind

from . import builders as b

pytestmark = pytest.mark.django_db


def test_yunnan_provincial_committee_301_orgs_270_party_orgs_covering_285(region):
    """Yunnan: 301 organizations, 270 party organizations (26 regular, 244 functional) covering 285 → 94.7%;
    the other 16 have party-building instructors → work coverage 100%."""
    orgs = [b.register("530000", full_members=3 if i < 26 else 1) for i in range(301)]
    regular, functional_covered, instructed = orgs[:26], orgs[26:285], orgs[285:]
    for org in regular:
        b.found([org], formation=Formation.STANDALONE)
    # 244 functional party organizations over 259 organizations: 15 of them span two organizations.
    pairs = [functional_covered[2 * i:2 * i + 2] for i in range(15)]
    singles = [[org] for org in functional_covered[30:]]
    for group in pairs + singles:
        b.found(group, formation=Formation.JOINT if len(group) > 1 else Formation.STANDALONE, functional=True)
    person = b.instructor("530000")
    for org in instructed:
        b.assign(person, org)

    figures = region_figures(region("530000"))
    totals = figures.totals

    assert totals["orgs"] == 301 and totals["org_covered"] == 285
    assert round(totals["org_coverage_rate"] * 100, 1) == 94.7
    assert totals["work_covered"] == 301 and totals["work_coverage_rate"] == 1.0
    assert totals["party_orgs"] == 270 and totals["party_orgs_functional"] == 244
    assert totals["party_orgs"] - totals["party_orgs_functional"] == 26
    assert figures.direct == totals  # all registered by the provincial authority (本级)
    assert region_figures(region("530000"), source="scratch").totals == totals


def test_bozhou_175_orgs_110_party_orgs_standalone_53_percent_build_rate_100(region):
    """Bozhou: 175 organizations, 110 party organizations, 单独组建率 53%, 应建尽建率 100%, work coverage 100%."""
    standalone = [b.register("341602", full_members=3 + i % 5) for i in range(93)]
    small = [b.register("341600" if i % 2 else "341602", full_members=i % 3) for i in range(82)]
    for org in standalone:
        b.found([org], formation=Formation.STANDALONE)
    for start in range(0, 82, 5):  # 17 joint branches of at most 5 organizations each
        b.found(small[start:start + 5], formation=Formation.JOINT, kind=PartyOrgKind.BRANCH)

    totals = region_figures(region("341600")).totals

    assert totals["orgs"] == 175 and totals["party_orgs"] == 110
    assert round(totals["standalone_rate"] * 100) == 53
    assert totals["build_rate"] == 1.0 and totals["should_build"] == 93
    assert totals["work_coverage_rate"] == 1.0 and totals["org_coverage_rate"] == 1.0
