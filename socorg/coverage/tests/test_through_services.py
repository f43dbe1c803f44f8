"""The registry and party services keep the figures equal to a from-scratch recount (the real write paths)."""

import datetime

import pytest
from django.utils import timezone

from socorg.accounts.roles import Role
from socorg.core.testing import make_user
from socorg.coverage.queries import region_figures
from socorg.party import services as party
from socorg.registry import services as registry
from socorg.registry.uscc import make_uscc

pytestmark = pytest.mark.django_db


def agree(region) -> dict:
    maintained = region_figures(region, source="maintained").as_json()
    scratch = region_figures(region, source="scratch").as_json()
    maintained.pop("source"), scratch.pop("source")
    assert maintained == scratch
    return maintained["totals"]


def test_a_year_of_registry_and_party_work_through_the_services(region):
    actor = make_user((Role.BUREAU_STAFF, "530100"))
    today = timezone.localdate()
    orgs = [registry.org_register(actor=actor, uscc=make_uscc(code, "social_group", f"{9000 + i:08d}"),
                                  name=f"昆明市服务测试协会{i}", org_type="social_group", authority_region=code,
                                  registered_on=datetime.date(2020, 1, 1), declared_full_members=i)
            for i, code in enumerate(["530102", "530102", "530103", "530100", "530103"])]
    prefecture = region("530100")
    assert agree(prefecture)["orgs"] == 5

    branch = party.party_org_create(name="昆明市测试联合党支部", kind="branch", formation="joint", actor=actor,
                                    region="530100", organizations=orgs[:2] + orgs[2:3])
    standalone = party.party_org_create(name="昆明市测试协会党支部", kind="branch", formation="standalone",
                                        actor=actor, region="530100", organizations=[orgs[4]])
    totals = agree(prefecture)
    assert totals["org_covered"] == 4 and totals["party_orgs"] == 2 and totals["standalone"] == 1

    person = party.instructor_create(name="测试指导员", region="530100", actor=actor)
    party.assignment_add(instructor=person, organization=orgs[3], actor=actor)
    assert agree(prefecture)["work_covered"] == 5

    registry.org_deregister(org=orgs[4], actor=actor, date=today, reason="自行解散")
    assert agree(prefecture)["party_orgs"] == 1
    party.party_org_dissolve(party_org=branch, dissolved_on=today, actor=actor)
    totals = agree(prefecture)
    assert totals["org_covered"] == 0 and totals["party_orgs"] == 0 and totals["orgs"] == 4
    assert standalone.pk
