"""The public party-building figures (/public/, /api/v1/public/figures/) are the coverage app's figures: for every
published region the same number of organizations and the same two rates as coverage's region_figures, read in a
fixed number of queries however many provinces hold data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socorg.coverage.queries import region_figures
from socorg.party.tests.factories import make_org, make_party_org, staff
from socorg.public import queries
from socorg.regions.models import Region

pytestmark = pytest.mark.django_db


def rate(value):
    return None if value is None else round(value * 100, 1)


@pytest.fixture
def spread():
    """Organizations in three provinces, some covered by a party branch (organizational coverage) and some not."""
    actor = staff("100000")
    covered = [make_org("530102"), make_org("530102"), make_org("110101"), make_org("440103")]
    for code in ("530102", "110101", "440103", "440103"):
        make_org(code)
    make_party_org(actor, orgs=covered, name="联合党支部", founded_on=datetime.date(2020, 1, 1), formation="joint")


def test_the_public_figures_equal_the_coverage_figures_of_each_region(spread):
    rows = queries.party_figures()
    assert [row["code"] for row in rows] == ["100000", "110000", "440000", "530000"]
    for row in rows:
        totals = region_figures(Region.objects.get(code=row["code"])).totals
        assert (row["orgs"], row["org_coverage_rate"], row["work_coverage_rate"]) == (
            totals["orgs"], rate(totals["org_coverage_rate"]), rate(totals["work_coverage_rate"]))
    assert rows[0]["orgs"] == 8 and 0 < rows[0]["org_coverage_rate"] < 100


def test_the_published_levels_are_the_deployments_choice(spread, settings):
    settings.SOCORG_PUBLIC_FIGURE_LEVELS = ["province"]
    assert [row["code"] for row in queries.party_figures()] == ["110000", "440000", "530000"]
    settings.SOCORG_PUBLIC_FIGURE_LEVELS = ["national"]
    assert [row["code"] for row in queries.party_figures()] == ["100000"]
    settings.SOCORG_PUBLIC_FIGURE_LEVELS = []
    assert queries.party_figures() == []


def test_the_figures_take_three_queries_however_many_provinces_hold_data(spread):
    with CaptureQueriesContext(connection) as three_provinces:
        queries.party_figures()
    for code in ("120101", "310101", "500101", "650102"):
        make_org(code)
    with CaptureQueriesContext(connection) as seven_provinces:
        rows = queries.party_figures()
    assert len(rows) == 8
    assert len(seven_provinces.captured_queries) == len(three_provinces.captured_queries) == 3
