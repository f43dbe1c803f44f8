"""Derived state after an import equals a recount from scratch.

The import computes the coverage flags, effective member counts and party-organization reach of the organizations
and party organizations it creates from the links it writes, and refreshes only the existing ones it touches
(ImportRun._after_write). These tests compare every stored value with coverage.state's from-scratch definitions,
after a first import and after a second one that mixes new rows with changes to existing ones."""

import pytest
from django.db import connection
from django.test import override_settings

from socorg.core.crypto import decrypt
from socorg.core.models import AuditEntry
from socorg.coverage.models import PartyOrgCounts, PartyOrgReach, RegionCounts
from socorg.coverage.state import coverage_flags_from_scratch, rebuild_counts, refresh_member_counts, stored_flags
from socorg.ledger.importer import import_ledger
from socorg.ledger.pinyin import pinyin_pair
from socorg.registry.models import SocialOrganization

from .helpers import uscc, workbook

pytestmark = pytest.mark.django_db

ORG_HEADERS = ["统一社会信用代码", "名称", "类型", "登记管理机关行政区划代码", "正式党员人数", "登记状态",
               "状态变更日期", "联系电话"]
PARTY_HEADERS = ["党组织名称", "党组织类别", "组建方式", "是否功能型", "覆盖社会组织", "上级党组织", "状态",
                 "所属行政区划代码"]
INSTRUCTOR_HEADERS = ["姓名", "联系电话", "指导社会组织", "状态"]


def org(serial: int, region: str = "530102", members: int = 3, status: str = "正常", changed: str = ""):
    return [uscc(serial, region), f"测试协会{serial}", "社会团体", region, members, status, changed, "13800000000"]


def first_workbook(path):
    return workbook(path, {
        "社会组织": [ORG_HEADERS, org(1), org(2), org(3, "110101"), org(4), org(5, members=0), org(6, members=4),
                     org(7, status="注销", changed="2023-05-01"), org(8, "110101")],
        "党组织": [PARTY_HEADERS,
                  ["单独支部", "党支部", "单独组建", "否", uscc(1), "综合党委", "正常", ""],
                  ["联合支部", "党支部", "联合组建", "否", f"{uscc(2)};{uscc(3, '110101')}", "综合党委", "正常", ""],
                  ["功能型支部", "党支部", "单独组建", "是", uscc(4), "综合党委", "正常", ""],
                  ["撤销的支部", "党支部", "单独组建", "否", uscc(5), "", "撤销", ""],
                  ["注销组织的支部", "党支部", "单独组建", "否", uscc(7), "", "正常", ""],
                  ["综合党委", "党委", "区域联建", "否", "", "", "正常", "530102"]],
        "党建工作指导员": [INSTRUCTOR_HEADERS, ["王五", "13900000001", f"{uscc(5)}、{uscc(6)}", "在岗"],
                          ["赵六", "13900000002", uscc(8, "110101"), "离任"]],
    })


def second_workbook(path):
    """New organizations 9–11 next to changes of existing rows: a joint branch drops one organization and gains a
    new one, a new branch covers an existing and a new organization, an instructor leaves, a count changes."""
    return workbook(path, {
        "社会组织": [ORG_HEADERS, org(1, members=9), org(9), org(10, "110101"), org(11)],
        "党组织": [PARTY_HEADERS,
                  ["联合支部", "党支部", "联合组建", "否", f"{uscc(2)};{uscc(9)}", "综合党委", "正常", ""],
                  ["新联合支部", "党支部", "联合组建", "否", f"{uscc(6)};{uscc(10, '110101')}", "综合党委", "正常", ""],
                  ["撤销的支部", "党支部", "单独组建", "否", f"{uscc(11)}", "", "撤销", ""]],
        "党建工作指导员": [INSTRUCTOR_HEADERS, ["王五", "13900000001", f"{uscc(5)}、{uscc(6)}", "离任"],
                          ["钱七", "13900000003", f"{uscc(11)}", "在岗"]],
    })


def counts_snapshot():
    return (set(PartyOrgReach.objects.values_list("party_org_id", "key", "is_functional")),
            set(RegionCounts.objects.exclude(orgs=0).values_list(
                "region_id", "orgs", "org_covered", "org_covered_formal", "work_covered", "standalone", "should_build",
                "should_build_built", "full_members")),
            set(PartyOrgCounts.objects.exclude(party_orgs=0).values_list("key", "party_orgs",
                                                                         "party_orgs_functional")))


def members_snapshot():
    return set(SocialOrganization.objects.values_list("pk", "full_members", "probationary_members"))


def assert_derived_state_matches_a_recount():
    assert stored_flags() == coverage_flags_from_scratch()
    members = members_snapshot()
    refresh_member_counts()
    assert members_snapshot() == members
    counts = counts_snapshot()
    rebuild_counts()
    assert counts_snapshot() == counts


