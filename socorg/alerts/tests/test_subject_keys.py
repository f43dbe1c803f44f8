"""An alert's subject (party organization or social organization) and region keys are not database constraints
(checking them cost a first national scan several seconds per 400,000 new alerts, see benchmarks/README.md), so
no alert may outlive its subject through any path that removes one: Django's deletes cascade to the alerts (and
their rectification steps), a region with alerts cannot be deleted, and no code removes organizations, party
organizations or regions with raw SQL."""

import re
from pathlib import Path

import pytest
from django.db.models import ProtectedError

from socorg.alerts.models import Alert, AlertEvent
from socorg.alerts.scan import run_scan
from socorg.party.models import PartyOrganization
from socorg.party.tests.factories import make_org
from socorg.regions.models import Region
from socorg.registry.models import SocialOrganization

from .factories import AS_OF

pytestmark = pytest.mark.django_db


def idle_branch(region="530102"):
    return PartyOrganization.objects.create(name="无活动党支部", kind="branch", formation="standalone",
                                            region_id=region, secretary_name="")


def test_the_subject_and_region_keys_are_not_database_constraints():
    for name in ("party_org", "organization", "region"):
        assert Alert._meta.get_field(name).db_constraint is False


def test_deleting_a_social_organization_deletes_its_alerts_and_their_steps():
    bare, other = make_org(full_members=0), make_org(full_members=0)
    run_scan(as_of=AS_OF)
    alert = Alert.objects.get(organization=bare)
    AlertEvent.objects.create(alert=alert, kind="assigned", note="整改")
    bare.delete()
    assert not Alert.objects.filter(organization_id=bare.pk).exists()
    assert not AlertEvent.objects.filter(alert_id=alert.pk).exists()
    assert Alert.objects.filter(organization=other).exists()


def test_deleting_organizations_in_bulk_deletes_their_alerts():
    orgs = [make_org(full_members=0) for _ in range(3)]
    run_scan(as_of=AS_OF)
    assert Alert.objects.filter(organization__in=orgs).count() == 3
    SocialOrganization.objects.filter(pk__in=[o.pk for o in orgs]).delete()
    assert not Alert.objects.filter(organization_id__in=[o.pk for o in orgs]).exists()


def test_deleting_a_party_organization_deletes_its_alerts():
    branch = idle_branch()
    run_scan(as_of=AS_OF)
    assert Alert.objects.filter(party_org=branch).exists()
    PartyOrganization.objects.filter(pk=branch.pk).delete()
    assert not Alert.objects.filter(party_org_id=branch.pk).exists()


def test_a_region_with_alerts_cannot_be_deleted():
    region = Region.objects.create(code="530199", name="测试区", level="county", parent_id="530100",
                                   scope_prefix="530199")
    make_org("530199", full_members=0)
    run_scan(as_of=AS_OF)
    assert Alert.objects.filter(region=region).exists()
    with pytest.raises(ProtectedError):
        region.delete()


SUBJECT_TABLES = ("registry_socialorganization", "party_partyorganization", "regions_region")
RAW_DELETE = re.compile(r"\b(DELETE\s+FROM|TRUNCATE)\b(?P<rest>.*)", re.IGNORECASE)


def test_no_code_removes_organizations_party_organizations_or_regions_with_raw_sql():
    """Every raw DELETE / TRUNCATE in the code names its table; none is one of the subjects' tables (such a path
    would have to delete the subjects' alerts itself, as Django's cascade does)."""
    assert {SocialOrganization._meta.db_table, PartyOrganization._meta.db_table,
            Region._meta.db_table} == set(SUBJECT_TABLES)
    root = Path(__file__).resolve().parents[2]
    offending = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = RAW_DELETE.search(line)
            if match and any(table in match["rest"] or model in match["rest"] for table, model in
                             zip(SUBJECT_TABLES, ("SocialOrganization", "PartyOrganization", "Region"), strict=True)):
                offending.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offending == []
