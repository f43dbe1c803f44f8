"""Pages link to each other: an organization shows its party organizations, instructors, activities and alerts;
a party organization its activities, alerts and members; an organization flagged 应建未建 offers 「组建党组织」;
a region page links to that region's organizations, coverage and alerts."""

import re
from urllib.parse import parse_qs, urlparse

import pytest

from socorg.accounts.roles import Role
from socorg.alerts.models import Alert
from socorg.alerts.scan import run_scan
from socorg.core.testing import client_as, make_user
from socorg.coverage.state import refresh_coverage_flags
from socorg.party.tests.factories import make_org

from .factories import AS_OF, assign_instructor, healthy_branch

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    return client_as(make_user((Role.BUREAU_STAFF, "530000"), (Role.PARTY_STAFF, "530000")))


@pytest.fixture
def branch():
    party_org, org = healthy_branch("530102")
    assignment = assign_instructor(org)
    party_org.secretary_name = ""  # an open alert: secretary vacant
    party_org.save()
    run_scan(as_of=AS_OF)
    return party_org, org, assignment.instructor


def test_organization_page_links_its_party_organizations_instructors_activities_and_alerts(staff, branch):
    party_org, org, instructor = branch
    html = staff.get(f"/orgs/{org.uscc}/").content.decode()
    assert f'href="/party/{party_org.pk}/"' in html
    assert f'href="/party/instructors/{instructor.pk}/"' in html
    activity = party_org.activities.order_by("-date").first()
    assert f'href="/activities/{activity.pk}/"' in html and f'href="/activities/?party_org={party_org.pk}"' in html
    alert = Alert.objects.filter(party_org=party_org).first()
    assert alert is not None and f'href="/alerts/{alert.pk}/"' in html
    assert f'href="/alerts/list/?q={org.uscc}"' in html


def test_party_organization_page_links_its_activities_alerts_and_members(staff, branch):
    party_org, org, _ = branch
    html = staff.get(f"/party/{party_org.pk}/").content.decode()
    assert f'href="/orgs/{org.uscc}/"' in html
    assert f'href="/activities/?party_org={party_org.pk}"' in html
    assert f'href="/activities/new/?party_org={party_org.pk}"' in html
    assert f'href="/alerts/list/?party_org={party_org.pk}"' in html
    member = party_org.members.first()
    assert f'href="/party/members/{member.pk}/"' in html


def test_should_build_organization_offers_a_prefilled_creation_form(staff):
    org = make_org("530102", name="五华区软件行业协会", full_members=4, declared_full_members=4)
    html = staff.get(f"/orgs/{org.uscc}/").content.decode()
    link = re.search(r'id="build-party-org" href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert urlparse(link).path == "/party/new/"
    prefill = {key: values[0] for key, values in parse_qs(urlparse(link).query).items()}
    assert prefill == {"name": "五华区软件行业协会党支部", "kind": "branch", "formation": "standalone",
                       "region": "530102", "organizations": org.uscc}
    form = staff.get(link).content.decode()
    assert 'value="五华区软件行业协会党支部"' in form and org.uscc in form
    # Not offered to a reader, nor for an organization that already has its standalone party organization.
    viewer = client_as(make_user((Role.VIEWER, "530000")))
    assert "build-party-org" not in viewer.get(f"/orgs/{org.uscc}/").content.decode()
    _party_org, built = healthy_branch("530102")
    refresh_coverage_flags([built.pk])  # the factory writes rows directly; derive the standalone flag
    assert "build-party-org" not in staff.get(f"/orgs/{built.uscc}/").content.decode()


def test_region_page_links_to_its_organizations_coverage_and_alerts(staff):
    html = staff.get("/regions/530102/").content.decode()
    for url in ("/orgs/?region=530102", "/coverage/?region=530102", "/alerts/?region=530102",
                "/alerts/list/?region=530102&amp;state=open", "/party/?region=530102"):
        assert f'href="{url}"' in html
    outside = client_as(make_user((Role.BUREAU_STAFF, "110000"))).get("/regions/530102/").content.decode()
    assert 'id="region-links"' not in outside
