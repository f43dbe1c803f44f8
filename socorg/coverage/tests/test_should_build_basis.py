"""Whose full members count toward should-build (issue 11, item 9): a deployment setting chooses every full member
employed by the organization (the default, today's behaviour) or only the full-time staff of its standing office
(the 1998 joint notice of the Organization Department and the Ministry of Civil Affairs). The member record says
whether a member is full-time staff; the ledger's 正式党员人数 column keeps its meaning and the template's note
names the basis."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from django.utils import timezone
from openpyxl import load_workbook

from socorg.alerts.rules import get_rule
from socorg.coverage.queries import region_figures, verify_maintained
from socorg.coverage.state import refresh_member_counts
from socorg.ledger.writers import write_template
from socorg.party.choices import Formation, Membership
from socorg.party.models import PartyMember
from socorg.party.rules import should_build_basis
from socorg.registry.models import SocialOrganization

from . import builders as b

pytestmark = pytest.mark.django_db
FULL_TIME_ONLY = override_settings(SOCORG_SHOULD_BUILD_BASIS="full_time_staff")


def staff(org, *, full_time: int, other: int, probationary: int = 0):
    """Member records of `org`: full members who are / are not full-time staff, and probationary full-time staff."""
    party_org = b.found([org], formation=Formation.JOINT)
    for i in range(full_time + other + probationary):
        PartyMember.objects.create(name=f"党员{org.pk}-{i}", party_org=party_org, employer=org,
                                   membership=Membership.PROBATIONARY if i >= full_time + other else Membership.FULL,
                                   is_full_time_staff=i < full_time or i >= full_time + other)
    refresh_member_counts([org.pk])
    org.refresh_from_db()
    return org


def test_by_default_every_full_member_employed_there_counts(region):
    org = staff(b.register("530102"), full_time=1, other=3)
    assert should_build_basis() == "employed"
    assert (org.full_members, org.basis_full_members) == (4, 4)
    totals = region_figures(region("530102")).totals
    assert (totals["should_build"], totals["should_build_missing"], totals["full_members"]) == (1, 1, 4)


def test_full_time_staff_only_counts_the_standing_offices_full_time_full_members(region):
    with FULL_TIME_ONLY:
        few = staff(b.register("530102"), full_time=2, other=5, probationary=1)
        enough = staff(b.register("530102"), full_time=3, other=0)
        assert (few.full_members, few.basis_full_members) == (7, 2)  # 正式党员人数 keeps its meaning
        assert (enough.full_members, enough.basis_full_members) == (3, 3)
        totals = region_figures(region("530102")).totals
        assert (totals["should_build"], totals["full_members"]) == (1, 10)
        assert verify_maintained(region("530000")) == []
        findings = get_rule("should_build_missing").evaluate(timezone.localdate(), "53", {"min_full_members": 3})
        assert [f.subject_id for f in findings] == [enough.pk]


def test_without_member_records_the_declared_count_is_used_on_either_basis(region):
    with FULL_TIME_ONLY:
        org = b.register("530102", full_members=5)
        assert (org.full_members, org.basis_full_members) == (5, 5)
        assert region_figures(region("530102")).totals["should_build"] == 1


def test_changing_the_setting_then_rebuilding_recounts_should_build(region):
    from io import StringIO

    from django.core.management import call_command

    staff(b.register("530102"), full_time=0, other=4)
    assert region_figures(region("530102")).totals["should_build"] == 1
    with FULL_TIME_ONLY:
        call_command("coverage_rebuild", stdout=StringIO())
        assert region_figures(region("530102")).totals["should_build"] == 0
        assert SocialOrganization.objects.get().basis_full_members == 0


@pytest.mark.parametrize(("basis", "words"), [("employed", "全部正式党员"), ("full_time_staff", "专职工作人员")])
def test_the_template_note_of_the_full_members_column_names_the_basis(tmp_path, basis, words):
    with override_settings(SOCORG_SHOULD_BUILD_BASIS=basis):
        write_template(tmp_path / "template.xlsx")
    sheet = load_workbook(tmp_path / "template.xlsx")["社会组织"]
    header = [cell for cell in sheet[1] if cell.value == "正式党员人数"][0]
    assert header.comment.text.startswith("整数 ≥ 0") and words in header.comment.text
    assert "应建" in header.comment.text


def test_a_member_records_whether_they_are_full_time_staff_through_the_api():
    from socorg.accounts.roles import Role
    from socorg.core.testing import api_as, make_user

    org = b.register("530102")
    party_org = b.found([org])
    client = api_as(make_user((Role.PARTY_STAFF, "530000")))
    response = client.post("/api/v1/members/", {"name": "张三", "party_org": party_org.pk, "employer": org.uscc,
                                                 "is_full_time_staff": True}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["is_full_time_staff"] is True
    assert PartyMember.objects.get().is_full_time_staff


def test_an_unknown_basis_is_refused_with_the_expected_values():
    with override_settings(SOCORG_SHOULD_BUILD_BASIS="everyone"), pytest.raises(ImproperlyConfigured,
                                                                                  match="full_time_staff"):
        should_build_basis()