def test_flags_counts_and_reach_after_a_first_import_equal_a_recount(tmp_path):
    run = import_ledger(first_workbook(tmp_path / "1.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert_derived_state_matches_a_recount()
    by_serial = {o.uscc: o for o in SocialOrganization.objects.all()}
    assert (by_serial[uscc(1)].org_covered, by_serial[uscc(1)].standalone) == (True, True)
    assert (by_serial[uscc(1)].org_covered_formal, by_serial[uscc(4)].org_covered_formal) == (True, False)
    assert (by_serial[uscc(4)].org_covered, by_serial[uscc(4)].standalone) == (True, False)  # functional
    assert (by_serial[uscc(5)].org_covered, by_serial[uscc(5)].work_covered) == (False, True)  # branch dissolved
    assert not by_serial[uscc(8, "110101")].work_covered  # its instructor has left


def test_flags_counts_and_reach_after_a_second_import_with_changes_equal_a_recount(tmp_path):
    assert import_ledger(first_workbook(tmp_path / "1.xlsx")).ok
    run = import_ledger(second_workbook(tmp_path / "2.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert run.summary()["created"]["orgs"] == 3 and run.summary()["updated"]["party_orgs"] == 2
    assert_derived_state_matches_a_recount()
    assert not SocialOrganization.objects.get(uscc=uscc(3, "110101")).org_covered  # dropped by the joint branch
    assert SocialOrganization.objects.get(uscc=uscc(1)).full_members == 9


def test_created_rows_carry_pinyin_encrypted_phones_and_one_audit_entry_each(tmp_path):
    assert import_ledger(first_workbook(tmp_path / "1.xlsx")).ok
    created = SocialOrganization.objects.get(uscc=uscc(1))
    assert (created.name_pinyin, created.name_initials) == pinyin_pair("测试协会1")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM registry_socialorganization WHERE id = %s", [created.pk])
        stored = cursor.fetchone()[0]
    assert "13800000000" not in stored and decrypt(stored) == created.phone == "13800000000"
    entries = AuditEntry.objects.filter(action="registry.org.register")
    assert entries.count() == 8
    entry = entries.get(object_id=str(created.pk))
    assert entry.object_type == "registry.socialorganization" and entry.object_repr == "测试协会1"
    assert entry.after["registered_on"] is None and entry.after["phone_set"] is True
    assert entry.actor_name == "system"


def flag_updates(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith('UPDATE "registry_socialorganization"')]


def test_new_organizations_are_inserted_with_their_final_flags_read_from_the_party_and_instructor_sheets(tmp_path):
    """The party and instructor sheets' lists are read before the 「社会组织」 sheet is written: the new
    organizations' rows are inserted with the flags the old UPDATE after the write gave them, and no UPDATE of the
    organizations follows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run = import_ledger(first_workbook(tmp_path / "1.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert flag_updates(queries) == []
    assert run.created_state.inserted_flags == run.created_state.final_flags() != {}
    assert_derived_state_matches_a_recount()
    flags = {o.uscc: (o.org_covered, o.org_covered_formal, o.work_covered, o.standalone)
             for o in SocialOrganization.objects.all()}
    assert flags[uscc(1)] == (True, True, True, True)  # a standalone branch
    assert flags[uscc(3, "110101")] == (True, True, True, False)  # in a joint branch
    assert flags[uscc(4)] == (True, False, True, False)  # only a functional branch
    assert flags[uscc(6)] == (False, False, True, False)  # only an instructor on duty
    assert flags[uscc(8, "110101")] == (False, False, False, False)  # its instructor has left


def test_flags_the_lists_read_ahead_do_not_give_are_corrected_after_the_write(tmp_path, monkeypatch):
    """The stored flags follow the links written, not the read-ahead: without it (a handler reading nothing
    ahead), the covered organizations are inserted uncovered and set by one UPDATE after the write."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from socorg.party.ledger import InstructorSheet, PartyOrganizationSheet

    monkeypatch.setattr(PartyOrganizationSheet, "preread", lambda self, values: None)
    monkeypatch.setattr(InstructorSheet, "preread", lambda self, values: None)
    with CaptureQueriesContext(connection) as queries:
        run = import_ledger(first_workbook(tmp_path / "1.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert flag_updates(queries)
    assert_derived_state_matches_a_recount()
    assert SocialOrganization.objects.get(uscc=uscc(1)).standalone


def test_a_new_organization_listed_by_an_existing_party_organization_is_inserted_covered(tmp_path):
    """A follow-up workbook whose existing joint branch gains a new organization: the read-ahead takes the branch's
    state from its row, as the write leaves it, so every new organization was inserted with the flags its links
    give it (nothing left for the correction after the write)."""
    assert import_ledger(first_workbook(tmp_path / "1.xlsx")).ok
    run = import_ledger(second_workbook(tmp_path / "2.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert run.created_state.inserted_flags == run.created_state.final_flags() != {}
    assert_derived_state_matches_a_recount()
    created = SocialOrganization.objects.filter(uscc__in=[uscc(9), uscc(10, "110101"), uscc(11)])
    assert {o.uscc: o.org_covered for o in created} == {uscc(9): True, uscc(10, "110101"): True, uscc(11): False}
    assert SocialOrganization.objects.get(uscc=uscc(11)).work_covered  # 钱七, on duty


@override_settings(SOCORG_LEDGER_STREAM_BYTES=0)
def test_sheets_read_with_the_streaming_reader_are_read_ahead_alike(tmp_path):
    run = import_ledger(first_workbook(tmp_path / "1.xlsx"))
    assert run.ok, [e.message for e in run.errors]
    assert run.created_state.inserted_flags == run.created_state.final_flags() != {}
    assert_derived_state_matches_a_recount()
