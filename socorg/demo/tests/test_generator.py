import hashlib
from collections import Counter
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils.translation import override
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc

from socorg.core.crypto import blind_index
from socorg.core.models import AuditEntry
from socorg.coverage.state import (
    coverage_flags_from_scratch,
    refresh_coverage_flags,
    refresh_member_counts,
    stored_flags,
)
from socorg.demo.generator import DemoGenerator, Options
from socorg.party.choices import JOINT_BRANCH_MAX_ORGS, Formation, PartyOrgStatus
from socorg.party.models import Instructor, InstructorAssignment, PartyCoverage, PartyMember, PartyOrganization
from socorg.registry.models import SocialOrganization
from socorg.registry.uscc import validate_uscc

pytestmark = pytest.mark.django_db
AS_OF = date(2025, 6, 30)


def load(seed=7, scale="county", **kwargs) -> dict[str, int]:
    return DemoGenerator(Options(scale=scale, seed=seed, as_of=AS_OF, **kwargs)).run()


def uscc_digest() -> str:
    codes = SocialOrganization.objects.order_by("uscc").values_list("uscc", "name", "authority_region_id")
    return hashlib.sha256(repr(list(codes)).encode()).hexdigest()


def wipe() -> None:
    for model in (PartyMember, PartyCoverage, InstructorAssignment, Instructor):
        model.objects.all().delete()
    PartyOrganization.objects.update(parent=None)
    PartyOrganization.objects.all().delete()
    SocialOrganization.objects.all().delete()


def test_same_seed_gives_the_same_organizations_and_another_seed_does_not():
    load(seed=7)
    first = uscc_digest()
    wipe()
    load(seed=7)
    assert uscc_digest() == first
    wipe()
    load(seed=8)
    assert uscc_digest() != first


def test_county_scale_loads_about_500_organizations_in_that_county():
    counts = load()
    assert counts["organizations"] == 500
    assert set(SocialOrganization.objects.values_list("authority_region_id", flat=True)) == {"530102"}
    assert SocialOrganization.objects.filter(name__startswith="五华区").exists()
    assert SocialOrganization.objects.filter(name__startswith="昆明市五华区").exists()


def test_every_generated_uscc_passes_the_registry_validator_and_stdnum():
    load(orgs=800)
    for code, org_type, region in SocialOrganization.objects.values_list("uscc", "org_type", "authority_region_id"):
        assert validate_uscc(code, org_type=org_type) == code
        assert stdnum_uscc.is_valid(code)
        assert code[0] == "5" and code[2:8] == region


def test_every_member_id_number_is_a_valid_resident_id_with_its_blind_index():
    load()
    members = list(PartyMember.objects.values_list("id_number", "id_number_index", "birth_date", "gender"))
    assert members
    for id_number, index, born, gender in members:
        assert ric.validate(id_number) == id_number
        assert ric.get_birth_date(id_number) == born
        assert int(id_number[16]) % 2 == (1 if gender == "male" else 0)
        assert index == blind_index(id_number)
    assert len({m[1] for m in members}) == len(members)


def test_id_numbers_and_phones_are_stored_encrypted():
    load()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM party_partymember")
        stored = cursor.fetchall()
    assert stored and all(len(id_number) > 60 and not id_number.isdigit() for id_number, _phone in stored)
    assert all(phone == "" or len(phone) > 60 for _id, phone in stored)


def test_written_coverage_flags_equal_a_from_scratch_recount():
    load(orgs=1500)
    stored = stored_flags()
    assert stored == coverage_flags_from_scratch()
    assert refresh_coverage_flags() == len(stored)
    assert stored_flags() == stored
    flags = Counter(stored.values())
    # (org_covered, org_covered_formal, work_covered, standalone): standalone, joint, functional, instructed only
    assert flags[(True, True, True, True)] and flags[(True, True, True, False)]
    assert flags[(True, False, True, False)] and flags[(False, False, True, False)]


def test_written_member_counts_equal_the_set_based_refresh():
    load(orgs=1500)
    fields = ("pk", "full_members", "probationary_members")
    before = set(SocialOrganization.objects.values_list(*fields))
    refresh_member_counts()
    assert set(SocialOrganization.objects.values_list(*fields)) == before


def test_member_records_give_the_counts_where_they_exist():
    load(orgs=1500)
    with_records = SocialOrganization.objects.filter(members__is_active=True).distinct()
    for org in with_records[:200]:
        active = org.members.filter(is_active=True)
        assert org.full_members == active.filter(membership="full").count()
        assert org.probationary_members == active.filter(membership="probationary").count()
    without = SocialOrganization.objects.exclude(pk__in=with_records.values("pk"))
    assert without.filter(declared_full_members__gte=3).exists()  # 应建未建 gaps keep declared counts


def test_county_scale_proportions_are_plausible():
    counts = load()
    orgs = SocialOrganization.objects.all()
    types = Counter(orgs.values_list("org_type", flat=True))
    assert 0.35 < types["social_group"] / 500 < 0.55 and 0.44 < types["private_non_enterprise"] / 500 < 0.64
    statuses = Counter(orgs.values_list("status", flat=True))
    assert 0.88 < statuses["active"] / 500 < 0.97 and statuses["deregistered"] + statuses["revoked"] > 0
    active = orgs.filter(status="active")
    covered = active.filter(org_covered=True).count() / active.count()
    work = active.filter(work_covered=True).count() / active.count()
    assert 0.15 < covered < 0.45 and work > covered + 0.1
    assert 0.15 < counts["party_organizations"] / 500 < 0.4
    assert 1.5 < counts["members"] / 500 < 4.5
    assert orgs.filter(supervisor="").exists() and orgs.exclude(supervisor="").exists()
    assert all(1990 <= d.year <= 2025 for d in orgs.values_list("registered_on", flat=True))


def test_party_organizations_exercise_the_rules():
    load(orgs=3000)
    party = PartyOrganization.objects.all()
    assert party.filter(secretary_name="", secretary_vacant_since__isnull=False).exists()
    assert party.filter(status=PartyOrgStatus.DISSOLVED, status_changed_on__isnull=False).exists()
    assert party.filter(is_functional=True).exists()
    assert party.filter(kind="committee", coverages__isnull=True).exists()  # the 综合党委 cover none
    joint_sizes = [p.coverages.count() for p in party.filter(formation=Formation.JOINT)]
    assert joint_sizes and min(joint_sizes) >= 2 and max(joint_sizes) > JOINT_BRANCH_MAX_ORGS
    for branch in party.filter(formation=Formation.STANDALONE).exclude(kind="committee", parent__kind="committee"):
        if branch.coverages.exists():
            assert branch.coverages.values("organization").distinct().count() == 1


def test_command_loads_writes_one_audit_entry_and_refuses_a_second_load():
    call_command("demo", scale="county", verbosity=0)
    entry = AuditEntry.objects.get(action="demo.load")
    assert entry.after["organizations"] == SocialOrganization.objects.count() == 500
    with override("en"), pytest.raises(CommandError, match="already holds social organizations"):
        call_command("demo", scale="county", verbosity=0)
    assert SocialOrganization.objects.count() == 500


@pytest.mark.parametrize(("scale", "region", "message"), [
    ("county", "999999", "does not exist"),
    ("county", "530100", "needs a county unit"),
    ("province", "530102", "needs a province unit"),
])
def test_command_refuses_a_region_that_does_not_fit_the_scale(scale, region, message):
    with override("en"), pytest.raises(CommandError, match=message):
        call_command("demo", scale=scale, region=region, verbosity=0)
    assert not SocialOrganization.objects.exists()


def test_city_scale_spreads_over_the_prefecture_and_its_counties():
    counts = load(scale="city", region="530100", orgs=1000)
    regions = set(SocialOrganization.objects.values_list("authority_region_id", flat=True))
    assert "530100" in regions and len(regions) > 5 and all(r.startswith("5301") for r in regions)
    assert counts["organizations"] == 1000
